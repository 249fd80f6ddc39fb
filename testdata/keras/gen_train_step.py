#!/usr/bin/env python3
"""One Keras training step, for tfgraph's one-step parity of `train --keras` (Dense, Conv2D, BatchNormalization; no Dropout).

Regenerate from the repository root with Keras 3 on TensorFlow (here Keras 3.15.1, TF 2.21):

    KERAS_BACKEND=tensorflow python/target/pyenv/bin/python testdata/keras/gen_train_step.py [nested]

(nested: only step_nested.)

Writes into testdata/keras/train/:
  step_cnn.keras     the model before the step (random weights, BatchNormalization statistics off their defaults)
  step_cnn.x.npy     one batch of 16 inputs [16, 8, 8, 3], float32
  step_cnn.y.npy     its integer labels [16] (5 classes)
  step_cnn.after.npz every weight after one model.fit step, keyed as tfgraph names them (<layer>.<weight>),
                     BatchNormalization's moving_mean and moving_variance included
A bias right before a BatchNormalization would get a zero gradient (Keras moves it by float noise), so conv2 and fc
have none.
The step: SGD(learning_rate=0.1) (no momentum), sparse categorical cross-entropy on a softmax output,
model.fit(x, y, batch_size=16, epochs=1, shuffle=False): one step on the whole batch.
BatchNormalization (Keras 3) updates moving_variance with the biased batch variance (ops.moments).

step_nested.* (same files, labels of 3 classes): the fine-tuning pattern, a trainable base model (Conv2D,
BatchNormalization) called with training=False inside the model: its BatchNormalization normalises with the moving
statistics and leaves them as they are, while its gamma and beta (and everything else) train. That is what the call
asks for and what tf.keras 2's fit did; Keras 3.15's fit passes training=True to every layer and overrides the
recorded training=False (keras-team/keras issue 20285), so the step here is taken by hand: the same SGD step on the
same loss, the model called with training=False (this model has no other layer that trains otherwise).
"""
import os
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np
import keras
from keras import layers as L

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "train")
rng = np.random.default_rng(265)


def main():
    keras.utils.set_random_seed(265)
    x_in = keras.Input((8, 8, 3), name="image")
    h = L.Conv2D(4, 3, activation="relu", name="conv")(x_in)
    h = L.BatchNormalization(name="bn_conv")(h)
    h = L.Conv2D(6, 3, strides=2, padding="same", use_bias=False, name="conv2")(h)
    h = L.BatchNormalization(momentum=0.9, epsilon=1e-3, name="bn_conv2")(h)
    h = L.Activation("relu", name="relu2")(h)
    h = L.Flatten(name="flat")(h)
    h = L.Dense(8, use_bias=False, name="fc")(h)
    h = L.BatchNormalization(name="bn_fc")(h)
    h = L.Activation("tanh", name="tanh")(h)
    out = L.Dense(5, activation="softmax", name="head")(h)
    model = keras.Model(x_in, out, name="step_cnn")
    for layer in model.layers:   # BatchNormalization off its defaults, so that a mix-up of its four weights shows
        if isinstance(layer, L.BatchNormalization):
            c = layer.gamma.shape[0]
            layer.set_weights([rng.uniform(0.5, 1.5, c), rng.standard_normal(c) * 0.3, rng.standard_normal(c) * 0.3,
                               rng.uniform(0.5, 2.0, c)])
    x = rng.uniform(0, 1, (16, 8, 8, 3)).astype(np.float32)
    y = rng.integers(0, 5, 16).astype(np.int64)
    os.makedirs(HERE, exist_ok=True)
    model.save(os.path.join(HERE, "step_cnn.keras"))
    before = {f"{l.name}.{w.name}": w.numpy() for l in model.layers for w in l.weights}
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="sparse_categorical_crossentropy")
    model.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)
    after = {f"{l.name}.{w.name}": w.numpy().astype(np.float32) for l in model.layers for w in l.weights}
    assert set(after) == set(before) and len(after) == 18, sorted(after)
    for k in after:
        assert np.max(np.abs(after[k] - before[k])) > 0, k + " did not change"
    np.save(os.path.join(HERE, "step_cnn.x.npy"), x)
    np.save(os.path.join(HERE, "step_cnn.y.npy"), y)
    np.savez(os.path.join(HERE, "step_cnn.after.npz"), **after)
    print({k: float(np.max(np.abs(after[k] - before[k]))) for k in after})


def nested():
    keras.utils.set_random_seed(266)
    b_in = keras.Input((6, 6, 2), name="b_in")
    b = L.Conv2D(4, 3, name="b_conv")(b_in)
    b = L.BatchNormalization(name="b_bn")(b)
    base = keras.Model(b_in, L.Activation("relu", name="b_relu")(b), name="base")
    x_in = keras.Input((6, 6, 2), name="image")
    h = base(x_in, training=False)
    h = L.Flatten(name="flat")(h)
    model = keras.Model(x_in, L.Dense(3, activation="softmax", name="head")(h), name="step_nested")
    bn = base.get_layer("b_bn")
    bn.set_weights([rng.uniform(0.5, 1.5, 4), rng.standard_normal(4) * 0.3, rng.standard_normal(4) * 0.3, rng.uniform(0.5, 2.0, 4)])
    x = rng.uniform(0, 1, (16, 6, 6, 2)).astype(np.float32)
    y = rng.integers(0, 3, 16).astype(np.int64)
    model.save(os.path.join(HERE, "step_nested.keras"))
    layers = [base.get_layer("b_conv"), bn, model.get_layer("head")]
    before = {f"{l.name}.{w.name}": w.numpy() for l in layers for w in l.weights}
    import tensorflow as tf
    optimizer = keras.optimizers.SGD(learning_rate=0.1)
    with tf.GradientTape() as tape:
        loss = keras.losses.sparse_categorical_crossentropy(y, model(x, training=False))
        loss = keras.ops.mean(loss)
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    after = {f"{l.name}.{w.name}": w.numpy().astype(np.float32) for l in layers for w in l.weights}
    for k in after:
        moved = np.max(np.abs(after[k] - before[k])) > 0
        assert moved != k.startswith("b_bn.moving"), k + (" moved" if moved else " did not move")
    np.save(os.path.join(HERE, "step_nested.x.npy"), x)
    np.save(os.path.join(HERE, "step_nested.y.npy"), y)
    np.savez(os.path.join(HERE, "step_nested.after.npz"), **after)
    print({k: float(np.max(np.abs(after[k] - before[k]))) for k in after})


if __name__ == "__main__":
    import sys
    if "nested" not in sys.argv[1:]:
        main()
    nested()
