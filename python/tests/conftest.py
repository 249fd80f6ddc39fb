"""Shared helpers: the golden cases of testdata/layers, layers built from them, and gradients on
whichever Keras backend runs the tests (KERAS_BACKEND: tensorflow, jax or torch)."""
import json
import os
import pathlib

os.environ.setdefault("JAX_ENABLE_X64", "1")        # float64 references need float64 arrays on JAX
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from keras import ops  # noqa: E402

import tfgraph_keras  # noqa: E402

CASES_DIR = pathlib.Path(__file__).resolve().parents[2] / "testdata" / "layers"

# The golden cases of the layers this package holds (testdata/layers/README.md describes each).
CASES = ["taylor_order3", "taylor_order0", "prototype_gaussian", "prototype_laplacian", "prototype_exp",
         "bilinear_pooling", "bilinear_pooling_rank_deficient", "matrix_sqrt_svd", "matrix_sqrt_eigh",
         "matrix_sqrt_rank_deficient", "matrix_sqrt_floor", "matrix_sqrt_newton_schulz", "signed_sqrt",
         "l2_normalize", "l2_normalize_zero", "softexp_single", "softexp_cap", "softexp_doubled",
         "image_preprocessing_caffe", "image_preprocessing_torch", "image_preprocessing_tf",
         "random_crop", "random_crop_odd"]

NOT_WEIGHTS = {"x", "y", "g", "dx", "dx_autograd_sign"}


class Case:
    def __init__(self, name):
        self.name = name
        with open(CASES_DIR / (name + ".json"), encoding="utf-8") as f:
            self.meta = json.load(f)
        with np.load(CASES_DIR / (name + ".npz")) as z:
            self.arrays = {k: z[k] for k in z.files}
        self.config = self.meta["layer"]

    def weights(self):
        return {k: v for k, v in self.arrays.items() if k not in NOT_WEIGHTS and not k.startswith("d_")}

    def layer(self, dtype):
        """The case's layer in the given dtype, built, with the case's weights."""
        kwargs = {k: v for k, v in self.config.items() if k not in ("type", "name")}
        layer = getattr(tfgraph_keras, self.config["type"])(name=self.config["name"], dtype=dtype, **kwargs)
        layer.build(tuple(self.meta["input_shape"]))
        weights = self.weights()
        assert sorted(v.name for v in layer.weights) == sorted(weights), "weight names differ from the spec's"
        for v in layer.weights:
            v.assign(weights[v.name])
        return layer


@pytest.fixture(params=CASES)
def case(request):
    return Case(request.param)


def scaled_error(got, want):
    """max |got − want| / max(1, |want|), elementwise."""
    got, want = np.asarray(got, dtype="float64"), np.asarray(want, dtype="float64")
    assert got.shape == want.shape, "shape %s, expected %s" % (got.shape, want.shape)
    assert np.all(np.isfinite(got)), "non-finite values"
    return float(np.max(np.abs(got - want) / np.maximum(1.0, np.abs(want))))


def gradients(fn, arrays):
    """The gradients of the scalar fn(*tensors) with respect to each of arrays, as numpy."""
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf
        ts = [tf.constant(a) for a in arrays]
        with tf.GradientTape() as tape:
            for t in ts:
                tape.watch(t)
            loss = fn(*ts)
        return [np.asarray(g) for g in tape.gradient(loss, ts, unconnected_gradients=tf.UnconnectedGradients.ZERO)]
    if backend == "jax":
        import jax
        return [np.asarray(g) for g in jax.grad(fn, argnums=tuple(range(len(arrays))))(*arrays)]
    if backend == "torch":
        import torch
        ts = [torch.tensor(a, requires_grad=True) for a in arrays]
        fn(*ts).backward()
        return [t.grad.numpy() for t in ts]
    raise pytest.skip("no gradients on the %s backend" % backend)


def layer_function(layer, upstream=None):
    """(x, *trainable values) -> y, or Σ upstream·y when upstream is given: a pure function of the layer."""
    frozen = [v.value for v in layer.non_trainable_variables]

    def f(x, *trainable):
        y, _ = layer.stateless_call(list(trainable), frozen, x)
        return y if upstream is None else ops.sum(ops.convert_to_tensor(upstream, y.dtype) * y)
    return f


def numpy_of(t):
    return np.asarray(ops.convert_to_numpy(t))
