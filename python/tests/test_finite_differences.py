"""Every layer's gradient (input and trainable weights) against central finite differences in
float64, along random directions. The differences are taken per element of y before the upstream
weighting, so a huge y cannot cancel them out; MatrixSqrt's input moves symmetrically."""
import numpy as np
import pytest

from conftest import gradients, layer_function, numpy_of

H = 1e-6
TOLERANCE = 1e-6


def directional_check(f, arrays, upstream, directions):
    grads = gradients(lambda *a: _weighted(f(*a), upstream), arrays)
    analytic = sum(float(np.sum(g * d)) for g, d in zip(grads, directions))
    plus = numpy_of(f(*[a + H * d for a, d in zip(arrays, directions)]))
    minus = numpy_of(f(*[a - H * d for a, d in zip(arrays, directions)]))
    terms = upstream * (plus - minus) / (2 * H)
    numeric, scale = float(np.sum(terms)), float(np.sum(np.abs(terms)))
    assert abs(numeric - analytic) <= TOLERANCE * max(1.0, scale), (numeric, analytic)


def _weighted(y, upstream):
    from keras import ops
    return ops.sum(ops.convert_to_tensor(upstream, y.dtype) * y)


@pytest.mark.parametrize("seed", [0, 1])
def test_gradients_match_finite_differences(case, seed):
    if case.name == "matrix_sqrt_floor":
        pytest.skip("the floored gradient is the contract's, not the forward's derivative (checked against dx)")
    layer = case.layer("float64")
    rng = np.random.default_rng(seed)
    x = case.arrays["x"]
    arrays = [x] + [numpy_of(v) for v in layer.trainable_variables]
    directions = [rng.normal(size=a.shape) for a in arrays]
    if case.config["type"] == "MatrixSqrt":
        directions[0] = (directions[0] + np.swapaxes(directions[0], -1, -2)) / 2
    if case.meta.get("fd_skip_zero_inputs") or case.name == "l2_normalize_zero":
        directions[0] = np.where(x == 0, 0.0, directions[0])     # no derivative a step h can see there
    directional_check(layer_function(layer), arrays, case.arrays["g"], directions)


def test_the_check_fails_on_a_wrong_gradient():
    """The same check rejects a gradient off by 1e-4 (the harness can fail)."""
    from keras import ops

    @ops.custom_gradient
    def square(t):
        def grad(*args, upstream=None):
            if upstream is None:
                (upstream,) = args
            return upstream * 2.0 * t * (1 + 1e-4)
        return t * t, grad

    x = np.linspace(0.5, 1.5, 6)
    with pytest.raises(AssertionError):
        directional_check(square, [x], np.ones(6), [np.ones(6)])
