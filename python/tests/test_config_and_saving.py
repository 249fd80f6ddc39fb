"""Registered names, get_config keys and defaults as tfgraph's model spec writes them, config round
trips, bad configs refused in one line, and .keras save/load with identical predictions."""
import zipfile

import h5py
import keras
import numpy as np
import pytest

import tfgraph_keras
from tfgraph_keras import (BilinearPooling, ImagePreprocessing, L2Normalize, MatrixSqrt, PrototypeKernel,
                           RandomCrop, SignedSqrt, SoftExponential, TaylorExpansion)
from conftest import numpy_of

KERAS_KEYS = {"name", "trainable", "dtype"}

# type -> (required arguments, the spec's keys with their defaults)
SPEC = {
    "TaylorExpansion": ({"order": 3}, {"order": 3}),
    "PrototypeKernel": ({"units": 4}, {"units": 4, "kernel": "gaussian", "selection": "per_class_random", "seed": 0}),
    "BilinearPooling": ({}, {"epsilon": 1e-5}),
    "MatrixSqrt": ({}, {"method": "svd", "iterations": 5, "min_eigenvalue": 1e-10}),
    "SignedSqrt": ({}, {"epsilon": 1e-8}),
    "L2Normalize": ({}, {"epsilon": 1e-12}),
    "SoftExponential": ({}, {"doubled": False, "alpha_init": 0.0, "alpha_l2": 0.0}),
    "ImagePreprocessing": ({"mode": "torch"}, {"mode": "torch"}),
    "RandomCrop": ({"height": 2, "width": 3}, {"height": 2, "width": 3, "seed": 0}),
}


@pytest.mark.parametrize("cls", tfgraph_keras.LAYERS, ids=lambda c: c.__name__)
def test_registered_as_tfgraph_type_with_the_spec_keys_and_defaults(cls):
    assert keras.saving.get_registered_name(cls) == "tfgraph>" + cls.__name__
    assert keras.saving.get_registered_object("tfgraph>" + cls.__name__) is cls
    required, spec = SPEC[cls.__name__]
    config = cls(**required).get_config()
    assert set(config) == KERAS_KEYS | set(spec)
    assert {k: config[k] for k in spec} == spec


@pytest.mark.parametrize("cls", tfgraph_keras.LAYERS, ids=lambda c: c.__name__)
def test_config_round_trip(cls):
    required, _ = SPEC[cls.__name__]
    config = cls(name="layer_1", trainable=False, **required).get_config()
    again = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(cls.from_config(config)))
    assert type(again) is cls and again.get_config() == config


@pytest.mark.parametrize("cls", tfgraph_keras.LAYERS, ids=lambda c: c.__name__)
def test_a_config_of_the_spec_keys_only_deserializes_by_registered_name(cls):
    """What a writer that knows only tfgraph's spec puts in a .keras file: no dtype, no trainable,
    any module; the registered name finds the class (RandomCrop: this one, not Keras' own)."""
    required, spec = SPEC[cls.__name__]
    layer = keras.saving.deserialize_keras_object({
        "module": "tfgraph_keras", "class_name": cls.__name__, "registered_name": "tfgraph>" + cls.__name__,
        "config": {"name": "x1", **spec}})
    assert type(layer) is cls and layer.trainable and layer.dtype == "float32"
    assert {k: layer.get_config()[k] for k in spec} == spec


def test_soft_exponential_doubled_defaults_and_alpha_shape():
    layer = SoftExponential(doubled=True)
    assert layer.get_config()["alpha_init"] == [-0.1, 0.1]
    layer.build((None, 3))
    np.testing.assert_array_equal(numpy_of(layer.alpha), np.float32([[-0.1] * 3, [0.1] * 3]))
    assert layer.compute_output_shape((None, 3)) == (None, 6)


def test_soft_exponential_takes_a_list_of_one_as_a_number():
    assert SoftExponential(alpha_init=[0.25]).get_config()["alpha_init"] == 0.25


def test_soft_exponential_alpha_l2_is_a_loss():
    layer = SoftExponential(alpha_init=0.5, alpha_l2=0.01)
    layer(np.zeros((1, 4), "float32"))
    assert np.isclose(float(numpy_of(sum(layer.losses))), 0.01 * 4 * 0.25, rtol=1e-6)
    assert not SoftExponential().losses


def test_taylor_starts_as_tfgraph_does():
    """a_i = [0, 1, 0, ...], w = 1/(P+1): y = P/(P+1)·x at the start (order 0: a = w = 1, y = 1)."""
    x = np.random.default_rng(0).normal(size=(3, 5)).astype("float32")
    for order in (0, 1, 4):
        layer = TaylorExpansion(order)
        y = numpy_of(layer(x))
        np.testing.assert_allclose(y, x * order / (order + 1) if order else np.ones_like(x), rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("make, message", [
    (lambda: TaylorExpansion(-1, name="t"), "TaylorExpansion 't': order must be between 0 and 1024, received -1"),
    (lambda: TaylorExpansion(1.5), "order must be an integer, received 1.5"),
    (lambda: PrototypeKernel(4, kernel="cosine", name="p"),
     "PrototypeKernel 'p': kernel must be one of gaussian, laplacian, exp, received 'cosine'"),
    (lambda: PrototypeKernel(4, selection="first"), "selection must be one of per_class_random, per_class_kmeans"),
    (lambda: MatrixSqrt(method="qr"), "method must be one of svd, eigh, newton_schulz, received 'qr'"),
    (lambda: MatrixSqrt(iterations=0), "iterations must be between 1 and 100, received 0"),
    (lambda: MatrixSqrt(min_eigenvalue=0.0), "min_eigenvalue must be a number > 0 in [1e-30, 1000], received 0.0"),
    (lambda: BilinearPooling(epsilon=-1.0), "epsilon must be 0 or a number > 0 in [1e-30, 1000], received -1.0"),
    (lambda: SignedSqrt(epsilon=0.0), "epsilon must be a number > 0"),
    (lambda: PrototypeKernel(1 << 25), "units must be between 1 and 16777216"),
    (lambda: SoftExponential(alpha_init=2000.0), "alpha_init must be in [-1000, 1000], received 2000.0"),
    (lambda: L2Normalize(epsilon="small"), "epsilon must be a finite number, received 'small'"),
    (lambda: SoftExponential(doubled=True, alpha_init=[0.1, 0.2, 0.3], name="se"),
     "SoftExponential 'se': alpha_init must be a list of two numbers (doubled = true), received [0.1, 0.2, 0.3]"),
    (lambda: SoftExponential(alpha_init=[0.1, 0.2]), "alpha_init must be a number (doubled = false), received [0.1, 0.2]"),
    (lambda: SoftExponential(doubled=True, alpha_init=0.1), "alpha_init must be a list of two numbers (doubled = true), received 0.1"),
    (lambda: SoftExponential(alpha_l2=-1.0), "alpha_l2 must be in [0, 1000], received -1.0"),
    (lambda: ImagePreprocessing("keras"), "mode must be one of caffe, torch, tf, received 'keras'"),
    (lambda: RandomCrop(0, 2), "height must be between 1 and 65536, received 0"),
])
def test_bad_configs_refused_in_one_line(make, message):
    with pytest.raises(ValueError) as e:
        make()
    assert message in str(e.value) and "\n" not in str(e.value)


@pytest.mark.parametrize("layer, shape, message", [
    (TaylorExpansion(2, name="t"), (None, 2, 3), "TaylorExpansion 't': expected input [batch, features]"),
    (MatrixSqrt(name="m"), (None, 3, 4), "MatrixSqrt 'm': expected square matrices [batch, C, C], received shape"),
    (BilinearPooling(), (None, 4, 4), "expected input [batch, height, width, channels]"),
    (ImagePreprocessing("caffe"), (None, 4, 4, 1), "mode \"caffe\" expects 3 channels (RGB) on the last axis"),
    (RandomCrop(5, 2), (None, 4, 4, 1), "the input must be at least height × width = 5 × 2"),
])
def test_bad_inputs_refused_when_built(layer, shape, message):
    with pytest.raises(ValueError) as e:
        layer.build(shape)
    assert message in str(e.value) and "\n" not in str(e.value)


def seed_model():
    """A functional model with every layer of the package, two inputs (as the prototype network)."""
    images = keras.Input((6, 6, 3), name="images")
    h = ImagePreprocessing("torch")(images)
    h = RandomCrop(4, 4, seed=3)(h)
    h = keras.layers.Conv2D(4, 3, activation="relu")(h)
    a = BilinearPooling(epsilon=1e-3)(h)
    a = MatrixSqrt(method="eigh")(a)
    a = SignedSqrt()(keras.layers.Flatten()(a))
    a = L2Normalize()(a)
    features = keras.Input((5,), name="features")
    p = PrototypeKernel(6, kernel="laplacian")(features)
    t = TaylorExpansion(2)(keras.layers.Dense(4)(a))
    z = keras.layers.Concatenate()([t, p])
    z = SoftExponential(doubled=True, alpha_l2=1e-3)(z)
    out = keras.layers.Dense(3, activation="softmax")(z)
    return keras.Model([images, features], out)


def test_keras_file_round_trip_predicts_the_same(tmp_path):
    rng = np.random.default_rng(0)
    x = [rng.uniform(size=(4, 6, 6, 3)).astype("float32"), rng.normal(size=(4, 5)).astype("float32")]
    model = seed_model()
    proto = [l for l in model.layers if isinstance(l, PrototypeKernel)][0]
    proto.adapt(rng.normal(size=(12, 5)), np.arange(12) % 3)
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    model.fit(x, np.array([0, 1, 2, 0]), epochs=1, verbose=0)
    path = tmp_path / "seed.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert [type(l) for l in loaded.layers] == [type(l) for l in model.layers]
    for a, b in zip(model.weights, loaded.weights):
        assert a.path == b.path
        np.testing.assert_array_equal(numpy_of(a), numpy_of(b))
    np.testing.assert_array_equal(numpy_of(model.predict(x, verbose=0)), numpy_of(loaded.predict(x, verbose=0)))


def test_keras_file_lists_prototype_kernel_weights_in_spec_order(tmp_path):
    layer = PrototypeKernel(2, name="proto")
    model = keras.Sequential([keras.Input((3,)), layer])
    values = {"prototypes": [[1, 2, 3], [4, 5, 6]], "scale": [7, 8, 9], "kernel": [[10, 11, 12], [13, 14, 15]],
              "bias": [16, 17]}
    for v in layer.weights:
        v.assign(np.asarray(values[v.name], "float32"))
    path = tmp_path / "proto.keras"
    model.save(path)
    with zipfile.ZipFile(path) as z:
        z.extract("model.weights.h5", tmp_path)
    with h5py.File(tmp_path / "model.weights.h5", "r") as f:
        stored = f["layers/prototype_kernel/vars"]
        for i, name in enumerate(["prototypes", "scale", "kernel", "bias"]):
            np.testing.assert_array_equal(stored[str(i)][()], values[name])
    loaded = keras.saving.load_model(path)
    for v in loaded.layers[0].weights:
        np.testing.assert_array_equal(numpy_of(v), values[v.name])
