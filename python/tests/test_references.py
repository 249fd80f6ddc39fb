"""Each layer against the float64 references tfgraph's Java tests use (testdata/layers): output and
gradients in float64, and the float32 output within the case's stated tolerance."""
import numpy as np

from conftest import gradients, layer_function, numpy_of, scaled_error

FLOAT64_FORWARD = 1e-10
FLOAT64_GRADIENT = 1e-8


def test_float64_output(case):
    layer = case.layer("float64")
    y = numpy_of(layer(case.arrays["x"]))
    assert scaled_error(y, case.arrays["y"]) <= FLOAT64_FORWARD


def test_float64_gradients(case):
    layer = case.layer("float64")
    trainable = [numpy_of(v) for v in layer.trainable_variables]
    grads = gradients(layer_function(layer, case.arrays["g"]), [case.arrays["x"]] + trainable)
    assert scaled_error(grads[0], case.arrays["dx"]) <= FLOAT64_GRADIENT, "dx"
    for v, g in zip(layer.trainable_variables, grads[1:]):
        assert scaled_error(g, case.arrays["d_" + v.name]) <= FLOAT64_GRADIENT, "d_" + v.name
    assert sorted("d_" + v.name for v in layer.trainable_variables) == sorted(
        k for k in case.arrays if k.startswith("d_"))


def test_float32_output_within_the_case_tolerance(case):
    layer = case.layer("float32")
    y = numpy_of(layer(case.arrays["x"].astype("float32")))
    assert y.dtype == np.float32
    assert scaled_error(y, case.arrays["y"]) <= case.meta["tolerance"]["forward_rtol"]
