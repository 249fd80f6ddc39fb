#!/usr/bin/env python3
"""Keras models built from tfgraph_keras' seed layers, written by real Keras, for tfgraph's Keras import.

Regenerate from the repository root, with tfgraph_keras installed (pip install ./python) into a Keras 3
environment (here Keras 3.15.1 on TensorFlow 2.21):

    KERAS_BACKEND=tensorflow python/target/pyenv/bin/python testdata/keras/seed/gen_seed.py

Writes into testdata/keras/seed/ (this script's folder):

Prediction fixtures, NAME.keras (the model, random non-trivial weights), NAME.x.npy (inputs, float32),
NAME.y.npy (keras.saving.load_model(NAME.keras).predict(x), float32) and NAME.w.npz (every weight as Keras
holds it, keyed <layer>.<weight>):
  seed_taylor        the Taylor CNN: Conv2D, MaxPooling2D, Flatten, Dense, TaylorExpansion(order 3), relu, Dense
  seed_prototype     the prototype network: Flatten, PrototypeKernel(gaussian, per_class_random) after its
                     adapt(x, y) on 60 labelled examples, softmax (tfgraph's prototype-net has one input)
  seed_prototype_kmeans  the same with kernel laplacian, selection per_class_kmeans
                     (both also NAME.adapt_x.npy [60, 16] and NAME.adapt_y.npy [60]: the data adapt saw)
  seed_ib_svd, seed_ib_eigh, seed_ib_newton_schulz  the iB-CNN head: Conv2D, BilinearPooling, MatrixSqrt
                     (that method), Flatten, SignedSqrt, L2Normalize, Dense
  seed_softexp       the doubled soft exponential MLP: Dense, SoftExponential(doubled, alpha_l2), Dense; alpha
                     mixes negative, positive and |alpha| < 1e-3 (the series branch)

One-step training fixtures (as ../gen_train_step.py), step_NAME.keras (the model before the step),
step_NAME.x.npy (one batch of 16), step_NAME.y.npy (integer labels), step_NAME.after.npz (every weight
after the step, keyed <layer>.<weight>): model.fit(x, y, batch_size=16, epochs=1, shuffle=False) with
SGD(learning_rate=0.1), sparse categorical cross-entropy on a softmax output, no Dropout, jit_compile=False:
  step_taylor        Dense, TaylorExpansion(order 3), Dense
  step_prototype     Dense, PrototypeKernel(gaussian; adapt on the Dense features), softmax: prototypes and
                     scale do not train, the Dense before it trains through the kernel's gradient in x
  step_ib_svd, step_ib_eigh, step_ib_newton_schulz  a 2x2 feature map of 8 channels (4 positions < 8
                     channels), BilinearPooling(epsilon 0): A has rank 4 and a repeated eigenvalue 0 (float32
                     noise below 1e-6), raised to min_eigenvalue 1e-4 (far above the noise and below the
                     smallest non-zero eigenvalue, > 1e-2 (the examples are drawn so): both sides floor the same values);
                     then Flatten, SignedSqrt, L2Normalize, Dense. The step goes through the exact Lyapunov
                     gradient; the script checks that autograd through the decomposition (finite on
                     TensorFlow here) would move conv1.kernel by a gradient off by more than 1e-4 of its
                     scale (about 4e-4 for svd, 1e-2 for eigh), so a step by autograd fails the test
  step_softexp       Dense, SoftExponential(doubled, alpha_l2 0.01), Dense: the L2 term is part of the loss
"""
import os
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np
import keras
from keras import layers as L
import tfgraph_keras as tk

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(2800)


def randomize(model, scale=0.5, skip=()):
    """Every weight of every layer (but those named in skip) to random normal values times scale."""
    for layer in model.layers:
        if layer.weights and layer.name not in skip:
            layer.set_weights([(rng.standard_normal(w.shape) * scale).astype("float32") for w in layer.weights])


def weights(model):
    return {f"{l.name}.{w.name}": np.asarray(w.numpy(), np.float32) for l in model.layers for w in l.weights}


def save(name, model, x):
    path = os.path.join(HERE, name + ".keras")
    model.save(path)
    loaded = keras.saving.load_model(path)
    y = np.asarray(loaded.predict(x, verbose=0), np.float32)
    assert np.all(np.isfinite(y)), name
    assert np.allclose(y, model.predict(x, verbose=0), rtol=1e-5, atol=1e-6), name + ": the loaded model differs"
    np.save(os.path.join(HERE, name + ".x.npy"), x)
    np.save(os.path.join(HERE, name + ".y.npy"), y)
    np.savez(os.path.join(HERE, name + ".w.npz"), **weights(loaded))
    print(name, "y", y.shape, "max|y|", float(np.max(np.abs(y))), os.path.getsize(path), "bytes")


def taylor():
    keras.utils.set_random_seed(2801)
    i = keras.Input((10, 10, 1), name="image")
    h = L.Conv2D(4, 3, activation="relu", name="conv1")(i)
    h = L.MaxPooling2D(name="pool")(h)
    h = L.Flatten(name="flatten")(h)
    h = L.Dense(12, name="fc1")(h)
    h = tk.TaylorExpansion(order=3, name="taylor")(h)
    h = L.Activation("relu", name="taylor_relu")(h)
    m = keras.Model(i, L.Dense(5, name="head")(h), name="seed_taylor")
    randomize(m, 0.4)
    save("seed_taylor", m, rng.uniform(0, 1, (6, 10, 10, 1)).astype("float32"))


def labelled(n, shape, classes):
    """n examples whose class shifts their mean, so that prototypes differ by class."""
    y = np.arange(n) % classes
    x = rng.standard_normal((n,) + shape) * 0.5 + (y.reshape((n,) + (1,) * len(shape)) - classes / 2) * 0.4
    return x.astype("float32"), y.astype("int64")


def prototype(name, kernel, selection):
    keras.utils.set_random_seed(2802)
    x, y = labelled(60, (4, 4, 1), 3)
    i = keras.Input((4, 4, 1), name="image")
    h = L.Flatten(name="flatten")(i)
    pk = tk.PrototypeKernel(units=6, kernel=kernel, selection=selection, seed=7, name="prototypes")
    h = pk(h)
    m = keras.Model(i, L.Activation("softmax", name="softmax")(h), name=name)
    pk.adapt(x.reshape(60, -1), y)
    pk.kernel.assign((rng.standard_normal((6, 16)) * 0.8).astype("float32"))
    pk.bias.assign((rng.standard_normal(6) * 0.3).astype("float32"))
    save(name, m, x[:8])
    np.save(os.path.join(HERE, name + ".adapt_x.npy"), x.reshape(60, -1))
    np.save(os.path.join(HERE, name + ".adapt_y.npy"), y)


def ib_head(method):
    keras.utils.set_random_seed(2803)
    i = keras.Input((6, 6, 3), name="image")
    h = L.Conv2D(5, 3, activation="relu", name="conv1")(i)
    h = tk.BilinearPooling(epsilon=1e-3, name="bilinear")(h)   # no eigenvalue near float32 noise: the same on AVX2 and AVX-512
    h = tk.MatrixSqrt(method=method, iterations=6, name="sqrt")(h)
    h = L.Flatten(name="flatten")(h)
    h = tk.SignedSqrt(name="signed_sqrt")(h)
    h = tk.L2Normalize(name="l2")(h)
    name = "seed_ib_" + method
    m = keras.Model(i, L.Dense(4, name="head")(h), name=name)
    randomize(m, 0.5)
    save(name, m, rng.uniform(0, 1, (5, 6, 6, 3)).astype("float32"))


def softexp():
    keras.utils.set_random_seed(2804)
    i = keras.Input((7,), name="features")
    h = L.Dense(6, name="fc1")(i)
    se = tk.SoftExponential(doubled=True, alpha_init=[-0.1, 0.1], alpha_l2=1e-4, name="softexp")
    h = se(h)
    m = keras.Model(i, L.Dense(4, name="head")(h), name="seed_softexp")
    randomize(m, 0.6, skip=("softexp",))
    se.alpha.assign(np.array([[-0.4, -0.05, 0.0004, 0.3, -0.0002, 0.7],
                              [0.25, -0.6, 0.15, -0.0007, 0.5, 0.0]], "float32"))
    save("seed_softexp", m, (rng.standard_normal((6, 7)) * 1.5).astype("float32"))


def step(name, model, x, y):
    """Saves the model, takes Keras' one SGD step on (x, y), saves every weight after it; returns the moves."""
    model.save(os.path.join(HERE, name + ".keras"))
    before = weights(model)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="sparse_categorical_crossentropy",
                  jit_compile=False)
    model.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)
    after = weights(model)
    assert set(after) == set(before)
    for k, v in after.items():
        assert np.all(np.isfinite(v)), k + " is not finite after the step"
    np.save(os.path.join(HERE, name + ".x.npy"), x)
    np.save(os.path.join(HERE, name + ".y.npy"), y)
    np.savez(os.path.join(HERE, name + ".after.npz"), **after)
    moves = {k: float(np.max(np.abs(after[k] - before[k]))) for k in after}
    print(name, moves)
    return moves


def step_taylor():
    keras.utils.set_random_seed(2811)
    i = keras.Input((6,), name="features")
    h = L.Dense(5, name="fc1")(i)
    h = tk.TaylorExpansion(order=3, name="taylor")(h)
    m = keras.Model(i, L.Dense(3, activation="softmax", name="head")(h), name="step_taylor")
    randomize(m, 0.5)
    moves = step("step_taylor", m, rng.standard_normal((16, 6)).astype("float32"), rng.integers(0, 3, 16).astype("int64"))
    assert min(moves.values()) > 1e-4, moves


def step_prototype():
    keras.utils.set_random_seed(2812)
    x, y = labelled(16, (5,), 3)
    i = keras.Input((5,), name="features")
    fc = L.Dense(4, name="fc1")
    pk = tk.PrototypeKernel(units=6, kernel="gaussian", seed=3, name="prototypes")
    h = pk(fc(i))
    m = keras.Model(i, L.Activation("softmax", name="softmax")(h), name="step_prototype")
    randomize(m, 0.6, skip=("prototypes",))
    pk.adapt(np.asarray(fc(x)), y)
    pk.kernel.assign((rng.standard_normal((6, 4)) * 0.8).astype("float32"))
    pk.bias.assign((rng.standard_normal(6) * 0.3).astype("float32"))
    moves = step("step_prototype", m, x, y)
    assert moves["prototypes.prototypes"] == 0 and moves["prototypes.scale"] == 0, moves
    assert min(v for k, v in moves.items() if k.split(".")[1] not in ("prototypes", "scale")) > 1e-4, moves


def step_ib(method):
    keras.utils.set_random_seed(2813)
    i = keras.Input((2, 2, 6), name="image")
    h = L.Conv2D(8, 1, name="conv1")(i)
    # svd, eigh: rank-deficient A (epsilon 0), the exact Lyapunov gradient through its floored zero eigenvalues;
    # newton_schulz (autograd through its iterations) on A + 1e-2 I: through exact zeros it is ill-conditioned, and
    # AVX2 and AVX-512 CPUs' roundings then differ by 5e-4 of the step
    eps = 1e-2 if method == "newton_schulz" else 0.0
    h = tk.BilinearPooling(epsilon=eps, name="bilinear")(h)
    h = tk.MatrixSqrt(method=method, iterations=6, min_eigenvalue=1e-4, name="sqrt")(h)
    h = L.Flatten(name="flatten")(h)
    h = tk.SignedSqrt(name="signed_sqrt")(h)
    h = tk.L2Normalize(name="l2")(h)
    name = "step_ib_" + method
    m = keras.Model(i, L.Dense(3, activation="softmax", name="head")(h), name=name)
    randomize(m, 0.8)
    pooled = keras.Model(i, m.get_layer("bilinear").output)
    x = np.zeros((16, 2, 2, 6), "float32")
    for e in range(16):       # each example drawn until A's non-zero eigenvalues stay above 1e-2
        while True:
            x[e] = rng.uniform(-1, 1, (2, 2, 6))
            s = np.linalg.eigvalsh(pooled(x[e:e + 1]).numpy().astype("float64")[0])
            if s[4] > 1e-2 + eps:
                break
        assert np.all(np.abs(s[:4] - eps) < 1e-5), s   # rank 4 of 8: the eigenvalue 0 four times (plus epsilon)
    y = rng.integers(0, 3, 16).astype("int64")
    if method != "newton_schulz":
        autograd_differs(m, x, y)
    moves = step(name, m, x, y)
    assert min(moves.values()) > 1e-4, moves


def autograd_differs(model, x, y):
    """On these inputs autograd through the decomposition (TensorFlow's, finite here) is not the exact gradient: its step
    of conv1.kernel is off by more than the test's tolerance, 1e-4 of the step's scale."""
    import tensorflow as tf
    from tfgraph_keras import matrix_sqrt

    def gradient():
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(keras.losses.sparse_categorical_crossentropy(y, model(x)))
        return tape.gradient(loss, model.get_layer("conv1").kernel.value).numpy()

    exact = gradient()
    def by_autograd(a, method, min_eigenvalue):         # the same output, no custom gradient
        u, root = matrix_sqrt.decompose(a, method, min_eigenvalue)
        return keras.ops.matmul(u * keras.ops.expand_dims(root, -2), keras.ops.swapaxes(u, -1, -2))

    lyapunov = matrix_sqrt.spectral_sqrt
    matrix_sqrt.spectral_sqrt = by_autograd
    try:
        auto = gradient()
    finally:
        matrix_sqrt.spectral_sqrt = lyapunov
    off = float(np.max(np.abs(auto - exact)) / np.max(np.abs(exact)))
    print("autograd's conv1.kernel gradient is off by", off, "of its scale")
    assert not np.all(np.isfinite(auto)) or off > 1e-4, off


def step_softexp():
    keras.utils.set_random_seed(2814)
    i = keras.Input((6,), name="features")
    h = L.Dense(5, name="fc1")(i)
    se = tk.SoftExponential(doubled=True, alpha_l2=0.01, name="softexp")
    m = keras.Model(i, L.Dense(3, activation="softmax", name="head")(se(h)), name="step_softexp")
    randomize(m, 0.6, skip=("softexp",))
    se.alpha.assign(np.array([[-0.3, 0.0005, 0.2, -0.1, 0.6], [0.4, -0.5, -0.0003, 0.1, -0.2]], "float32"))
    moves = step("step_softexp", m, rng.standard_normal((16, 6)).astype("float32"), rng.integers(0, 3, 16).astype("int64"))
    assert min(moves.values()) > 1e-4, moves


if __name__ == "__main__":
    taylor()
    prototype("seed_prototype", "gaussian", "per_class_random")
    prototype("seed_prototype_kmeans", "laplacian", "per_class_kmeans")
    for method in ("svd", "eigh", "newton_schulz"):
        ib_head(method)
    softexp()
    step_taylor()
    step_prototype()
    for method in ("svd", "eigh", "newton_schulz"):
        step_ib(method)
    step_softexp()
