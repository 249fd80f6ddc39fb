"""Config checks shared by the layers: each error is one line naming the layer, the key, what was
expected and what was received, raised when the layer is made or built, never while it runs."""
import math

# The bounds tfgraph's Java side enforces, so that a config one side accepts the other accepts too.
MAX_UNITS = 1 << 24
MAX_WINDOW = 1 << 16
MAX_ORDER = 1024
MAX_ITERATIONS = 100
MIN_EPSILON, MAX_EPSILON = 1e-30, 1e3
MAX_COEFFICIENT = 1e3


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


def number(layer_type, name, key, value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        fail(layer_type, name, "%s must be a finite number, received %r" % (key, value))
    return float(value)


def epsilon(layer_type, name, key, value, zero_allowed=False):
    """epsilon-like keys: in [1e-30, 1e3] (or exactly 0 where allowed)."""
    value = number(layer_type, name, key, value)
    if zero_allowed and value == 0:
        return 0.0
    if not MIN_EPSILON <= value <= MAX_EPSILON:
        fail(layer_type, name, "%s must be %sa number > 0 in [%g, %g], received %r" % (
            key, "0 or " if zero_allowed else "", MIN_EPSILON, MAX_EPSILON, value))
    return value


def coefficient(layer_type, name, key, value, low=-MAX_COEFFICIENT):
    """Other real coefficients: in [low, 1e3]."""
    value = number(layer_type, name, key, value)
    if not low <= value <= MAX_COEFFICIENT:
        fail(layer_type, name, "%s must be in [%g, %g], received %r" % (key, low, MAX_COEFFICIENT, value))
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
