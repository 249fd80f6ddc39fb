"""Config checks shared by the layers: each error is one line naming the layer, the key, what was
expected and what was received, raised when the layer is made or built, never while it runs."""
import math


def _where(layer_type, name):
    return "%s '%s'" % (layer_type, name) if name else layer_type


def fail(layer_type, name, what):
    raise ValueError("%s: %s" % (_where(layer_type, name), what))


def integer(layer_type, name, key, value, low, high=None):
    if isinstance(value, bool) or not isinstance(value, int) and not (
            isinstance(value, float) and value.is_integer()):
        fail(layer_type, name, "%s must be an integer, received %r" % (key, value))
    value = int(value)
    if value < low or high is not None and value > high:
        bound = "at least %d" % low if high is None else "between %d and %d" % (low, high)
        fail(layer_type, name, "%s must be %s, received %d" % (key, bound, value))
    return value


def number(layer_type, name, key, value, low=None, positive=False):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        fail(layer_type, name, "%s must be a finite number, received %r" % (key, value))
    value = float(value)
    if positive and value <= 0:
        fail(layer_type, name, "%s must be > 0, received %r" % (key, value))
    if low is not None and value < low:
        fail(layer_type, name, "%s must be >= %r, received %r" % (key, low, value))
    return value


def one_of(layer_type, name, key, value, allowed):
    if value not in allowed:
        fail(layer_type, name, "%s must be one of %s, received %r" % (key, ", ".join(allowed), value))
    return value


def boolean(layer_type, name, key, value):
    if not isinstance(value, bool):
        fail(layer_type, name, "%s must be true or false, received %r" % (key, value))
    return value


def rank(layer_type, name, input_shape, expected_rank, expected):
    if len(input_shape) != expected_rank:
        fail(layer_type, name, "expected input %s, received shape %s (rank %d)"
             % (expected, tuple(input_shape), len(input_shape)))


def known(layer_type, name, input_shape, axes, expected):
    for a in axes:
        if input_shape[a] is None:
            fail(layer_type, name, "expected input %s with a known size on axis %d, received shape %s"
                 % (expected, a, tuple(input_shape)))


def constant(values):
    """An initializer returning fixed values, in the variable's dtype."""
    import numpy as np
    from keras import ops

    def init(shape, dtype=None):
        return ops.convert_to_tensor(np.asarray(values, dtype="float64").reshape(shape), dtype=dtype)
    return init
