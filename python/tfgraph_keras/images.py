"""The image layers tfgraph defines and Keras lacks or defines otherwise: ImagePreprocessing
(Keras' preprocess_input as a layer, on [0, 1] input) and RandomCrop (central window at inference)."""
import keras
from keras import ops

from tfgraph_keras import _checks

MODES = ("caffe", "torch", "tf")
CAFFE_BGR_MEAN = (103.939, 116.779, 123.68)
TORCH_MEAN = (0.485, 0.456, 0.406)
TORCH_STD = (0.229, 0.224, 0.225)

@keras.saving.register_keras_serializable(package="tfgraph")
class ImagePreprocessing(keras.layers.Layer):
    """Keras' ``imagenet_utils.preprocess_input`` modes on RGB input in [0, 1], channels last.

    "caffe": 255·x, RGB → BGR, minus [103.939, 116.779, 123.68] (B, G, R); "torch":
    (x − [0.485, 0.456, 0.406]) / [0.229, 0.224, 0.225]; "tf": 2x − 1. ``mode`` is required;
    caffe and torch need 3 channels. No weights.
    """

    def __init__(self, mode, **kwargs):
        super().__init__(**kwargs)
        self.mode = _checks.one_of("ImagePreprocessing", self.name, "mode", mode, MODES)

    def build(self, input_shape):
        if len(input_shape) < 2:
            _checks.fail("ImagePreprocessing", self.name, "expected input of rank >= 2 [batch, ..., channels], "
                         "received shape %s" % (tuple(input_shape),))
        if self.mode != "tf" and input_shape[-1] != 3:
            _checks.fail("ImagePreprocessing", self.name, "mode \"%s\" expects 3 channels (RGB) on the last axis, "
                         "received shape %s" % (self.mode, tuple(input_shape)))

    def call(self, x):
        if self.mode == "tf":
            return 2.0 * x - 1.0
        if self.mode == "torch":
            return (x - ops.convert_to_tensor(TORCH_MEAN, x.dtype)) / ops.convert_to_tensor(TORCH_STD, x.dtype)
        return ops.flip(x, axis=-1) * 255.0 - ops.convert_to_tensor(CAFFE_BGR_MEAN, x.dtype)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "mode": self.mode}


@keras.saving.register_keras_serializable(package="tfgraph")
class RandomCrop(keras.layers.Layer):
    """A height×width window of NHWC images: at inference the central window (offsets
    (H − height)//2 and (W − width)//2); in training a window at a random offset per example,
    uniform over the (H − height + 1)(W − width + 1) positions, drawn from a generator seeded by
    ``seed``. Unlike Keras' own RandomCrop it never resizes: the input must be at least the window.
    No weights (the random generator's state is not a weight).
    """

    def __init__(self, height, width, seed=0, **kwargs):
        super().__init__(**kwargs)
        self.height = _checks.integer("RandomCrop", self.name, "height", height, 1, _checks.MAX_WINDOW)
        self.width = _checks.integer("RandomCrop", self.name, "width", width, 1, _checks.MAX_WINDOW)
        self.seed = _checks.integer("RandomCrop", self.name, "seed", seed, -(1 << 63), (1 << 63) - 1)
        self.seed_generator = keras.random.SeedGenerator(self.seed)

    def build(self, input_shape):
        _checks.rank("RandomCrop", self.name, input_shape, 4, "[batch, height, width, channels]")
        _checks.known("RandomCrop", self.name, input_shape, [1, 2], "[batch, height, width, channels]")
        if input_shape[1] < self.height or input_shape[2] < self.width:
            _checks.fail("RandomCrop", self.name, "the input must be at least height × width = %d × %d, received "
                         "shape %s" % (self.height, self.width, tuple(input_shape)))

    def call(self, x, training=None):
        h, w = x.shape[1], x.shape[2]
        if not training:
            top, left = (h - self.height) // 2, (w - self.width) // 2
            return x[:, top:top + self.height, left:left + self.width, :]
        u = keras.random.uniform((ops.shape(x)[0], 2), seed=self.seed_generator)
        rows = _window(x, _offsets(u[:, 0], h - self.height), self.height, 1)
        return _window(rows, _offsets(u[:, 1], w - self.width), self.width, 2)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.height, self.width, input_shape[3])

    def get_config(self):
        return {**super().get_config(), "height": self.height, "width": self.width, "seed": self.seed}


def _offsets(u, span):
    """min(floor(u·(span + 1)), span): one offset in [0, span] per example, [batch] int32."""
    return ops.minimum(ops.cast(ops.floor(u * (span + 1)), "int32"), span)


def _window(x, offset, size, axis):
    """x's indices offset[b] .. offset[b] + size − 1 along axis (1 or 2), per example."""
    idx = ops.expand_dims(offset, 1) + ops.expand_dims(ops.arange(size, dtype="int32"), 0)   # [b, size]
    idx = ops.reshape(idx, (-1, size, 1, 1) if axis == 1 else (-1, 1, size, 1))
    target = list(ops.shape(x))
    target[axis] = size
    return ops.take_along_axis(x, ops.broadcast_to(idx, target), axis=axis)
