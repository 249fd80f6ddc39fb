"""PrototypeKernel: an RBF-like layer over fixed prototype rows of the training data."""
import keras
import numpy as np
from keras import ops

from tfgraph_keras import _checks, _selection
from tfgraph_keras._checks import constant

KERNELS = ("gaussian", "laplacian", "exp")
SELECTIONS = ("per_class_random", "per_class_kmeans")
SCALE_FLOOR = 1e-3


@keras.saving.register_keras_serializable(package="tfgraph")
class PrototypeKernel(keras.layers.Layer):
    """d = (x_i − P_ki)/c_i; f = exp(−d²) ("gaussian"), exp(−|d|) ("laplacian") or exp(d) ("exp");
    z_k = bias_k + Σ_i kernel_ki·f.

    Input [batch, n], output [batch, units]. Weights, in this order: ``prototypes`` [units, n] and
    ``scale`` [n] (not trainable; set by ``adapt`` or loaded), ``kernel`` [units, n] (starts at
    1/n) and ``bias`` [units] (starts at 0). A ``.keras`` file stores them in that order too.
    """

    def __init__(self, units, kernel="gaussian", selection="per_class_random", seed=0, **kwargs):
        super().__init__(**kwargs)
        self.units = _checks.integer("PrototypeKernel", self.name, "units", units, 1, _checks.MAX_UNITS)
        self.kernel_type = _checks.one_of("PrototypeKernel", self.name, "kernel", kernel, KERNELS)
        self.selection = _checks.one_of("PrototypeKernel", self.name, "selection", selection, SELECTIONS)
        self.seed = _checks.integer("PrototypeKernel", self.name, "seed", seed, -(1 << 63), (1 << 63) - 1)

    def build(self, input_shape):
        _checks.rank("PrototypeKernel", self.name, input_shape, 2,
                     "[batch, features] (put a Flatten before PrototypeKernel)")
        _checks.known("PrototypeKernel", self.name, input_shape, [1], "[batch, features]")
        n, m = int(input_shape[1]), self.units
        self.prototypes = self.add_weight(name="prototypes", shape=(m, n), initializer="zeros", trainable=False)
        self.scale = self.add_weight(name="scale", shape=(n,), initializer="ones", trainable=False)
        self.kernel = self.add_weight(name="kernel", shape=(m, n), initializer=constant(np.full((m, n), 1.0 / n)),
                                      trainable=True)
        self.bias = self.add_weight(name="bias", shape=(m,), initializer="zeros", trainable=True)

    def call(self, x):
        c = lambda v: ops.cast(v, x.dtype)
        return prototype(x, c(self.prototypes), c(self.scale), c(self.kernel), c(self.bias), self.kernel_type)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.units)

    def adapt(self, x, y, num_classes=None):
        """Sets ``prototypes`` and ``scale`` from training data, as Keras' preprocessing layers do.

        x: [examples, n]; y: integer class labels [examples] (or [examples, 1], or one-hot rows); num_classes defaults
        to max(y) + 1. Takes units / num_classes rows per class, class-major, chosen by ``selection``
        with ``seed`` (the same rows tfgraph picks); scale is the per-feature standard deviation of
        x, floored at 1e-3.
        """
        x = np.asarray(x, dtype="float32").astype("float64")
        y = np.asarray(y)
        if y.ndim == 2:
            y = y[:, 0] if y.shape[1] == 1 else y.argmax(axis=1)     # a column of labels, or one-hot rows
        y = y.astype("int64")
        if x.ndim != 2 or y.shape != (x.shape[0],):
            _checks.fail("PrototypeKernel", self.name, "adapt expects x [examples, features] and y [examples], "
                         "received x %s and y %s" % (x.shape, y.shape))
        classes = int(y.max()) + 1 if num_classes is None else int(num_classes)
        if y.min() < 0 or y.max() >= classes:
            _checks.fail("PrototypeKernel", self.name, "labels must be in [0, %d), received [%d, %d]"
                         % (classes, y.min(), y.max()))
        if self.units < classes or self.units % classes:
            _checks.fail("PrototypeKernel", self.name, "units must be a positive multiple of the number of classes "
                         "(%d) to take the same number of prototypes per class, received %d" % (classes, self.units))
        if not self.built:
            self.build((None, x.shape[1]))
        if self.prototypes.shape[1] != x.shape[1]:
            _checks.fail("PrototypeKernel", self.name, "adapt expects x with %d features (the layer's input), "
                         "received %d" % (self.prototypes.shape[1], x.shape[1]))
        k = self.units // classes
        pick = _selection.kmeans if self.selection == "per_class_kmeans" else _selection.random_rows
        try:
            chosen = pick(x, y, classes, k, self.seed)
        except ValueError as e:
            _checks.fail("PrototypeKernel", self.name, "adapt: %s" % e)
        self.prototypes.assign(chosen)
        self.scale.assign(_selection.std(x, SCALE_FLOOR))

    def save_own_variables(self, store):
        """Stored in the order above (Keras would put the trainable ones first), so that a .keras file
        lists them as tfgraph's model spec does: vars/0 prototypes, 1 scale, 2 kernel, 3 bias."""
        for i, v in enumerate(self._in_spec_order()):
            store[str(i)] = v

    def load_own_variables(self, store):
        self._check_load_own_variables(store)
        for i, v in enumerate(self._in_spec_order()):
            v.assign(store[str(i)])

    def _in_spec_order(self):
        return [self.prototypes, self.scale, self.kernel, self.bias]

    def get_config(self):
        return {**super().get_config(), "units": self.units, "kernel": self.kernel_type,
                "selection": self.selection, "seed": self.seed}


def prototype(x, prototypes, scale, kernel, bias, kind):
    """x [b, n], prototypes and kernel [m, n], scale [n], bias [m] -> [b, m]."""
    d = (ops.expand_dims(x, 1) - prototypes) / scale          # [b, m, n]
    if kind == "laplacian":
        f = ops.exp(-ops.abs(d))
    elif kind == "exp":
        f = ops.exp(d)
    else:
        f = ops.exp(-ops.square(d))
    return ops.sum(kernel * f, axis=-1) + bias
