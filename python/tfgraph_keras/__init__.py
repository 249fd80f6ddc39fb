"""tfgraph's layers as Keras 3 layers.

Importing this package registers every layer with Keras under the name ``tfgraph>TYPE`` (for
example ``tfgraph>MatrixSqrt``), so that ``keras.saving.load_model`` opens a ``.keras`` file that
holds them, whether Keras or tfgraph wrote it. Config keys, defaults and weight names are those
of tfgraph's model spec; the math is the formula of tfgraph's layer reference.
"""
from tfgraph_keras.bilinear import BilinearPooling, L2Normalize, SignedSqrt
from tfgraph_keras.images import ImagePreprocessing, RandomCrop
from tfgraph_keras.matrix_sqrt import MatrixSqrt
from tfgraph_keras.prototype import PrototypeKernel
from tfgraph_keras.soft_exponential import SoftExponential
from tfgraph_keras.taylor import TaylorExpansion

__version__ = "0.1.0"

LAYERS = (TaylorExpansion, PrototypeKernel, BilinearPooling, MatrixSqrt, SignedSqrt, L2Normalize,
          SoftExponential, ImagePreprocessing, RandomCrop)
"""Every layer of the package, each registered as ``tfgraph>`` + its class name."""

__all__ = [c.__name__ for c in LAYERS] + ["LAYERS"]
