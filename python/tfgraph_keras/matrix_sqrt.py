"""MatrixSqrt: the square root of symmetric positive (semi)definite matrices, with the exact
Lyapunov gradient (finite on the rank-deficient matrices bilinear pooling makes)."""
import keras
from keras import ops

from tfgraph_keras import _checks

METHODS = ("svd", "eigh", "newton_schulz")

@keras.saving.register_keras_serializable(package="tfgraph")
class MatrixSqrt(keras.layers.Layer):
    """Y = A^½ for A [batch, C, C]; output [batch, C, C]. No weights.

    "svd" and "eigh": A = U diag(s) Uᵀ (singular value or symmetric eigen decomposition), s raised
    to at least ``min_eigenvalue``, Y = U diag(√s) Uᵀ. The gradient is not autograd's (NaN on
    repeated eigenvalues) but the solution of the Lyapunov equation: for upstream G,
    dL/dA = U[(UᵀḠU) ∘ K]Uᵀ with Ḡ = (G + Gᵀ)/2 and K_ij = 1/(√s_i + √s_j), floored s included.
    It is a custom gradient (``keras.ops.custom_gradient``: ``tf.custom_gradient`` on TensorFlow,
    ``jax.custom_gradient``, a custom VJP, on JAX).

    "newton_schulz": Y_0 = A/‖A‖_F, Z_0 = I; ``iterations`` times T = ½(3I − Z·Y), Y ← Y·T,
    Z ← T·Z; output Y·sqrt(‖A‖_F). The iterated value is the layer's output (not the exact root)
    and its gradient is autograd's through the iterations.
    """

    def __init__(self, method="svd", iterations=5, min_eigenvalue=1e-10, **kwargs):
        super().__init__(**kwargs)
        self.method = _checks.one_of("MatrixSqrt", self.name, "method", method, METHODS)
        self.iterations = _checks.integer("MatrixSqrt", self.name, "iterations", iterations, 1, _checks.MAX_ITERATIONS)
        self.min_eigenvalue = _checks.epsilon("MatrixSqrt", self.name, "min_eigenvalue", min_eigenvalue)

    def build(self, input_shape):
        _checks.rank("MatrixSqrt", self.name, input_shape, 3, "[batch, C, C]")
        _checks.known("MatrixSqrt", self.name, input_shape, [1, 2], "[batch, C, C]")
        if input_shape[1] != input_shape[2]:
            _checks.fail("MatrixSqrt", self.name, "expected square matrices [batch, C, C], received shape %s"
                         % (tuple(input_shape),))

    def call(self, a):
        if self.method == "newton_schulz":
            return newton_schulz(a, self.iterations)
        return spectral_sqrt(a, self.method, self.min_eigenvalue)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "method": self.method, "iterations": self.iterations,
                "min_eigenvalue": self.min_eigenvalue}


def _t(m):
    return ops.swapaxes(m, -1, -2)


def decompose(a, method, min_eigenvalue):
    """U [b, C, C] and √s [b, C] of A, s floored at min_eigenvalue."""
    if method == "eigh":
        s, u = ops.eigh(a)
    else:
        u, s, _ = ops.svd(a, full_matrices=False)
    return u, ops.sqrt(ops.maximum(s, min_eigenvalue))


def lyapunov_gradient(u, root, g):
    """dL/dA = U[(UᵀḠU) ∘ K]Uᵀ, Ḡ = (G + Gᵀ)/2, K_ij = 1/(√s_i + √s_j)."""
    k = 1.0 / (ops.expand_dims(root, -1) + ops.expand_dims(root, -2))
    gbar = (g + _t(g)) * 0.5
    return ops.matmul(ops.matmul(u, ops.matmul(ops.matmul(_t(u), gbar), u) * k), _t(u))


def spectral_sqrt(a, method, min_eigenvalue):
    """U diag(√s) Uᵀ with the Lyapunov gradient."""

    @ops.custom_gradient
    def sqrt_with_lyapunov_gradient(m):
        u, root = decompose(m, method, min_eigenvalue)
        y = ops.matmul(u * ops.expand_dims(root, -2), _t(u))

        def grad(*args, upstream=None):
            if upstream is None:
                (upstream,) = args
            return lyapunov_gradient(u, root, upstream)

        return y, grad

    return sqrt_with_lyapunov_gradient(a)


def newton_schulz(a, iterations):
    """The coupled Newton–Schulz iteration, differentiated through by autograd."""
    norm = ops.sqrt(ops.sum(ops.square(a), axis=(1, 2), keepdims=True))   # [b, 1, 1]
    eye3 = 3.0 * ops.eye(a.shape[-1], dtype=a.dtype)
    y, z = a / norm, None                                                 # Z_0 = I
    for _ in range(iterations):
        t = 0.5 * (eye3 - (y if z is None else ops.matmul(z, y)))
        y, z = ops.matmul(y, t), (t if z is None else ops.matmul(t, z))
    return y * ops.sqrt(norm)
