"""The parameter-free layers of improved bilinear pooling (Lin and Maji 2017): the pooling itself,
the signed square root and the L2 normalisation that follow the matrix square root."""
import math

import keras
from keras import ops

from tfgraph_keras import _checks


@keras.saving.register_keras_serializable(package="tfgraph")
class BilinearPooling(keras.layers.Layer):
    """A = XᵀX/(h·w) + epsilon·I, with X the [h·w, C] features of one example.

    Input [batch, h, w, C], output [batch, C, C]. No weights.
    """

    def __init__(self, epsilon=1e-5, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = _checks.epsilon("BilinearPooling", self.name, "epsilon", epsilon, zero_allowed=True)

    def build(self, input_shape):
        _checks.rank("BilinearPooling", self.name, input_shape, 4, "[batch, height, width, channels]")
        _checks.known("BilinearPooling", self.name, input_shape, [3], "[batch, height, width, channels]")

    def call(self, x):
        shape = ops.shape(x)
        c = x.shape[-1]
        positions = shape[1] * shape[2]
        flat = ops.reshape(x, (-1, positions, c))                                  # X [b, h·w, C]
        a = ops.matmul(ops.transpose(flat, (0, 2, 1)), flat) / ops.cast(positions, x.dtype)
        return a + self.epsilon * ops.eye(c, dtype=x.dtype) if self.epsilon else a

    def compute_output_shape(self, input_shape):
        return (input_shape[0], input_shape[3], input_shape[3])

    def get_config(self):
        return {**super().get_config(), "epsilon": self.epsilon}


@keras.saving.register_keras_serializable(package="tfgraph")
class SignedSqrt(keras.layers.Layer):
    """y = sign(x)·(sqrt(|x| + epsilon) − sqrt(epsilon)), continuous at 0.

    Its derivative is 1/(2·sqrt(|x| + epsilon)) everywhere, x = 0 included; autograd through
    sign·f(|x|) gives 0 at x = 0, so the sign is taken as a constant s = ±1 (1 at 0) and
    y = s·(sqrt(s·x + epsilon) − sqrt(epsilon)), which has the same value and the exact derivative.
    """

    def __init__(self, epsilon=1e-8, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = _checks.epsilon("SignedSqrt", self.name, "epsilon", epsilon)

    def call(self, x):
        s = ops.stop_gradient(ops.where(x >= 0, ops.ones_like(x), -ops.ones_like(x)))
        return s * (ops.sqrt(s * x + self.epsilon) - math.sqrt(self.epsilon))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "epsilon": self.epsilon}


@keras.saving.register_keras_serializable(package="tfgraph")
class L2Normalize(keras.layers.Layer):
    """y = x / sqrt(max(Σ x², epsilon)) over all non-batch axes; an all-zero example stays 0."""

    def __init__(self, epsilon=1e-12, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = _checks.epsilon("L2Normalize", self.name, "epsilon", epsilon)

    def build(self, input_shape):
        if len(input_shape) < 2:
            _checks.fail("L2Normalize", self.name, "expected input [batch, ...] of rank >= 2, received shape %s"
                         % (tuple(input_shape),))

    def call(self, x):
        ss = ops.sum(ops.square(x), axis=tuple(range(1, len(x.shape))), keepdims=True)
        return x * ops.rsqrt(ops.maximum(ss, self.epsilon))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "epsilon": self.epsilon}
