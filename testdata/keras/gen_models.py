#!/usr/bin/env python3
"""Small hand-built Keras 3 models for tfgraph's Keras import (spec --keras, export --keras, KerasModel.load).

Regenerate from the repository root with Keras 3 on TensorFlow (here Keras 3.15.1, TF 2.21):

    # a Python with Keras 3 and TensorFlow: the test command makes one: python/run_tests.sh python/target/pyenv
    KERAS_BACKEND=tensorflow python/target/pyenv/bin/python testdata/keras/gen_models.py [GROUP ...]

(GROUP: one of the functions run by __main__, e.g. func_ops; default all of them.)

Writes into testdata/keras/models/, for every model NAME below:
  NAME.keras       model.save (Keras 3 zip: config.json, metadata.json, model.weights.h5)
  NAME.h5          model.save (Keras 3's legacy full-model HDF5: attr model_config, group model_weights)
  NAME.x.npy       the input (NAME.x_<input>.npy for each input of a model with several)
  NAME.y.npy       Keras' model.predict on it, float32
Weights are random and non-trivial: every bias, BatchNormalization gamma/beta/moving statistics and
Normalization mean/variance is drawn at random, so a swapped channel or a weight of the wrong layer shows.
func_ops has no .h5: Keras' legacy loader cannot read its operation nodes back.
Also writes refused models (no .npy): refuse_lambda.keras, refuse_lstm.keras, refuse_two_outputs.keras,
refuse_groups.keras (written when Conv2D groups was refused; imported since), refuse_many.keras (several
offenders at once: Lambda, BatchNormalization renorm; its grouped Conv2D and LayerNormalization import since).
nested writes nest_transfer, nest_seq_block and nest_in_seq: models used as layers (see nested()).
"""
import os
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np
import keras
from keras import layers as L

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "models")
rng = np.random.default_rng(26)


def randomise(model):
    """Every weight random (kernels around glorot scale, biases and statistics off their defaults)."""
    for layer in model.layers:
        new = []
        for w in layer.weights:
            v = w.numpy()
            name = w.name
            if v.dtype.kind != "f":
                new.append(v)
            elif name in ("moving_variance", "variance"):
                new.append(rng.uniform(0.5, 2.0, v.shape).astype(v.dtype))
            elif name == "gamma":
                new.append(rng.uniform(0.5, 1.5, v.shape).astype(v.dtype))
            else:
                scale = 1.0 / np.sqrt(max(1, np.prod(v.shape[:-1]))) if v.ndim >= 2 else 0.3
                new.append((rng.standard_normal(v.shape) * scale).astype(v.dtype))
        if new:
            layer.set_weights(new)


def save(name, model, xs, h5=True):
    """h5=False: no .h5 (Keras' legacy loader cannot read operation nodes such as Divide back, so it could not be checked)."""
    randomise(model)
    model.save(os.path.join(HERE, name + ".keras"))
    if not h5:
        y = keras.saving.load_model(os.path.join(HERE, name + ".keras")).predict(xs[0], verbose=0)
        np.save(os.path.join(HERE, name + ".x.npy"), xs[0])
        np.save(os.path.join(HERE, name + ".y.npy"), np.asarray(y, np.float32))
        return
    model.save(os.path.join(HERE, name + ".h5"))
    # predict with the model as Keras reloads it (Normalization takes set weights only when it reloads them)
    y = keras.saving.load_model(os.path.join(HERE, name + ".keras")).predict(xs if len(xs) > 1 else xs[0], verbose=0)
    from keras.src.applications.convnext import LayerScale
    from keras.src.applications.inception_resnet_v2 import CustomScaleLayer
    with keras.saving.custom_object_scope({"LayerScale": LayerScale, "CustomScaleLayer": CustomScaleLayer}):   # legacy .h5 needs them named
        y_h5 = keras.saving.load_model(os.path.join(HERE, name + ".h5")).predict(xs if len(xs) > 1 else xs[0], verbose=0)
    assert np.max(np.abs(y - y_h5)) <= 1e-6 * np.max(np.abs(y)), name
    ins = model.inputs
    if len(xs) == 1:
        np.save(os.path.join(HERE, name + ".x.npy"), xs[0])
    else:
        for t, x in zip(ins, xs):
            np.save(os.path.join(HERE, name + ".x_" + t.name + ".npy"), x)
    np.save(os.path.join(HERE, name + ".y.npy"), np.asarray(y, np.float32))


def data(*shape):
    return rng.standard_normal(shape).astype(np.float32)


def seq_mlp():
    m = keras.Sequential([keras.Input((8,)), L.Normalization(name="norm"), L.Dense(16, activation="relu", name="fc1"),
                          L.Dropout(0.3), L.Dense(12, activation="tanh", use_bias=False, name="fc2"),
                          L.Activation("gelu"), L.Dense(10, activation="swish"), L.Activation("elu"),
                          L.Dense(5, activation="softmax", name="head")], name="seq_mlp")
    save("seq_mlp", m, [data(6, 8)])


def seq_cnn():
    m = keras.Sequential([keras.Input((12, 12, 3), name="pixels"),
                          L.Rescaling(2.0, offset=-1.0),
                          L.Conv2D(6, 3, padding="same", activation="relu", name="conv1"),
                          L.BatchNormalization(name="bn1"),
                          L.MaxPooling2D(),
                          L.Conv2D(8, 3, padding="same", dilation_rate=2, use_bias=False, name="dilated"),
                          L.BatchNormalization(center=False, scale=False, epsilon=1.001e-5, name="bn_plain"),
                          L.AveragePooling2D(3, strides=1, padding="same"),
                          L.ZeroPadding2D(((1, 0), (0, 1))),
                          L.Conv2D(5, (3, 2), strides=2, activation="sigmoid"),
                          L.BatchNormalization(axis=3, center=False, name="bn_axis3"),
                          L.MaxPooling2D(2, strides=1, padding="same"),
                          L.Flatten(), L.Dense(4, name="logits")], name="seq_cnn")
    save("seq_cnn", m, [rng.uniform(0, 1, (5, 12, 12, 3)).astype(np.float32)])


def func_residual():
    x = keras.Input((10, 10, 4), name="image")
    a = L.Conv2D(4, 3, padding="same", use_bias=False, name="branch_conv")(x)
    a = L.BatchNormalization(scale=False, name="branch_bn")(a)
    a = L.Activation("relu")(a)
    b = L.Conv2D(4, 1, name="shortcut")(x)
    r = L.Add(name="res.add")(([a, b]))          # a '.' in a name: renamed
    s = L.Subtract()([r, a])
    mul = L.Multiply()([s, b])
    mx = L.Maximum()([mul, a, b])
    av = L.Average()([mx, r])
    g1 = L.GlobalAveragePooling2D()(av)
    g2 = L.GlobalMaxPooling2D()(r)
    c = L.Concatenate(name="cat")([g1, g2])
    c = L.Reshape((2, 4))(c)
    c = L.Concatenate(axis=1)([c, c])
    c = L.Flatten()(c)
    out = L.Dense(3, activation="softmax", name="head")(c)
    save("func_residual", keras.Model(x, out, name="func_residual"), [data(4, 10, 10, 4)])


def func_two_inputs():
    img = keras.Input((8, 8, 3), name="img")
    vec = keras.Input((5,), name="vec")
    # layers declared out of order: the vector branch first in Keras' layer list
    v = L.Dense(6, activation="relu", name="vec_fc")(vec)
    v = L.Normalization(mean=[0.5] * 6, variance=[2.0] * 6, name="vec_norm")(v)
    i = L.Conv2D(6, 3, strides=2, padding="valid", activation="relu", name="img_conv")(img)
    i = L.BatchNormalization(momentum=0.9, epsilon=1e-5, name="img_bn")(i)
    i = L.GlobalAveragePooling2D()(i)
    c = L.Concatenate()([v, i])
    c = L.Dropout(0.5)(c)
    out = L.Dense(4, name="out")(c)
    save("func_two_inputs", keras.Model([img, vec], out, name="two_inputs"), [data(3, 8, 8, 3), data(3, 5)])


def refused():
    x = keras.Input((6,), name="x")
    y = L.Lambda(lambda t: t * 2.0, name="double")(x)
    keras.Model(x, L.Dense(2)(y)).save(os.path.join(HERE, "refuse_lambda.keras"))
    s = keras.Input((4, 3), name="seq")
    keras.Model(s, L.Dense(2)(L.LSTM(3, name="lstm")(s))).save(os.path.join(HERE, "refuse_lstm.keras"))
    a = L.Dense(3, name="trunk")(x)
    keras.Model(x, [L.Dense(2, name="head_a")(a), L.Dense(1, name="head_b")(a)]).save(os.path.join(HERE, "refuse_two_outputs.keras"))
    i = keras.Input((6, 6, 4), name="img")
    keras.Model(i, L.Conv2D(4, 3, groups=2, name="grouped")(i)).save(os.path.join(HERE, "refuse_groups.keras"))
    h = L.Lambda(lambda t: t + 1.0, name="plus_one")(i)
    h = L.Conv2D(4, 3, groups=2, name="grouped")(h)
    h = L.BatchNormalization(renorm=True, name="renorm_bn")(h)
    h = L.LayerNormalization(name="ln")(h)   # refused when this file was written; imported since (the tests check it is not named)
    h = L.GlobalAveragePooling2D()(h)
    keras.Model(i, L.Dense(2)(h)).save(os.path.join(HERE, "refuse_many.keras"))


def func_mobile():
    """The layers of keras.applications' mobile and separable families: depthwise and separable
    convolutions (dilated too), ReLU(6), LeakyReLU, a squeeze-and-excitation Multiply that broadcasts
    [b, 1, 1, C] over [b, h, w, C], LayerNormalization, Cropping2D, Softmax, the Keras 3 activations."""
    x = keras.Input((12, 12, 3), name="image")
    h = L.Conv2D(8, 3, strides=2, padding="same", use_bias=False, name="stem")(x)
    h = L.BatchNormalization(name="stem_bn")(h)
    h = L.ReLU(6.0, name="stem_relu")(h)
    d = L.DepthwiseConv2D(3, padding="same", depth_multiplier=2, name="dw")(h)
    d = L.ReLU(negative_slope=0.1, threshold=0.2, name="dw_relu")(d)
    d = L.DepthwiseConv2D(3, padding="same", dilation_rate=2, use_bias=False, activation="hard_silu", name="dw_dilated")(d)
    se = L.GlobalAveragePooling2D(keepdims=True, name="se_pool")(d)
    se = L.Conv2D(16, 1, activation="hard_sigmoid", name="se_gate")(se)
    d = L.Multiply(name="se_mul")([d, se])
    p = L.SeparableConv2D(8, 3, padding="same", activation="silu", name="sep")(d)
    p = L.LeakyReLU(name="leaky")(p)
    p = L.Cropping2D(((1, 0), (0, 1)), name="crop")(p)
    p = L.LayerNormalization(name="ln")(p)
    p = L.Conv2D(6, 1, activation="selu", name="proj")(p)
    p = L.Activation("relu6")(p)
    g = L.GlobalAveragePooling2D()(p)
    g = L.Dense(5, activation="softsign", name="fc")(g)
    out = L.Softmax(name="probs")(g)
    save("func_mobile", keras.Model(x, out, name="func_mobile"), [data(4, 12, 12, 3)])


def func_ops():
    """What keras.applications' EfficientNet, MobileNetV3, ConvNeXt and InceptionResNetV2 add: operation
    nodes (a tensor and a number: x + 3.0, x * (1/6), 3.0 - x, x / 4.0; two tensors: ops.add,
    ops.subtract, ops.multiply), Rescaling with per-channel lists, Dropout with noise_shape, Conv2D groups
    (depthwise as ConvNeXt's, and 2 groups), ConvNeXt's LayerScale and InceptionResNetV2's CustomScaleLayer."""
    from keras.src.applications.convnext import LayerScale
    from keras.src.applications.inception_resnet_v2 import CustomScaleLayer
    x = keras.Input((8, 8, 3), name="image")
    h = L.Rescaling([1 / 0.229, 1 / 0.224, 1 / 0.225], offset=[-0.485 / 0.229, -0.456 / 0.224, -0.406 / 0.225], name="per_channel")(x)
    h = L.Conv2D(8, 3, padding="same", name="stem")(h)
    g = L.Conv2D(8, 3, padding="same", groups=8, name="dw_groups")(h)
    g = L.Conv2D(8, 1, groups=2, name="pw_groups")(g)
    g = LayerScale(0.5, 8, name="layer_scale")(g)
    g = L.Dropout(0.3, noise_shape=(None, 1, 1, 1), name="drop_path")(g)
    r = keras.ops.add(h, g)
    r = CustomScaleLayer(0.17, name="scaled_residual")([r, g])
    a = L.ReLU(6.0, name="relu6")(r + 3.0) * (1.0 / 6.0)
    a = keras.ops.multiply(r, a)
    b = keras.ops.subtract(3.0 - a, a / 4.0)   # a / 4.0 is the operation TrueDivide
    b = L.Rescaling(0.5, offset=[0.1, -0.2, 0.3, 0.0, 0.5, -0.5, 1.0, 0.25], name="list_offset")(b - 1.0)
    out = L.Dense(4, name="fc")(L.GlobalAveragePooling2D(name="pool")(b))
    save("func_ops", keras.Model(x, out, name="func_ops"), [data(4, 8, 8, 3)], h5=False)


def func_shared():
    """The siamese pattern: one Conv2D and one Dense applied to two inputs (shared weights), an Activation
    layer called twice, then the two branches compared and merged."""
    a = keras.Input((6, 6, 2), name="left")
    b = keras.Input((6, 6, 2), name="right")
    conv = L.Conv2D(3, 3, activation="relu", name="enc_conv")
    pool = L.GlobalAveragePooling2D(name="enc_pool")
    dense = L.Dense(4, name="enc_dense")
    act = L.Activation("tanh", name="squash")
    ea = act(dense(pool(conv(a))))
    eb = act(dense(pool(conv(b))))
    d = L.Subtract(name="diff")([ea, eb])
    m = L.Multiply(name="prod")([ea, eb])
    out = L.Dense(2, activation="softmax", name="head")(L.Concatenate(name="cat")([d, m]))
    save("func_shared", keras.Model([a, b], out, name="func_shared"), [data(4, 6, 6, 2), data(4, 6, 6, 2)])


def nested():
    """Models used as layers. nest_transfer: keras.applications' transfer-learning pattern, a small
    functional base (Conv2D, BatchNormalization, a nested Sequential block of its own) called with
    training=False inside an outer model whose layers reuse inner names (\"conv\", \"bn\", \"head\").
    nest_seq_block: a Sequential block (no InputLayer of its own) inside a functional model, beside an
    outer Conv2D and BatchNormalization so that class counting per container shows, and a Sequential
    outer model holding a functional one (nest_in_seq)."""
    # a functional base with a nested Sequential inside it
    b_in = keras.Input((10, 10, 3), name="base_in")
    h = L.Conv2D(6, 3, padding="same", use_bias=False, name="conv")(b_in)
    h = L.BatchNormalization(name="bn")(h)
    h = L.ReLU(name="relu")(h)
    inner = keras.Sequential([L.Conv2D(6, 1, name="conv"), L.BatchNormalization(name="inner_bn"), L.Activation("relu")], name="inner_block")
    h = L.Add(name="res")([h, inner(h)])
    h = L.GlobalAveragePooling2D(name="pool")(h)
    h = L.Dense(8, activation="relu", name="head")(h)
    base = keras.Model(b_in, h, name="base")
    x = keras.Input((10, 10, 3), name="image")
    y = L.Conv2D(3, 1, name="conv")(x)
    y = L.BatchNormalization(name="bn")(y)
    y = base(y, training=False)
    out = L.Dense(4, activation="softmax", name="head")(y)
    save("nest_transfer", keras.Model(x, out, name="nest_transfer"), [data(3, 10, 10, 3)])

    block = keras.Sequential([L.Conv2D(5, 3, padding="same", name="block_conv"), L.BatchNormalization(name="block_bn"),
                              L.Activation("relu", name="block_act")], name="block")
    x = keras.Input((8, 8, 2), name="image")
    y = L.Conv2D(4, 1, name="stem")(x)
    y = L.BatchNormalization(name="stem_bn")(y)
    y = block(y)
    y = L.Conv2D(3, 1, name="block_bn_conv")(y)
    out = L.Dense(2, name="out")(L.GlobalMaxPooling2D()(y))
    save("nest_seq_block", keras.Model(x, out, name="nest_seq_block"), [data(3, 8, 8, 2)])

    f_in = keras.Input((6,), name="f_in")
    f = keras.Model(f_in, L.Dense(5, activation="tanh", name="fc")(L.Dense(7, activation="relu", name="fc0")(f_in)), name="trunk")
    m = keras.Sequential([keras.Input((6,), name="vec"), L.Dense(6, name="fc"), f, L.Dense(3, name="out")], name="nest_in_seq")
    save("nest_in_seq", m, [data(4, 6)])


def any_size():
    """An image model built on keras.Input((None, None, 3)): its sizes are unknown in the file, given at import
    with --input-shape image=8,8,3 (predicted here on 8x8 images)."""
    x = keras.Input((None, None, 3), name="image")
    h = L.Conv2D(4, 3, padding="same", activation="relu", name="conv")(x)
    h = L.GlobalAveragePooling2D(name="pool")(h)
    out = L.Dense(3, name="head")(h)
    save("any_size", keras.Model(x, out, name="any_size"), [data(2, 8, 8, 3)])


if __name__ == "__main__":
    import sys
    os.makedirs(HERE, exist_ok=True)
    keras.utils.set_random_seed(26)
    groups = [seq_mlp, seq_cnn, func_residual, func_two_inputs, refused, func_mobile, func_ops, nested, func_shared, any_size]
    chosen = sys.argv[1:] or [g.__name__ for g in groups]
    assert set(chosen) <= {g.__name__ for g in groups}, chosen
    for g in groups:
        if g.__name__ in chosen:
            g()
    for f in sorted(os.listdir(HERE)):
        print(f, os.path.getsize(os.path.join(HERE, f)))
