"""TaylorExpansion: a Maclaurin expansion per feature."""
import keras
import numpy as np
from keras import ops

from tfgraph_keras import _checks
from tfgraph_keras._checks import constant


@keras.saving.register_keras_serializable(package="tfgraph")
class TaylorExpansion(keras.layers.Layer):
    """h_ip = a_ip·x_i^p (p = 0..P, x^0 = 1 also at x = 0), s_ip = Σ_{q≤p} h_iq, y_i = Σ_p w_ip·s_ip.

    Input [batch, n], output [batch, n]. Weights ``a`` and ``w`` [n, P+1], both trainable. They
    start as tfgraph's do: a_i = [0, 1, 0, ...] (all ones for order 0) and w = 1/(P+1), so the layer
    starts as y = P/(P+1)·x (y = 1 for order 0) with non-zero gradients for both a and w (each
    one's gradient is proportional to the other, so they must not both start at zero).
    """

    def __init__(self, order, **kwargs):
        super().__init__(**kwargs)
        self.order = _checks.integer("TaylorExpansion", self.name, "order", order, 0, _checks.MAX_ORDER)

    def build(self, input_shape):
        _checks.rank("TaylorExpansion", self.name, input_shape, 2,
                     "[batch, features] (put a Flatten or Dense before TaylorExpansion)")
        _checks.known("TaylorExpansion", self.name, input_shape, [1], "[batch, features]")
        n, p1 = int(input_shape[1]), self.order + 1
        a0 = np.zeros((n, p1))
        if self.order >= 1:
            a0[:, 1] = 1.0
        else:
            a0[:] = 1.0
        self.a = self.add_weight(name="a", shape=(n, p1), initializer=constant(a0), trainable=True)
        self.w = self.add_weight(name="w", shape=(n, p1), initializer=constant(np.full((n, p1), 1.0 / p1)),
                                 trainable=True)

    def call(self, x):
        return taylor(x, ops.cast(self.a, x.dtype), ops.cast(self.w, x.dtype), self.order)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "order": self.order}


def taylor(x, a, w, order):
    """The formula: powers (x^0 as ones, integer powers for p ≥ 1), cumulative sum, weighted sum."""
    powers = [ops.ones_like(x)] + [ops.power(x, p) for p in range(1, order + 1)]
    h = a * ops.stack(powers, axis=-1)                   # [b, n, P+1]: h_ip = a_ip x_i^p
    s = ops.cumsum(h, axis=-1)                           # s_ip = Σ_{q≤p} h_iq
    return ops.sum(w * s, axis=-1)                       # y_i = Σ_p w_ip s_ip
