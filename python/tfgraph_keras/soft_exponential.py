"""SoftExponential: the soft exponential activation (Godfrey and Gashler 2016), α trainable per unit."""
import math

import keras
import numpy as np
from keras import ops

from tfgraph_keras import _checks
from tfgraph_keras._checks import constant

SMALL = 1e-3          # below this |α| both branches share the first-order series
LOG_FLOOR = 1e-7      # the log argument is raised to at least this
EXP_CAP = 80.0        # αx is capped here


@keras.saving.register_keras_serializable(package="tfgraph")
class SoftExponential(keras.layers.Layer):
    """Per unit j with its own α_j:

    - α < 0: −log1p(−α(x + α))/α, the log argument 1 − α(x + α) raised to at least 1e-7;
    - α > 0: expm1(min(αx, 80))/α + α;
    - |α| < 1e-3: x + α(1 + x²/2), which both branches share (value and gradient continuous at 0).

    Input [batch, n]. Weight ``alpha`` [n] (output [batch, n]), or [2, n] when ``doubled`` (output
    concat(f(alpha[0], x), f(alpha[1], x)) = [batch, 2n]). ``alpha_init``: a number (default 0.0; a
    list of one is taken as that number), or when doubled a list of two (default [-0.1, 0.1]), one per
    row. ``alpha_l2`` adds
    alpha_l2·Σα² to the loss.
    """

    def __init__(self, doubled=False, alpha_init=None, alpha_l2=0.0, **kwargs):
        super().__init__(**kwargs)
        where = ("SoftExponential", self.name)
        self.doubled = _checks.boolean(*where, "doubled", doubled)
        if alpha_init is None:
            alpha_init = [-0.1, 0.1] if doubled else 0.0
        values = list(alpha_init) if isinstance(alpha_init, (list, tuple)) else [alpha_init]
        if len(values) != (2 if doubled else 1):
            _checks.fail(*where, "alpha_init must be %s (doubled = %s), received %r" % (
                "a list of two numbers" if doubled else "a number", str(doubled).lower(), alpha_init))
        values = [_checks.coefficient(*where, "alpha_init", v) for v in values]
        self.alpha_init = values if doubled else values[0]
        self.alpha_l2 = _checks.coefficient(*where, "alpha_l2", alpha_l2, low=0.0)

    def build(self, input_shape):
        _checks.rank("SoftExponential", self.name, input_shape, 2, "[batch, units]")
        _checks.known("SoftExponential", self.name, input_shape, [1], "[batch, units]")
        n = int(input_shape[1])
        shape = (2, n) if self.doubled else (n,)
        rows = np.asarray(self.alpha_init if self.doubled else [self.alpha_init], dtype="float64")
        init = np.broadcast_to(rows[:, None], (len(rows), n)).reshape(shape)
        self.alpha = self.add_weight(name="alpha", shape=shape, initializer=constant(init), trainable=True,
                                     regularizer=keras.regularizers.L2(self.alpha_l2) if self.alpha_l2 else None)

    def call(self, x):
        a = ops.cast(self.alpha, x.dtype)
        if not self.doubled:
            return soft_exponential(a, x)
        return ops.concatenate([soft_exponential(a[0], x), soft_exponential(a[1], x)], axis=-1)

    def compute_output_shape(self, input_shape):
        n = input_shape[1]
        return (input_shape[0], None if n is None else (2 * n if self.doubled else n))

    def get_config(self):
        return {**super().get_config(), "doubled": self.doubled, "alpha_init": self.alpha_init,
                "alpha_l2": self.alpha_l2}


def soft_exponential(alpha, x):
    """The formula, branch by branch. Every branch is evaluated on safe inputs (a where back-propagates
    through the branch it did not take, so an unsafe one would put NaN in the gradient)."""
    a = alpha + ops.zeros_like(x)                                   # α broadcast to x's shape
    one = ops.ones_like(x)
    small = ops.abs(a) < SMALL
    negative = a < 0
    series = x + a * (1.0 + 0.5 * ops.square(x))
    a_neg = ops.where(ops.logical_and(negative, ops.logical_not(small)), a, -one)
    u = -a_neg * (x + a_neg)                                        # log1p(u): the argument is 1 + u
    clamped = (1.0 + u) < LOG_FLOOR
    log = ops.where(clamped, math.log(LOG_FLOOR) * one, ops.log1p(ops.where(clamped, ops.zeros_like(u), u)))
    log_branch = -log / a_neg
    a_pos = ops.where(ops.logical_or(negative, small), one, a)
    exp_branch = ops.expm1(ops.minimum(a_pos * x, EXP_CAP)) / a_pos + a_pos
    return ops.where(small, series, ops.where(negative, log_branch, exp_branch))
