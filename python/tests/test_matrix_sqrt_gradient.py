"""MatrixSqrt's Lyapunov gradient on rank-deficient and repeated-eigenvalue inputs: finite, equal to
an independent float64 formula, and Keras trains through it."""
import keras
import numpy as np
import pytest
from keras import ops

from conftest import gradients
from tfgraph_keras import BilinearPooling, L2Normalize, MatrixSqrt, SignedSqrt

MIN_EIGENVALUE = 1e-10


def rank_deficient_inputs():
    rng = np.random.default_rng(7)
    x = np.maximum(rng.normal(size=(2, 3, 5)), 0.0)            # post-ReLU, 3 positions < 5 channels
    return {
        "gram": np.einsum("bpi,bpj->bij", x, x) / 3,          # rank ≤ 3 of 5, zero eigenvalue repeated
        "repeated": np.stack([np.diag([1.0, 1.0, 4.0, 4.0, 9.0]), np.zeros((5, 5))]),
    }


def lyapunov_reference(a, g):
    """dL/dA = U[(UᵀḠU) ∘ K]Uᵀ from numpy's float64 eigh, s floored as the layer floors it."""
    s, u = np.linalg.eigh(a)
    r = np.sqrt(np.maximum(s, MIN_EIGENVALUE))
    k = 1.0 / (r[..., :, None] + r[..., None, :])
    gbar = (g + np.swapaxes(g, -1, -2)) / 2
    ut = np.swapaxes(u, -1, -2)
    return u @ ((ut @ gbar @ u) * k) @ ut


def layer_gradient(method, dtype, a, g):
    layer = MatrixSqrt(method=method, min_eigenvalue=MIN_EIGENVALUE, dtype=dtype)
    return gradients(lambda m: ops.sum(ops.convert_to_tensor(g, m.dtype) * layer(m)), [a.astype(dtype)])[0]


@pytest.mark.parametrize("method", ["svd", "eigh"])
@pytest.mark.parametrize("kind", ["gram", "repeated"])
def test_gradient_is_finite_and_exact(method, kind):
    a = rank_deficient_inputs()[kind]
    g = np.random.default_rng(1).normal(size=a.shape)
    want = lyapunov_reference(a, g)
    got64 = layer_gradient(method, "float64", a, g)
    assert np.all(np.isfinite(got64))
    assert np.max(np.abs(got64 - want)) <= 1e-8 * np.max(np.abs(want))
    got32 = layer_gradient(method, "float32", a, g)
    assert np.all(np.isfinite(got32))
    if kind == "repeated":          # exactly representable eigenvalues: float32 agrees too
        assert np.max(np.abs(got32 - want)) <= 1e-4 * np.max(np.abs(want))


@pytest.mark.skipif(keras.backend.backend() != "jax", reason="TensorFlow's eigh gradient divides with reciprocal_no_nan")
def test_autograd_through_eigh_is_nan_where_the_layer_is_not():
    """Why the custom gradient: JAX's own derivative of eigh is NaN on repeated eigenvalues."""
    a = rank_deficient_inputs()["repeated"]
    g = np.ones_like(a)

    def naive(m):
        s, u = ops.eigh(m)
        y = ops.matmul(u * ops.sqrt(ops.maximum(s, MIN_EIGENVALUE))[:, None, :], ops.swapaxes(u, -1, -2))
        return ops.sum(g * y)

    assert not np.all(np.isfinite(gradients(naive, [a])[0]))
    assert np.all(np.isfinite(layer_gradient("eigh", "float64", a, g)))


@pytest.mark.parametrize("method", ["svd", "eigh", "newton_schulz"])
def test_keras_trains_through_rank_deficient_bilinear_pooling(method):
    """Improved bilinear pooling with epsilon 0 on post-ReLU features with fewer positions than
    channels: every A is singular. A few SGD steps keep the loss and every weight finite."""
    keras.utils.set_random_seed(0)
    model = keras.Sequential([
        keras.Input((1, 3, 4)),
        keras.layers.Dense(6, activation="relu"),
        BilinearPooling(epsilon=0.0),
        MatrixSqrt(method=method),
        keras.layers.Flatten(),
        SignedSqrt(),
        L2Normalize(),
        keras.layers.Dense(3),
    ])
    model.compile(optimizer=keras.optimizers.SGD(0.1),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    rng = np.random.default_rng(0)
    x = rng.normal(size=(8, 1, 3, 4)).astype("float32")
    y = rng.integers(0, 3, size=8)
    before = [np.array(w) for w in model.get_weights()]
    history = model.fit(x, y, epochs=3, batch_size=4, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
    after = model.get_weights()
    assert all(np.all(np.isfinite(w)) for w in after)
    assert not np.array_equal(before[0], after[0]), "no gradient reached the Dense below MatrixSqrt"
