#!/usr/bin/env python3
"""Keras 2 / tf.keras 2.x full-model .h5 files for tfgraph's Keras import, written with h5py.

Keras 3 cannot write Keras 2 files (its legacy writer writes Keras 3 configs) and tf-keras is not
installable here, so this script builds each model with Keras 3, takes its weights and Keras' own
predict, and writes the model in the layout tf.keras 2.x's save_model_to_hdf5 writes
(tf_keras/saving/legacy/hdf5_format.py, saving_utils.model_metadata, functional.get_network_config,
node.serialize, and each layer's get_config):

  root attrs    keras_version ("2.15.0", "2.2.4"), backend "tensorflow", model_config (JSON, utf-8 bytes)
  model_config  {"class_name": "Sequential"|"Functional", "config": ...}: layers as {"class_name", "config"}
                (no module, no registered_name), functional layers with "name" and list-form
                "inbound_nodes" [[[name, node, tensor, kwargs], ...], ...]; dtype a plain string; initializers
                {"class_name", "config"}; built BatchNormalization's axis a list ([3]); batch_input_shape on the
                first layer of a Sequential; InputLayer batch_input_shape/sparse/ragged
  model_weights attrs layer_names, backend, keras_version; one group per layer (sorted), attr weight_names
                ("conv/kernel:0", ...) in Keras 2's legacy order (trainable weights, then non-trainable; a nested
                model's group holds all its layers' weights), each a dataset at that path in the group;
                top_level_model_weights (empty) since tf.keras 2.13

Each file is read back with Keras 3's own legacy loader (keras.models.load_model, keras/src/legacy/saving)
where it can, and its predict must equal the expected outputs: that proves the layout is what Keras reads.

Regenerate from the repository root (Keras 3.15.1, TensorFlow 2.21, h5py):

    KERAS_BACKEND=tensorflow python/target/pyenv/bin/python testdata/keras/gen_keras2.py

Writes into testdata/keras/keras2/: NAME.h5, NAME.x.npy (NAME.x_<input>.npy for several inputs), NAME.y.npy;
k2_seq_list.h5 (k2_seq_noinput as Keras before 2.2.3
wrote it, the Sequential's config a bare list); k2_nested_chunked.h5 (k2_nested, its nested models' weight_names in chunks);
k2_refuse.h5 (no .npy: TFOpLambda, Lambda, SlicingOpLambda and a constant call argument, refused); and for the real file
real/teachable_machine_tf24.h5 (README.md) its .x.npy, .y.npy and .logits.npy (before the last softmax), computed by Keras 3
(see real()).
"""
import codecs
import copy
import json
import marshal
import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import h5py
import numpy as np
import keras
from keras import layers as L

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "keras2")
rng = np.random.default_rng(2)

GLOROT = {"class_name": "GlorotUniform", "config": {"seed": None}}
ZEROS = {"class_name": "Zeros", "config": {}}
ONES = {"class_name": "Ones", "config": {}}
GLOROT_224 = {"class_name": "VarianceScaling", "config": {"scale": 1.0, "mode": "fan_avg", "distribution": "uniform", "seed": None}}


def randomise(model):
    """Every weight random: biases and BatchNormalization statistics off their defaults, so a swapped channel shows."""
    adapted = {id(w) for l in model._flatten_layers() if isinstance(l, L.Normalization) for w in l.weights}
    for w in model.weights:
        v = w.numpy()
        if v.dtype.kind != "f" or id(w) in adapted:   # Normalization computes with what adapt() gave (finalize_state)
            continue
        if w.name in ("moving_variance", "variance"):
            w.assign(rng.uniform(0.5, 2.0, v.shape).astype(v.dtype))
        elif w.name == "gamma":
            w.assign(rng.uniform(0.5, 1.5, v.shape).astype(v.dtype))
        else:
            scale = 1.0 / np.sqrt(max(1, np.prod(v.shape[:-1]))) if v.ndim >= 2 else 0.3
            w.assign((rng.standard_normal(v.shape) * scale).astype(v.dtype))


# ---- one layer's Keras 2 config, in the key order of tf.keras 2.15's get_config (Keras 2.2.4's with old=True)

def tup(v):
    return list(v) if isinstance(v, (tuple, list)) else v


def conv_keys(c, old):
    out = {"filters": c["filters"], "kernel_size": tup(c["kernel_size"]), "strides": tup(c["strides"]), "padding": c["padding"],
           "data_format": "channels_last", "dilation_rate": tup(c["dilation_rate"])}
    if not old:
        out["groups"] = c.get("groups", 1)
    out.update({"activation": c["activation"], "use_bias": c["use_bias"],
                "kernel_initializer": GLOROT_224 if old else GLOROT, "bias_initializer": ZEROS, "kernel_regularizer": None,
                "bias_regularizer": None, "activity_regularizer": None, "kernel_constraint": None, "bias_constraint": None})
    return out


def k2_config(layer, rank, old=False, first_shape=None):
    """The Keras 2 config of a Keras 3 layer; rank: the rank of its input (BatchNormalization's axis is normalised)."""
    c = layer.get_config()
    cls = layer.__class__.__name__
    base = {"name": layer.name, "trainable": layer.trainable}
    if first_shape is not None:
        base["batch_input_shape"] = first_shape
    base["dtype"] = "float32"
    if cls == "Dense":
        k = {"units": c["units"], "activation": c["activation"], "use_bias": c["use_bias"],
             "kernel_initializer": GLOROT_224 if old else GLOROT, "bias_initializer": ZEROS, "kernel_regularizer": None,
             "bias_regularizer": None, "activity_regularizer": None, "kernel_constraint": None, "bias_constraint": None}
    elif cls == "Conv2D":
        k = conv_keys(c, old)
    elif cls == "DepthwiseConv2D":
        k = conv_keys(dict(c, filters=None), old)
        for key in ("filters", "kernel_initializer", "kernel_regularizer", "kernel_constraint"):
            k.pop(key)
        k.update({"depth_multiplier": c["depth_multiplier"], "depthwise_initializer": GLOROT, "depthwise_regularizer": None,
                  "depthwise_constraint": None})
    elif cls == "SeparableConv2D":
        k = conv_keys(c, old)
        k.update({"depth_multiplier": c["depth_multiplier"], "depthwise_initializer": GLOROT, "pointwise_initializer": GLOROT,
                  "depthwise_regularizer": None, "pointwise_regularizer": None, "depthwise_constraint": None,
                  "pointwise_constraint": None})
    elif cls == "BatchNormalization":
        axis = c["axis"] if old else [c["axis"] % rank]
        k = {"axis": axis, "momentum": c["momentum"], "epsilon": c["epsilon"], "center": c["center"], "scale": c["scale"],
             "beta_initializer": ZEROS, "gamma_initializer": ONES, "moving_mean_initializer": ZEROS,
             "moving_variance_initializer": ONES, "beta_regularizer": None, "gamma_regularizer": None, "beta_constraint": None,
             "gamma_constraint": None}
    elif cls == "ReLU":
        k = {"max_value": c["max_value"], "negative_slope": c["negative_slope"], "threshold": c["threshold"]}
    elif cls == "LeakyReLU":
        k = {"alpha": c["negative_slope"]}
    elif cls == "Activation":
        k = {"activation": c["activation"]}
    elif cls == "Dropout":
        k = {"rate": c["rate"], "noise_shape": c["noise_shape"], "seed": c["seed"]}
    elif cls == "Concatenate":
        k = {"axis": c["axis"]}
    elif cls in ("Add", "Subtract"):
        k = {}
    elif cls in ("GlobalAveragePooling2D", "GlobalMaxPooling2D"):
        k = {"data_format": "channels_last", "keepdims": c["keepdims"]}
    elif cls in ("MaxPooling2D", "AveragePooling2D"):
        k = {"pool_size": tup(c["pool_size"]), "padding": c["padding"], "strides": tup(c["strides"]), "data_format": "channels_last"}
    elif cls == "ZeroPadding2D":
        k = {"padding": [list(p) for p in c["padding"]], "data_format": "channels_last"}
    elif cls == "Flatten":
        k = {"data_format": "channels_last"}
    elif cls == "Rescaling":
        k = {"scale": c["scale"], "offset": c["offset"]}
    elif cls == "Normalization":
        k = {"axis": [-1], "invert": False, "mean": None, "variance": None}
    else:
        raise ValueError(cls)
    base.update(k)
    return {"class_name": cls, "config": base}


def input_config(name, shape):
    return {"class_name": "InputLayer", "config": {"batch_input_shape": shape, "dtype": "float32", "sparse": False, "ragged": False,
                                                   "name": name}}


# ---- whole models

def node_refs(args, kwargs, models):
    """A Keras 3 call (args of __keras_tensor__) as a Keras 2 inbound node: [[name, node, tensor, kwargs], ...]; kwargs are
    those the call passed (Keras 3 adds mask None); a model used as a layer counts its own construction as node 0
    (functional._should_skip_first_node), so a reference to its first call is [name, 1, 0]."""
    kwargs = {k: v for k, v in kwargs.items() if not (k == "mask" and v is None)}
    out = []

    def walk(a):
        if isinstance(a, dict) and a.get("class_name") == "__keras_tensor__":
            h = a["config"]["keras_history"]
            out.append([h[0], h[1] + (1 if h[0] in models else 0), h[2], kwargs])
        elif isinstance(a, (list, tuple)):
            for x in a:
                walk(x)
    walk(args[0])
    return out


def shape_of(t):
    return [None] + list(t.shape[1:])


def functional_config(model):
    """tf.keras 2.15's Functional.get_config (get_network_config) for a Keras 3 functional model, nested models included."""
    c3 = model.get_config()
    by_name = {l.name: l for l in model.layers}
    models = {l.name for l in model.layers if isinstance(l, keras.Model)}
    layers = []
    for lc in c3["layers"]:
        layer = by_name[lc["name"]]
        if lc["class_name"] == "InputLayer":
            entry = input_config(layer.name, shape_of(layer.output))
        elif isinstance(layer, keras.Model):
            entry = model_config(layer)
        else:
            rank = len(layer.input.shape) if not isinstance(layer.input, list) else len(layer.input[0].shape)
            entry = k2_config(layer, rank)
        entry["name"] = layer.name
        entry["inbound_nodes"] = [node_refs(n["args"], n["kwargs"], models) for n in lc["inbound_nodes"]]
        layers.append(entry)

    def triples(refs):
        if isinstance(refs, dict):
            refs = list(refs.values())
        if refs and isinstance(refs[0], str):
            refs = [refs]
        return [[r[0], r[1] + (1 if r[0] in models else 0), r[2]] for r in refs]
    return {"name": model.name, "trainable": True, "layers": layers, "input_layers": triples(c3["input_layers"]),
            "output_layers": triples(c3["output_layers"])}


def model_config(model):
    if isinstance(model, keras.Sequential):
        inp = model.layers[0].input
        layers = [input_config(model.name + "_input", shape_of(inp))]
        for i, layer in enumerate(model.layers):
            layers.append(k2_config(layer, len(layer.input.shape), first_shape=shape_of(inp) if i == 0 else None))
        return {"class_name": "Sequential", "config": {"name": model.name, "layers": layers}}
    return {"class_name": "Functional", "config": functional_config(model)}


def owners(model):
    """id(variable) -> the layer that created it, at any depth."""
    out = {}
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            out.update(owners(layer))
        else:
            for w in layer.weights:
                out[id(w)] = layer
    return out


def k2_name(layer, w):
    """A variable's name in Keras 2: Keras 3's, but DepthwiseConv2D's kernel, which tf.keras calls depthwise_kernel."""
    return "depthwise_kernel" if isinstance(layer, L.DepthwiseConv2D) and w.name == "kernel" else w.name


def write(path, config, model, version="2.15.0", chunks=1):
    """The file save_model_to_hdf5 writes (without an optimizer): model_config and model_weights. chunks > 1: the weight_names of
    a model nested in the model split into weight_names0, weight_names1, ... as save_attributes_to_hdf5_group does when they are
    over HDF5's 64 KB attribute limit (real for a large nested base; forced here on a small one)."""
    own = owners(model)
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = version
        f.attrs["backend"] = "tensorflow"
        f.attrs["model_config"] = json.dumps(config).encode("utf8")
        g = f.create_group("model_weights")
        g.attrs["layer_names"] = [l.name.encode("utf8") for l in model.layers]
        g.attrs["backend"] = b"tensorflow"
        g.attrs["keras_version"] = version.encode("utf8")
        for layer in sorted(model.layers, key=lambda x: x.name):
            lg = g.create_group(layer.name)
            weights = layer.trainable_weights + layer.non_trainable_weights   # Keras 2's _legacy_weights order
            names = [(own[id(w)].name + "/" + k2_name(own[id(w)], w) + ":0").encode("utf8") for w in weights]
            if chunks > 1 and isinstance(layer, keras.Model):
                for i, part in enumerate(np.array_split(np.asarray(names), chunks)):
                    lg.attrs["weight_names%d" % i] = part
            else:
                lg.attrs["weight_names"] = names
            for n, w in zip(names, weights):
                lg.create_dataset(n.decode("utf8"), data=np.asarray(w.numpy(), dtype=np.float32))
        if tuple(int(p) for p in version.split(".")[:2]) >= (2, 13):
            g.create_group("top_level_model_weights").attrs["weight_names"] = []


def for_keras3(config):
    """What Keras 3's loader is given instead: tf.keras writes groups 1 (and Conv's kernel_* keys) on DepthwiseConv2D and
    SeparableConv2D, which Keras 3's constructors refuse ("Unrecognized keyword arguments passed to DepthwiseConv2D: {'groups': 1}",
    the error Keras 3 users meet with tf.keras MobileNet files), and a reference to a nested model's first call as node 0
    (Keras 3 counts no construction node: [name, 1, 0] from tf.keras is "disconnected" to it)."""
    def shift(refs, models):
        if isinstance(refs, list) and len(refs) >= 3 and isinstance(refs[0], str):
            if refs[0] in models:
                refs[1] -= 1
        elif isinstance(refs, list):
            for r in refs:
                shift(r, models)

    def walk(c):
        if isinstance(c, dict):
            if isinstance(c.get("layers"), list) and "output_layers" in c:
                models = {l["name"] for l in c["layers"] if l["class_name"] in ("Functional", "Sequential", "Model")}
                for l in c["layers"]:
                    shift(l["inbound_nodes"], models)
                shift(c["output_layers"], models)
            if c.get("class_name") in ("DepthwiseConv2D", "SeparableConv2D"):
                for k in ("groups", "kernel_initializer", "kernel_regularizer", "kernel_constraint"):
                    c["config"].pop(k, None)
            for v in c.values():
                walk(v)
        elif isinstance(c, list):
            for v in c:
                walk(v)
    walk(config)
    return config


def save(name, model, xs, config=None, version="2.15.0", check=None):
    """check: the config Keras 3's loader is given instead (in a temporary copy) when it cannot read the file's own."""
    randomise(model)
    y = model.predict(xs if len(xs) > 1 else xs[0], verbose=0)
    path = os.path.join(HERE, name + ".h5")
    write(path, config or model_config(model), model, version)
    check = for_keras3(copy.deepcopy(check or config or model_config(model)))
    if check == (config or model_config(model)):
        check = None
    read = path
    if check is not None:
        read = os.path.join(HERE, name + ".check.tmp.h5")
        write(read, check, model, version)
    again = keras.models.load_model(read, compile=False)   # Keras 3's legacy loader reads Keras 2 files
    if check is not None:
        os.remove(read)
    y2 = again.predict(xs if len(xs) > 1 else xs[0], verbose=0)
    assert np.max(np.abs(y - y2)) <= 1e-6 * np.max(np.abs(y)), name
    if len(xs) == 1:
        np.save(os.path.join(HERE, name + ".x.npy"), xs[0])
    else:
        for inp, x in zip(model.inputs, xs):
            np.save(os.path.join(HERE, name + ".x_" + inp.name + ".npy"), x)
    np.save(os.path.join(HERE, name + ".y.npy"), y.astype(np.float32))
    assert os.path.getsize(path) < 200_000, path
    print(name, os.path.getsize(path), "bytes, max |y| =", float(np.max(np.abs(y))))


def data(*shape):
    return rng.uniform(-1, 1, shape).astype(np.float32)


def seq_224():
    """Standalone Keras 2.2.4: a Sequential config without InputLayer, batch_input_shape on its first layer, weights conv2d_1/..."""
    m = keras.Sequential([keras.Input((8, 8, 3)), L.Conv2D(6, 3, activation="relu", name="conv2d_1"),
                          L.MaxPooling2D(2, name="max_pooling2d_1"), L.BatchNormalization(name="batch_normalization_1"),
                          L.Flatten(name="flatten_1"), L.Dropout(0.25, name="dropout_1"), L.Dense(16, activation="relu", name="dense_1"),
                          L.Dense(4, name="dense_2")], name="sequential_1")
    layers = [k2_config(l, len(l.input.shape), old=True, first_shape=[None, 8, 8, 3] if i == 0 else None)
              for i, l in enumerate(m.layers)]
    for lc in layers:
        if "batch_input_shape" not in lc["config"]:
            del lc["config"]["dtype"]   # Keras 2.2.4 writes dtype with batch_input_shape only
    # Keras 3's loader turns a first layer's batch_input_shape into input_shape (batch axis included) and fails on it:
    # it is checked on the same file with an InputLayer in front (the weights, their names and order unchanged)
    check = [input_config("conv2d_1_input", [None, 8, 8, 3])] + layers
    save("k2_seq_noinput", m, [data(4, 8, 8, 3)], {"class_name": "Sequential", "config": {"name": "sequential_1", "layers": layers}},
         version="2.2.4", check={"class_name": "Sequential", "config": {"name": "sequential_1", "layers": check}})
    # Keras before 2.2.3 wrote a Sequential's config as the bare list of its layers: the same model so, k2_seq_noinput's x and y
    write(os.path.join(HERE, "k2_seq_list.h5"), {"class_name": "Sequential", "config": layers}, m, version="2.1.6")


def seq_input():
    """tf.keras 2.15: a Sequential with its InputLayer (dense_input) and batch_input_shape on the first layer; adapted Normalization."""
    norm = L.Normalization(name="normalization")
    norm.adapt(rng.normal(2.0, 3.0, (64, 6)).astype(np.float32))
    m = keras.Sequential([keras.Input((6,)), L.Rescaling(0.5, offset=-0.25, name="rescaling"), norm,
                          L.Dense(12, activation="relu", name="dense"), L.LeakyReLU(0.2, name="leaky_re_lu"),
                          L.Dense(3, activation="softmax", name="dense_1")], name="sequential")
    save("k2_seq_input", m, [data(5, 6) * 4])


def func_cnn():
    x = keras.Input((16, 16, 3), name="input_1")
    h = L.ZeroPadding2D(1, name="zero_padding2d")(x)
    h = L.Conv2D(8, 3, strides=2, use_bias=False, name="conv2d")(h)
    h = L.BatchNormalization(name="batch_normalization")(h)
    a = L.ReLU(6.0, name="re_lu")(h)
    h = L.DepthwiseConv2D(3, padding="same", name="depthwise_conv2d")(a)
    h = L.BatchNormalization(name="batch_normalization_1")(h)
    h = L.ReLU(6.0, name="re_lu_1")(h)
    h = L.Conv2D(8, 1, name="conv2d_1")(h)
    h = L.BatchNormalization(name="batch_normalization_2")(h)
    h = L.Add(name="add")([a, h])
    s = L.SeparableConv2D(12, 3, padding="same", depth_multiplier=2, name="separable_conv2d")(h)
    s = L.Activation("relu", name="activation")(s)
    b = L.Conv2D(4, 1, activation="sigmoid", name="conv2d_2")(h)
    h = L.Concatenate(name="concatenate")([s, b])
    h = L.GlobalAveragePooling2D(name="global_average_pooling2d")(h)
    h = L.Dropout(0.3, name="dropout")(h)
    y = L.Dense(5, name="dense")(h)
    save("k2_func_cnn", keras.Model(x, y, name="model"), [data(3, 16, 16, 3)])


def two_inputs():
    img = keras.Input((8, 8, 3), name="image")
    vec = keras.Input((6,), name="features")
    a = L.Conv2D(4, 3, activation="relu", name="conv2d")(img)
    a = L.GlobalAveragePooling2D(name="global_average_pooling2d")(a)
    b = L.Dense(4, activation="tanh", name="dense")(vec)
    h = L.Concatenate(name="concatenate")([a, b])
    y = L.Dense(3, name="dense_1")(h)
    m = keras.Model([img, vec], y, name="model_1")
    save("k2_two_inputs", m, [data(4, 8, 8, 3), data(4, 6)])


def nested():
    """A functional base used as a layer with training=False (the transfer pattern), then a nested Sequential head."""
    bx = keras.Input((8, 8, 3), name="input_2")
    h = L.Conv2D(6, 3, padding="same", use_bias=False, name="block1_conv")(bx)
    h = L.BatchNormalization(name="block1_bn")(h)
    h = L.ReLU(name="block1_relu")(h)
    h = L.GlobalAveragePooling2D(name="avg_pool")(h)
    base = keras.Model(bx, h, name="base")
    head = keras.Sequential([keras.Input((6,)), L.Dense(8, activation="relu", name="head_dense"),
                             L.BatchNormalization(name="head_bn"), L.Dense(3, name="logits")], name="head")
    x = keras.Input((8, 8, 3), name="input_1")
    s = L.Rescaling(2.0, offset=-1.0, name="rescaling")(x)
    f = base(s, training=False)
    y = head(f)
    m = keras.Model(x, y, name="model")
    xs = [data(4, 8, 8, 3) * 0.5 + 0.5]
    save("k2_nested", m, xs)
    # the same model, the nested models' weight_names in chunks (weight_names0, weight_names1): k2_nested's x and y
    path = os.path.join(HERE, "k2_nested_chunked.h5")
    write(path, for_keras3(model_config(m)), m, chunks=2)   # Keras 3's loader reads the chunks too
    assert np.allclose(keras.models.load_model(path, compile=False).predict(xs[0], verbose=0), m.predict(xs[0], verbose=0), atol=1e-6)
    write(path, model_config(m), m, chunks=2)


def shared():
    a = keras.Input((6,), name="left")
    b = keras.Input((6,), name="right")
    enc = L.Dense(8, activation="tanh", name="encoder")
    d = L.Subtract(name="subtract")([enc(a), enc(b)])
    y = L.Dense(2, name="dense")(d)
    save("k2_shared", keras.Model([a, b], y, name="siamese"), [data(4, 6), data(4, 6)])


def refused():
    """tf.keras' TFOpLambda (x * 2.0 on a Keras tensor), a Lambda and a SlicingOpLambda (x[:, :2]): written by hand."""
    code = codecs.encode(marshal.dumps((lambda t: t * 2).__code__), "base64").decode("ascii")   # as tf.keras' func_dump
    x = keras.Input((4,), name="input_1")
    d = L.Dense(4, name="dense")
    out = L.Dense(2, name="dense_1")
    m = keras.Model(x, out(d(x)), name="model")
    dense = k2_config(d, 2)
    dense.update(name="dense", inbound_nodes=[[["input_1", 0, 0, {}]]])
    mul = {"class_name": "TFOpLambda", "config": {"name": "tf.math.multiply", "trainable": True, "dtype": "float32",
                                                  "function": "math.multiply"},
           "name": "tf.math.multiply", "inbound_nodes": [["dense", 0, 0, {"y": 2.0, "name": None}]]}
    lam = {"class_name": "Lambda", "config": {"name": "lambda", "trainable": True, "dtype": "float32",
                                              "function": [code, None, None],
                                              "function_type": "lambda", "module": "__main__", "output_shape": None,
                                              "output_shape_type": "raw", "output_shape_module": None, "arguments": {}},
           "name": "lambda", "inbound_nodes": [[["tf.math.multiply", 0, 0, {}]]]}
    sl = {"class_name": "SlicingOpLambda", "config": {"name": "tf.__operators__.getitem", "trainable": True, "dtype": "float32",
                                                      "function": "__operators__.getitem"},
          "name": "tf.__operators__.getitem",
          "inbound_nodes": [["lambda", 0, 0, {"slice_spec": [{"start": None, "stop": None, "step": None},
                                                             {"start": None, "stop": 2, "step": None}]}]]}
    cat = {"class_name": "Concatenate", "config": {"name": "concatenate", "trainable": True, "dtype": "float32", "axis": -1},
           "name": "concatenate", "inbound_nodes": [[["dense", 0, 0, {}], ["_CONSTANT_VALUE", -1, [[1.0, 2.0]], {}]]]}
    last = k2_config(out, 2)
    last.update(name="dense_1", inbound_nodes=[[["tf.__operators__.getitem", 0, 0, {}]]])
    cfg = {"class_name": "Functional", "config": {"name": "model", "trainable": True,
                                                  "layers": [dict(input_config("input_1", [None, 4]), name="input_1", inbound_nodes=[]),
                                                             dense, mul, lam, sl, cat, last],
                                                  "input_layers": [["input_1", 0, 0]], "output_layers": [["dense_1", 0, 0]]}}
    write(os.path.join(HERE, "k2_refuse.h5"), cfg, m)
    print("k2_refuse written")


def real():
    """The real tf.keras 2.4 file (README.md: a Teachable Machine image model: MobileNetV2 alpha 0.35 in a nested Functional
    in a nested Sequential, then a Sequential head). Keras 3's legacy loader cannot read it (groups 1 on DepthwiseConv2D, then
    its nested Sequentials), so its outputs come from Keras 3 rebuilding the same layers (keras.applications.MobileNetV2,
    GlobalAveragePooling2D, the two Dense of the config) with the file's weights assigned by layer and variable name."""
    path = os.path.join(HERE, "real", "teachable_machine_tf24.h5")
    with h5py.File(path, "r") as f:
        cfg = json.loads(f.attrs["model_config"])
        head = cfg["config"]["layers"][2]["config"]["layers"]
        base = keras.applications.MobileNetV2(input_shape=(224, 224, 3), alpha=0.35, include_top=False, weights=None)
        x = keras.Input((224, 224, 3))
        h = L.GlobalAveragePooling2D()(base(x))
        for lc in head[1:]:
            c = lc["config"]
            h = L.Dense(c["units"], activation=c["activation"], use_bias=c["use_bias"], name=c["name"])(h)
        m = keras.Model(x, h)
        assert m.count_params() == 538708, m.count_params()
        for group, layers in (("sequential_1", base.layers), ("sequential_3", m.layers[3:])):
            for layer in layers:
                if layer.weights:
                    layer.set_weights([f["model_weights"][group][layer.name][k2_name(layer, w) + ":0"][()] for w in layer.weights])
    x = rng.uniform(-1, 1, (1, 224, 224, 3)).astype(np.float32)   # Teachable Machine feeds pixels / 127.5 - 1
    y = m.predict(x, verbose=0)
    np.save(os.path.join(HERE, "real", "teachable_machine_tf24.x.npy"), x)
    np.save(os.path.join(HERE, "real", "teachable_machine_tf24.y.npy"), y.astype(np.float32))
    # its last Dense ends in softmax, saturated on one class: the logits (that Dense without its activation) are compared too
    last = m.layers[-1]
    logits = keras.Model(m.input, last.input).predict(x, verbose=0) @ last.kernel.numpy()
    if last.use_bias:
        logits = logits + last.bias.numpy()
    assert np.allclose(keras.ops.softmax(logits).numpy(), y, atol=1e-6)
    np.save(os.path.join(HERE, "real", "teachable_machine_tf24.logits.npy"), logits.astype(np.float32))
    print("real", y, logits)


if __name__ == "__main__":
    os.makedirs(HERE, exist_ok=True)
    for f in (seq_224, seq_input, func_cnn, two_inputs, nested, shared, refused, real):
        f()
