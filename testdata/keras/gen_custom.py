#!/usr/bin/env python3
"""Keras 3 models with registered custom layers and augmentation layers, for tfgraph's Keras import.

Regenerate from the repository root (Keras 3.15.1 on TensorFlow 2.21 here):

    KERAS_BACKEND=tensorflow python/target/pyenv/bin/python testdata/keras/gen_custom.py

Writes into testdata/keras/models/ (NAME.keras, NAME.x.npy, NAME.y.npy as gen_models.py does):
  custom_tfgraph   a layer registered as "tfgraph>SoftExponential" (package "tfgraph", the seed layer's
                   Keras side, written here with its keys, weight and formula) and one registered as
                   "tfgraph>SignedSqrt": both import as tfgraph's layers of those types.
  custom_user      a user's layer registered as "MyPkg>Swish" (config beta_init, one weight beta per
                   unit): imports only where a plugin maps "MyPkg>Swish" to its own layer type (the
                   consumer project's Swish does); without one, refused naming the registered name.
  siamese          a base model (Conv2D, BatchNormalization, pooling, Dense) called on two inputs, the
                   siamese pattern (NAME.x_<input>.npy per input): its layers import once, the second
                   call as copies that share their weights.
  augment          keras.layers.RandomFlip/RandomRotation/RandomZoom/RandomContrast/GaussianNoise and
                   SpatialDropout2D in front of a small CNN: Keras' predict leaves the input unchanged
                   through the random layers, so y is the CNN's output alone.
The custom classes here are minimal stand-ins whose formulas are written out below; the files hold only
their configs and weights, never their code.
"""
import os
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np
import keras
from keras import layers as L, ops

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "models")
rng = np.random.default_rng(2607)


@keras.saving.register_keras_serializable(package="tfgraph")
class SoftExponential(L.Layer):
    """Soft exponential, one alpha per unit (not doubled): alpha > 0: expm1(alpha x)/alpha + alpha;
    alpha < 0: -log1p(-alpha (x + alpha))/alpha; |alpha| < 1e-3: x + alpha (1 + x^2/2)."""

    def __init__(self, doubled=False, alpha_init=0.0, alpha_l2=0.0, **kw):
        super().__init__(**kw)
        self.doubled, self.alpha_init, self.alpha_l2 = doubled, alpha_init, alpha_l2

    def build(self, shape):
        self.alpha = self.add_weight(name="alpha", shape=(shape[-1],), initializer=keras.initializers.Constant(self.alpha_init))

    def call(self, x):
        a = self.alpha + 0 * x
        small = ops.abs(a) < 1e-3
        pos = ops.where(small | (a < 0), 1.0, a)
        neg = ops.where(small | (a >= 0), -1.0, a)
        y_pos = ops.expm1(ops.minimum(pos * x, 80.0)) / pos + pos
        y_neg = -ops.log1p(ops.maximum(-neg * (x + neg), 1e-7 - 1)) / neg
        return ops.where(small, x + a * (1 + x * x / 2), ops.where(a > 0, y_pos, y_neg))

    def get_config(self):
        return {**super().get_config(), "doubled": self.doubled, "alpha_init": self.alpha_init, "alpha_l2": self.alpha_l2}


@keras.saving.register_keras_serializable(package="tfgraph")
class SignedSqrt(L.Layer):
    """s (sqrt(|x| + epsilon) - sqrt(epsilon)), s = 1 where x >= 0 else -1 (tfgraph's SignedSqrt)."""

    def __init__(self, epsilon=1e-8, **kw):
        super().__init__(**kw)
        self.epsilon = epsilon

    def call(self, x):
        s = ops.where(x >= 0, 1.0, -1.0)
        return s * (ops.sqrt(s * x + self.epsilon) - self.epsilon ** 0.5)

    def get_config(self):
        return {**super().get_config(), "epsilon": self.epsilon}


@keras.saving.register_keras_serializable(package="MyPkg")
class Swish(L.Layer):
    """x sigmoid(beta x), one trainable beta per unit."""

    def __init__(self, beta_init=1.0, **kw):
        super().__init__(**kw)
        self.beta_init = beta_init

    def build(self, shape):
        self.beta = self.add_weight(name="beta", shape=(shape[-1],), initializer=keras.initializers.Constant(self.beta_init))

    def call(self, x):
        return x * ops.sigmoid(self.beta * x)

    def get_config(self):
        return {**super().get_config(), "beta_init": self.beta_init}


def save(name, model, x):
    path = os.path.join(HERE, name + ".keras")
    model.save(path)
    y = keras.saving.load_model(path).predict(x, verbose=0)
    np.save(os.path.join(HERE, name + ".x.npy"), x)
    np.save(os.path.join(HERE, name + ".y.npy"), np.asarray(y, np.float32))


def custom_tfgraph():
    i = keras.Input((6,), name="features")
    h = L.Dense(5, name="dense")(i)
    h = SoftExponential(alpha_init=0.0, name="soft_exp")(h)
    h = SignedSqrt(name="signed_sqrt")(h)
    m = keras.Model(i, L.Dense(3, name="logits")(h), name="custom_tfgraph")
    m.get_layer("dense").set_weights([rng.standard_normal((6, 5)).astype("float32") * 0.5, rng.standard_normal(5).astype("float32") * 0.3])
    m.get_layer("soft_exp").set_weights([np.array([0.4, -0.3, 0.0005, 0.2, -0.15], "float32")])
    m.get_layer("logits").set_weights([rng.standard_normal((5, 3)).astype("float32"), rng.standard_normal(3).astype("float32")])
    save("custom_tfgraph", m, rng.standard_normal((4, 6)).astype("float32"))


def custom_user():
    i = keras.Input((4,), name="features")
    h = Swish(beta_init=0.7, name="swish")(L.Dense(3, name="dense")(i))
    m = keras.Model(i, L.Dense(2, name="logits")(h), name="custom_user")
    for layer in m.layers:
        if layer.weights:
            layer.set_weights([rng.standard_normal(w.shape).astype("float32") for w in layer.weights])
    save("custom_user", m, rng.standard_normal((5, 4)).astype("float32"))


def augment():
    i = keras.Input((12, 12, 3), name="image")
    h = L.RandomFlip(name="flip")(i)
    h = L.RandomRotation(0.1, name="rotate")(h)
    h = L.RandomZoom(0.1, name="zoom")(h)
    h = L.RandomContrast(0.2, name="contrast")(h)
    h = L.GaussianNoise(0.1, name="noise")(h)
    h = L.Conv2D(4, 3, activation="relu", name="conv")(h)
    h = L.SpatialDropout2D(0.3, name="spatial_dropout")(h)
    h = L.GlobalAveragePooling2D(name="pool")(h)
    m = keras.Model(i, L.Dense(3, name="logits")(h), name="augment")
    for layer in (m.get_layer("conv"), m.get_layer("logits")):
        layer.set_weights([rng.standard_normal(w.shape).astype("float32") * 0.5 for w in layer.weights])
    save("augment", m, rng.uniform(0, 1, (3, 12, 12, 3)).astype("float32"))


def siamese():
    b_in = keras.Input((8, 8, 3), name="b_in")
    h = L.Conv2D(4, 3, name="b_conv")(b_in)
    h = L.BatchNormalization(name="b_bn")(h)
    h = L.GlobalAveragePooling2D(name="b_pool")(L.Activation("relu", name="b_relu")(h))
    base = keras.Model(b_in, L.Dense(5, name="b_embed")(h), name="base")
    left, right = keras.Input((8, 8, 3), name="left"), keras.Input((8, 8, 3), name="right")
    d = L.Subtract(name="diff")([base(left), base(right)])
    m = keras.Model([left, right], L.Dense(2, name="head")(d), name="siamese")
    for layer in base.layers + [m.get_layer("head")]:
        if layer.weights:
            new = [rng.standard_normal(w.shape).astype("float32") * 0.5 for w in layer.weights]
            if isinstance(layer, L.BatchNormalization):
                new[3] = rng.uniform(0.5, 2.0, new[3].shape).astype("float32")
            layer.set_weights(new)
    path = os.path.join(HERE, "siamese.keras")
    m.save(path)
    xa, xb = rng.uniform(0, 1, (4, 8, 8, 3)).astype("float32"), rng.uniform(0, 1, (4, 8, 8, 3)).astype("float32")
    y = keras.saving.load_model(path).predict([xa, xb], verbose=0)
    np.save(os.path.join(HERE, "siamese.x_left.npy"), xa)
    np.save(os.path.join(HERE, "siamese.x_right.npy"), xb)
    np.save(os.path.join(HERE, "siamese.y.npy"), np.asarray(y, np.float32))


if __name__ == "__main__":
    import sys
    if sys.argv[1:] == ["siamese"]:
        siamese()
        sys.exit(0)
    siamese()
    custom_tfgraph()
    custom_user()
    augment()
