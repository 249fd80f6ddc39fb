#!/usr/bin/env python3
"""Golden float64 cases for the layers and activations that Keras' image models need (docs/layers-keras.md:
DepthwiseConv2D, SeparableConv2D, ReLU, LeakyReLU, Softmax, LayerNormalization, Cropping2D, LayerScale,
CustomScaleLayer, the activations relu6 ... hard_sigmoid_legacy, Dense on rank > 2, global pooling keepdims,
merge layers that broadcast, Conv2D groups, Rescaling with per-channel lists).

Regenerate from the repository root with a Python that has Keras 3 on TensorFlow and numpy (written with
Keras 3.15.1, TensorFlow 2.21, numpy 2.4; /usr/bin/python3 has neither):

    # a Python with Keras 3 and TensorFlow: the test command makes one: python/run_tests.sh python/target/pyenv
    python/target/pyenv/bin/python testdata/layers/gen_keras_layers.py [GROUP ...]

(GROUP: one of the case groups of main(), e.g. grouped_convs; default all of them.)

Every case is computed twice in float64, by Keras' own layer (dtype="float64"; LayerScale and CustomScaleLayer
from keras.src.applications, hard_sigmoid_legacy by TF ops since Keras 3 has no such name) and by an independent
numpy formula (naive loops for the convolutions); the script raises unless the two agree to 1e-12 (scaled).
Gradients of L = sum(g * y) come from TF float64 autograd (tf.GradientTape) and are checked against central
finite differences of the numpy forward along random directions (elementwise differences of y first) to 1e-6.

Files, next to this one, in gen_layers.py's format (read by the same Java loader, LayerHarness):
  <case>.json  {"layer": config as the spec writes it, "input_shape": [null, ...], "training": false,
                "tolerance": {"forward_rtol", "note", "observed_float32"}, "note"}
  <case>.npz   x, the weights under their contract names, y, g, dx and d_<weight> for each trainable weight.
Cases of several inbound tensors (CustomScaleLayer, broadcasting merges) use testdata/graphs' merge format
(read by MergeHarness): <case>.json {"layer", "inputs": k, "note", "tolerance"}; <case>.npz x0..x(k-1), y, g,
grad_x0..grad_x(k-1).
Inputs, weights and g are float32-representable; everything is stored in float64. Each forward tolerance is
checked to be at least 5x the error of Keras' float32 run of the same layer on the same values.
"""
import json
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402
from keras.src.applications.convnext import LayerScale  # noqa: E402
from keras.src.applications.inception_resnet_v2 import CustomScaleLayer  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
WRITTEN = []
TOL_ELEMENTWISE = (1e-5, "elementwise in float32: |got - ref| <= 1e-5 max(1, |ref|) (a few ulps of float32)")
TOL_EXACT = (0.0, "exact in float32: the outputs are copies of float32-representable inputs")
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def f32(a):
    return np.asarray(a, np.float64).astype(np.float32).astype(np.float64)


def check(cond, *msg):
    if not cond:
        raise AssertionError(" ".join(str(m) for m in msg))


def scaled_err(ref, got):
    ref = np.asarray(ref, np.float64)
    return float(np.max(np.abs(np.asarray(got, np.float64) - ref) / np.maximum(1.0, np.abs(ref)))) if ref.size else 0.0


def matmul_tol(n):
    return (1e-4, "float32 sums of %d products: the worst case n u sum|terms| can pass 1e-5, 1e-4 bounds it "
                  "(observed error recorded)" % n)


def away_from(rng, shape, lo, hi, kinks, gap=1e-2):
    """Uniform float32 values in [lo, hi], each at least gap from every kink (finite differences stay on one side)."""
    x = f32(rng.uniform(lo, hi, size=shape))
    for _ in range(100):
        bad = np.zeros(x.shape, bool)
        for k in kinks:
            bad |= np.abs(x - k) < gap
        if not bad.any():
            return x
        x[bad] = f32(rng.uniform(lo, hi, size=int(bad.sum())))
    raise AssertionError("could not place values away from the kinks")


def distinct(rng, shape, step=8.0):
    return f32((rng.permutation(int(np.prod(shape))).reshape(shape) - np.prod(shape) / 2) / step)


# ------------------------------------------------------------------------------------------ Keras side

def keras_layer(make, xs, weights, dtype):
    """The Keras layer from make(dtype), built on xs' shapes, its variables set from weights (by contract name)."""
    layer = make(dtype)
    shapes = [(None, *x.shape[1:]) for x in xs]
    layer.build(shapes if len(xs) > 1 else shapes[0])
    by_name = {v.name: v for v in layer.weights}
    if isinstance(layer, LayerScale):   # its one weight has no name in Keras ("variable", "variable_1", ...): gamma
        check(len(layer.weights) == 1, "LayerScale weights", layer.weights)
        by_name = {"gamma": layer.gamma}
    check(sorted(by_name) == sorted(weights), "Keras weights", sorted(by_name), "are not the contract's", sorted(weights))
    for k, v in weights.items():
        check(tuple(by_name[k].shape) == v.shape, k, "Keras shape", by_name[k].shape, "contract shape", v.shape)
        by_name[k].assign(v.astype(dtype))
    return layer, by_name


def keras_forward(make, xs, weights, dtype):
    layer, _ = keras_layer(make, xs, weights, dtype)
    ins = [tf.constant(x.astype(dtype)) for x in xs]
    return np.asarray(layer(ins if len(xs) > 1 else ins[0], training=False), np.float64)


def keras_gradients(make, xs, weights, trainable, g):
    layer, by_name = keras_layer(make, xs, weights, "float64")
    ins = [tf.constant(x) for x in xs]
    with tf.GradientTape() as tape:
        tape.watch(ins)
        y = layer(ins if len(xs) > 1 else ins[0], training=False)
        loss = tf.reduce_sum(tf.constant(g) * y)
    grads = tape.gradient(loss, ins + [by_name[k] for k in trainable])
    out = [np.zeros_like(t) if gr is None else np.asarray(gr, np.float64) for t, gr in zip(xs + [weights[k] for k in trainable], grads)]
    return out[:len(xs)], dict(zip(trainable, out[len(xs):]))


def fd_check(name, fwd, xs, weights, g, dxs, dws, h=1e-6, tol=1e-6, ndir=4, seed=0):
    """sum(g * (y(+h d) - y(-h d))) / 2h of the numpy forward against sum(d * gradient), per input and weight."""
    rng = np.random.default_rng(seed)
    targets = [("x%d" % i, xs[i], dxs[i]) for i in range(len(xs))] + [("d_" + k, weights[k], v) for k, v in dws.items()]
    for key, base, grad in targets:
        for _ in range(ndir):
            d = rng.uniform(-1, 1, size=base.shape)

            def shifted(t):
                if key.startswith("x"):
                    i = int(key[1:])
                    return fwd([x + t * d if j == i else x for j, x in enumerate(xs)], weights)
                return fwd(xs, {**weights, key[2:]: base + t * d})
            num = float((g * (shifted(h) - shifted(-h))).sum() / (2 * h))
            an = float((d * grad).sum())
            check(abs(num - an) <= tol * max(1.0, abs(an)), name, ":", key, "disagrees with finite differences:", num, "vs", an)


def case(name, layer, make, fwd, xs, weights=None, trainable=None, tol=TOL_ELEMENTWISE, note=None, seed=0):
    """xs: list of inputs (one for a single-input layer); fwd(xs, weights) the numpy float64 formula."""
    weights = weights or {}
    trainable = list(weights) if trainable is None else trainable
    rng = np.random.default_rng(7000 + seed)
    y = keras_forward(make, xs, weights, "float64")
    y_np = fwd(xs, weights)
    check(y.shape == y_np.shape, name, ": Keras shape", y.shape, "numpy shape", y_np.shape)
    err = scaled_err(y_np, y)
    check(err <= 1e-12, name, ": Keras and numpy disagree in float64 by", err)
    g = f32(rng.normal(size=y.shape))
    dxs, dws = keras_gradients(make, xs, weights, trainable, g)
    fd_check(name, fwd, xs, weights, g, dxs, dws, seed=seed)
    y32 = keras_forward(make, [f32(x) for x in xs], weights, "float32")
    rtol, why = tol
    err32 = scaled_err(y, y32)
    check(err32 * 5 <= rtol or (rtol == 0 and err32 == 0), name, ": tolerance", rtol, "is not 5x the observed float32 error", err32)
    tolerance = {"forward_rtol": rtol, "note": why, "observed_float32": float("%.3g" % err32)}
    if len(xs) == 1:
        out = {"x": xs[0], **weights, "y": y, "g": g, "dx": dxs[0], **{"d_" + k: v for k, v in dws.items()}}
        doc = {"layer": layer, "input_shape": [None, *xs[0].shape[1:]], "training": False, "tolerance": tolerance}
    else:
        out = {**{"x%d" % i: x for i, x in enumerate(xs)}, "y": y, "g": g, **{"grad_x%d" % i: d for i, d in enumerate(dxs)}}
        doc = {"layer": layer, "inputs": len(xs), "tolerance": tolerance}
    for k in ["g", *weights, *[k for k in out if k.startswith("x")]]:
        check(np.array_equal(f32(out[k]), out[k]), name, ":", k, "is not float32-representable")
    for k, v in out.items():
        out[k] = np.asarray(v, np.float64)
        check(np.all(np.isfinite(out[k])), name, ":", k, "has non-finite values")
    if note:
        doc["note"] = note
    np.savez(os.path.join(HERE, name + ".npz"), **out)
    with open(os.path.join(HERE, name + ".json"), "w") as fh:
        json.dump(doc, fh, indent=1)
        fh.write("\n")
    WRITTEN.append((name, list(out), rtol, err32))
    return y


# ------------------------------------------------------------------------------------------ numpy formulas

def np_relu6(x):
    return np.minimum(np.maximum(x, 0), 6)


def np_sigmoid(x):
    return 1 / (1 + np.exp(-x))


NP_ACTIVATIONS = {
    "relu6": np_relu6,
    "silu": lambda x: x * np_sigmoid(x),
    "hard_sigmoid": lambda x: np_relu6(x + 3) / 6,
    "hard_silu": lambda x: x * np_relu6(x + 3) / 6,
    "hard_swish": lambda x: x * np_relu6(x + 3) / 6,
    "selu": lambda x: np.where(x > 0, SELU_SCALE * x, SELU_SCALE * SELU_ALPHA * np.expm1(np.minimum(x, 0))),
    "softsign": lambda x: x / (1 + np.abs(x)),
    "hard_sigmoid_legacy": lambda x: np.clip(0.2 * x + 0.5, 0, 1),
    "linear": lambda x: x,
    "tanh": np.tanh,
}


def tf_same_pad(size, k, s):
    """TF 'same': total = max((ceil(in/s) - 1) s + k - in, 0); before = total // 2, after the rest."""
    total = max((-(-size // s) - 1) * s + k - size, 0)
    return total // 2, total - total // 2


def np_depthwise(x, kernel, strides, padding, dilation):
    """Naive loops: y[b, i, j, c dm + m] = sum_{p, q} xpad[b, i s + p d, j s + q d, c] kernel[p, q, c, m]."""
    b, hgt, wid, cin = x.shape
    kh, kw, _, dm = kernel.shape
    eh, ew = (kh - 1) * dilation[0] + 1, (kw - 1) * dilation[1] + 1
    if padding == "same":
        (pt, pb), (pl, pr) = tf_same_pad(hgt, eh, strides[0]), tf_same_pad(wid, ew, strides[1])
        x = np.pad(x, ((0, 0), (pt, pb), (pl, pr), (0, 0)))
    oh, ow = (x.shape[1] - eh) // strides[0] + 1, (x.shape[2] - ew) // strides[1] + 1
    y = np.zeros((b, oh, ow, cin * dm))
    for i in range(oh):
        for j in range(ow):
            for p in range(kh):
                for q in range(kw):
                    v = x[:, i * strides[0] + p * dilation[0], j * strides[1] + q * dilation[1], :]   # [b, cin]
                    y[:, i, j, :] += (v[:, :, None] * kernel[p, q][None]).reshape(b, cin * dm)
    return y


def np_grouped_conv(x, kernel, strides, padding, dilation, groups):
    """Naive loops per group: output channels [g f/G, (g+1) f/G) from input channels [g c/G, (g+1) c/G)."""
    b, hgt, wid, cin = x.shape
    kh, kw, cg, filters = kernel.shape
    fg = filters // groups
    eh, ew = (kh - 1) * dilation[0] + 1, (kw - 1) * dilation[1] + 1
    if padding == "same":
        (pt, pb), (pl, pr) = tf_same_pad(hgt, eh, strides[0]), tf_same_pad(wid, ew, strides[1])
        x = np.pad(x, ((0, 0), (pt, pb), (pl, pr), (0, 0)))
    oh, ow = (x.shape[1] - eh) // strides[0] + 1, (x.shape[2] - ew) // strides[1] + 1
    y = np.zeros((b, oh, ow, filters))
    for g in range(groups):
        for i in range(oh):
            for j in range(ow):
                for p in range(kh):
                    for q in range(kw):
                        v = x[:, i * strides[0] + p * dilation[0], j * strides[1] + q * dilation[1], g * cg:(g + 1) * cg]
                        y[:, i, j, g * fg:(g + 1) * fg] += v @ kernel[p, q, :, g * fg:(g + 1) * fg]
    return y


def np_pointwise(x, kernel):
    return np.einsum("bhwc,cf->bhwf", x, kernel[0, 0])


def np_merge_broadcast(xs):
    """Keras 3's merge: inputs of lower rank get axes inserted after the batch axis, then numpy broadcasting."""
    r = max(x.ndim for x in xs)
    return [x.reshape(x.shape[:1] + (1,) * (r - x.ndim) + x.shape[1:]) for x in xs]


# ------------------------------------------------------------------------------------------ cases

def activations():
    rng = np.random.default_rng(1)
    x = away_from(rng, (4, 8), -8, 8, kinks=(0, -2.5, 2.5, -3, 3, 6))
    check((x > 6).any() and (x < -3).any(), "activation input misses a region")
    for a, fn in NP_ACTIVATIONS.items():
        if a in ("linear", "tanh"):
            continue
        if a == "hard_sigmoid_legacy":    # not a Keras 3 name: Keras 2's formula in TF ops
            make = lambda dtype: keras.layers.Lambda(lambda t: tf.clip_by_value(0.2 * t + 0.5, 0.0, 1.0), dtype=dtype)
        else:
            make = lambda dtype, a=a: keras.layers.Activation(a, dtype=dtype)
        case("activation_" + a, {"type": "Activation", "name": "act", "activation": a}, make,
             lambda xs, w, fn=fn: fn(xs[0]), [x], seed=1,
             note="x in [-8, 8], every value at least 1e-2 from the kinks 0, +-2.5, +-3, 6")


def relu_layers():
    rng = np.random.default_rng(2)
    x = away_from(rng, (4, 7), -6, 8, kinks=(0, 0.5, 4, 6))
    for name, cfg, ref in (
            ("relu_default", {}, lambda x: np.maximum(x, 0)),
            ("relu_max6", {"max_value": 6.0}, lambda x: np.clip(x, 0, 6)),
            ("relu_full", {"max_value": 4.0, "negative_slope": 0.1, "threshold": 0.5},
             lambda x: np.where(x > 0.5, np.minimum(x, 4.0), 0.1 * (x - 0.5)))):
        layer = {"type": "ReLU", "name": "relu", "max_value": cfg.get("max_value"),
                 "negative_slope": cfg.get("negative_slope", 0.0), "threshold": cfg.get("threshold", 0.0)}
        case(name, layer, lambda dtype, cfg=cfg: keras.layers.ReLU(**cfg, dtype=dtype), lambda xs, w, ref=ref: ref(xs[0]), [x],
             seed=2, note="x > threshold: min(x, max_value); otherwise negative_slope (x - threshold); "
                          "x at least 1e-2 from 0, 0.5, 4 and 6")
    for name, slope in (("leaky_relu_default", None), ("leaky_relu_0p1", 0.1)):
        s = 0.3 if slope is None else slope
        layer = {"type": "LeakyReLU", "name": "lrelu"} if slope is None else {"type": "LeakyReLU", "name": "lrelu", "negative_slope": slope}
        kw = {} if slope is None else {"negative_slope": slope}
        # TF's LeakyRelu op takes the slope as a float32 attribute, so Keras' LeakyReLU in float64 computes
        # f32(slope) x: checked here with that slope; the stored reference uses the exact slope (the contract's formula).
        y_keras = keras_forward(lambda dtype, kw=kw: keras.layers.LeakyReLU(**kw, dtype=dtype), [x], {}, "float64")
        check(scaled_err(np.where(x >= 0, x, f32(s) * x), y_keras) <= 1e-12, name, ": Keras' LeakyReLU differs")
        case(name, layer, lambda dtype, s=s: keras.layers.Lambda(lambda t: tf.where(t >= 0, t, s * t), dtype=dtype),
             lambda xs, w, s=s: np.where(xs[0] >= 0, xs[0], s * xs[0]), [x], seed=3,
             note="x if x >= 0 else %g x (Keras' default slope is 0.3). Keras' LeakyReLU passes the slope to TF as "
                  "float32 (f32(0.3) x in a float64 model); the reference uses the exact slope" % s)


def softmax_layers():
    rng = np.random.default_rng(3)

    def np_softmax(x, axis):
        e = np.exp(x - x.max(axis=axis, keepdims=True))
        return e / e.sum(axis=axis, keepdims=True)
    for name, shape, axis in (("softmax_last", (3, 5), -1), ("softmax_axis1", (2, 3, 4), 1)):
        x = f32(rng.normal(size=shape) * 2)
        layer = {"type": "Softmax", "name": "sm", "axis": axis}
        case(name, layer, lambda dtype, axis=axis: keras.layers.Softmax(axis=axis, dtype=dtype),
             lambda xs, w, axis=axis: np_softmax(xs[0], axis), [x], seed=4, note="softmax along axis %d" % axis)


def cropping():
    rng = np.random.default_rng(4)
    x = f32(rng.normal(size=(2, 6, 7, 3)))
    for name, crop, full in (("cropping2d", [[1, 2], [0, 3]], ((1, 2), (0, 3))), ("cropping2d_hw", [2, 1], ((2, 2), (1, 1)))):
        (t, b), (l, r) = full
        case(name, {"type": "Cropping2D", "name": "crop", "cropping": crop},
             lambda dtype, full=full: keras.layers.Cropping2D(cropping=full, dtype=dtype),
             lambda xs, w, t=t, b=b, l=l, r=r: xs[0][:, t:xs[0].shape[1] - b, l:xs[0].shape[2] - r, :], [x], seed=5,
             tol=TOL_EXACT, note="NHWC: y = x[:, top:H - bottom, left:W - right, :]; cropping %s" % (crop,))


def scale_layers():
    rng = np.random.default_rng(5)
    x = f32(rng.normal(size=(2, 3, 3, 4)))
    w = {"gamma": f32(rng.normal(size=4))}
    case("layer_scale", {"type": "LayerScale", "name": "ls", "init_values": 1e-6, "projection_dim": 4},
         lambda dtype: LayerScale(1e-6, 4, dtype=dtype), lambda xs, w: xs[0] * w["gamma"], [x], w, seed=6,
         note="y = x gamma over the last axis; gamma set to random values (it starts at init_values)")
    x0, x1 = f32(rng.normal(size=(2, 3, 3, 4))), f32(rng.normal(size=(2, 3, 3, 4)))
    case("custom_scale", {"type": "CustomScaleLayer", "name": "cs", "scale": 0.17},
         lambda dtype: CustomScaleLayer(0.17, dtype=dtype), lambda xs, w: xs[0] + 0.17 * xs[1], [x0, x1], seed=7,
         note="y = x0 + scale x1 with scale 0.17 (rounded to float32 in a float32 model)")


def layer_norm():
    rng = np.random.default_rng(6)

    def np_ln(axis, eps):
        def f(xs, w):
            x = xs[0]
            m = x.mean(axis=axis, keepdims=True)
            v = ((x - m) ** 2).mean(axis=axis, keepdims=True)
            y = (x - m) / np.sqrt(v + eps)
            shape = [1] * x.ndim
            shape[axis] = x.shape[axis]
            if "gamma" in w:
                y = y * w["gamma"].reshape(shape)
            if "beta" in w:
                y = y + w["beta"].reshape(shape)
            return y
        return f
    for name, shape, axis, eps, center, scale in (("layer_norm", (3, 4, 6), -1, 1e-3, True, True),
                                                  ("layer_norm_axis1", (2, 5, 3), 1, 1e-6, True, True),
                                                  ("layer_norm_plain", (4, 6), -1, 1e-3, False, False)):
        x = f32(rng.normal(size=shape) * 2 + 0.5)
        c = x.shape[axis]
        w = {}
        if scale:
            w["gamma"] = f32(rng.normal(size=c))
        if center:
            w["beta"] = f32(rng.normal(size=c))
        layer = {"type": "LayerNormalization", "name": "ln", "axis": axis, "epsilon": eps, "center": center, "scale": scale}
        case(name, layer, lambda dtype, axis=axis, eps=eps, center=center, scale=scale: keras.layers.LayerNormalization(
             axis=axis, epsilon=eps, center=center, scale=scale, dtype=dtype), np_ln(axis, eps), [x], w, seed=8,
             tol=(1e-5, "mean and variance of at most 6 float32 values, a sqrt and a divide: a few ulps, 1e-5 scaled "
                        "relative (observed: Keras' float32, which uses E[x^2] - E[x]^2)"),
             note="(x - mean) / sqrt(var + eps) gamma + beta over axis %d, biased variance" % axis)


def conv_layers():
    rng = np.random.default_rng(7)
    for name, shape, k, s, pad, dm, dil, act, bias in (
            ("depthwise_same", (2, 6, 6, 3), (3, 3), (1, 1), "same", 2, (1, 1), "linear", True),
            ("depthwise_valid_stride2", (2, 7, 6, 2), (3, 2), (2, 2), "valid", 1, (1, 1), "tanh", False),
            ("depthwise_dilated", (2, 7, 7, 2), (3, 3), (1, 1), "same", 3, (2, 2), "linear", True)):
        x = f32(rng.normal(size=shape))
        cin = shape[3]
        w = {"kernel": f32(rng.normal(size=(*k, cin, dm)) * 0.5)}
        if bias:
            w["bias"] = f32(rng.normal(size=cin * dm) * 0.1)
        layer = {"type": "DepthwiseConv2D", "name": "dw", "kernel_size": list(k), "strides": list(s), "padding": pad,
                 "depth_multiplier": dm, "dilation_rate": list(dil), "activation": act, "use_bias": bias}

        def fwd(xs, w, s=s, pad=pad, dil=dil, act=act):
            y = np_depthwise(xs[0], w["kernel"], s, pad, dil)
            return NP_ACTIVATIONS[act](y + w["bias"] if "bias" in w else y)
        case(name, layer, lambda dtype, k=k, s=s, pad=pad, dm=dm, dil=dil, act=act, bias=bias: keras.layers.DepthwiseConv2D(
             k, strides=s, padding=pad, depth_multiplier=dm, dilation_rate=dil, activation=act, use_bias=bias, dtype=dtype),
             fwd, [x], w, seed=9, tol=matmul_tol(k[0] * k[1]),
             note="output channel c dm + m from input channel c; TF 'same' padding of the dilated window (k - 1) d + 1")
    for name, shape, k, s, pad, dm, dil, filters, act, bias in (
            ("separable_same", (2, 6, 6, 3), (3, 3), (1, 1), "same", 2, (1, 1), 4, "tanh", True),
            ("separable_valid_stride2", (2, 7, 7, 3), (3, 3), (2, 2), "valid", 1, (1, 1), 5, "linear", False),
            ("separable_dilated", (2, 6, 6, 2), (2, 2), (1, 1), "same", 2, (2, 2), 3, "linear", True)):
        x = f32(rng.normal(size=shape))
        cin = shape[3]
        w = {"depthwise_kernel": f32(rng.normal(size=(*k, cin, dm)) * 0.5),
             "pointwise_kernel": f32(rng.normal(size=(1, 1, cin * dm, filters)) * 0.5)}
        if bias:
            w["bias"] = f32(rng.normal(size=filters) * 0.1)
        layer = {"type": "SeparableConv2D", "name": "sep", "filters": filters, "kernel_size": list(k), "strides": list(s),
                 "padding": pad, "depth_multiplier": dm, "dilation_rate": list(dil), "activation": act, "use_bias": bias}

        def fwd(xs, w, s=s, pad=pad, dil=dil, act=act):
            y = np_pointwise(np_depthwise(xs[0], w["depthwise_kernel"], s, pad, dil), w["pointwise_kernel"])
            return NP_ACTIVATIONS[act](y + w["bias"] if "bias" in w else y)
        case(name, layer, lambda dtype, k=k, s=s, pad=pad, dm=dm, dil=dil, filters=filters, act=act, bias=bias:
             keras.layers.SeparableConv2D(filters, k, strides=s, padding=pad, depth_multiplier=dm, dilation_rate=dil,
                                          activation=act, use_bias=bias, dtype=dtype),
             fwd, [x], w, seed=10, tol=matmul_tol(k[0] * k[1] * cin * dm),
             note="depthwise (kernel depthwise_kernel), then 1x1 pointwise, then bias and activation")


def grouped_convs():
    rng = np.random.default_rng(10)
    for name, shape, k, s, pad, dil, groups, filters, act, bias in (
            ("conv2d_groups", (2, 6, 6, 4), (3, 3), (1, 1), "same", (1, 1), 2, 6, "linear", True),
            ("conv2d_groups_depthwise", (2, 7, 7, 3), (3, 2), (2, 2), "valid", (1, 1), 3, 6, "tanh", False),
            ("conv2d_groups_dilated", (2, 7, 7, 4), (3, 3), (1, 1), "same", (2, 2), 4, 4, "linear", True)):
        x = f32(rng.normal(size=shape))
        w = {"kernel": f32(rng.normal(size=(*k, shape[3] // groups, filters)) * 0.5)}
        if bias:
            w["bias"] = f32(rng.normal(size=filters) * 0.1)
        layer = {"type": "Conv2D", "name": "gc", "filters": filters, "kernel_size": list(k), "strides": list(s), "padding": pad,
                 "activation": act, "use_bias": bias, "dilation_rate": list(dil), "groups": groups}

        def fwd(xs, w, s=s, pad=pad, dil=dil, groups=groups, act=act):
            y = np_grouped_conv(xs[0], w["kernel"], s, pad, dil, groups)
            return NP_ACTIVATIONS[act](y + w["bias"] if "bias" in w else y)
        case(name, layer, lambda dtype, k=k, s=s, pad=pad, dil=dil, groups=groups, filters=filters, act=act, bias=bias: keras.layers.Conv2D(
             filters, k, strides=s, padding=pad, dilation_rate=dil, groups=groups, activation=act, use_bias=bias, dtype=dtype),
             fwd, [x], w, seed=18, tol=matmul_tol(k[0] * k[1] * shape[3] // groups),
             note="grouped convolution: kernel [kh, kw, c_in/groups, filters]; output channels [g f/G, (g+1) f/G) from input"
                  " channels [g c/G, (g+1) c/G)%s" % (" (groups = c_in: a depthwise convolution)" if groups == shape[3] else ""))


def rescaling_lists():
    rng = np.random.default_rng(11)
    x = f32(rng.uniform(0, 1, size=(2, 3, 4, 3)))
    # float32-representable: Keras converts a list to a float32 tensor before casting it to the layer's dtype
    scale, offset = [float(v) for v in f32([1 / 0.229, 1 / 0.224, 1 / 0.225])], [-0.5, 0.25, 0.0]
    case("rescaling_per_channel", {"type": "Rescaling", "name": "s", "scale": scale, "offset": offset},
         lambda dtype: keras.layers.Rescaling(scale=scale, offset=offset, dtype=dtype),
         lambda xs, w: xs[0] * np.array(scale) + np.array(offset), [x], seed=19,
         note="scale and offset as lists of C: x * scale[c] + offset[c] along the last axis (Keras' numpy broadcasting)")
    case("rescaling_list_scalar", {"type": "Rescaling", "name": "s", "scale": [0.5, 2.0, -1.0], "offset": 0.125},
         lambda dtype: keras.layers.Rescaling(scale=[0.5, 2.0, -1.0], offset=0.125, dtype=dtype),
         lambda xs, w: xs[0] * np.array([0.5, 2.0, -1.0]) + 0.125, [x], seed=20,
         note="a per-channel scale with a scalar offset")


def existing_layer_options():
    rng = np.random.default_rng(8)
    for name, shape, units, act in (("dense_rank3", (2, 3, 5), 4, "linear"), ("dense_rank4", (2, 2, 3, 5), 3, "tanh")):
        x = f32(rng.normal(size=shape))
        w = {"kernel": f32(rng.normal(size=(shape[-1], units)) * 0.5), "bias": f32(rng.normal(size=units) * 0.1)}
        case(name, {"type": "Dense", "name": "fc", "units": units, "activation": act, "use_bias": True},
             lambda dtype, units=units, act=act: keras.layers.Dense(units, activation=act, dtype=dtype),
             lambda xs, w, act=act: NP_ACTIVATIONS[act](xs[0] @ w["kernel"] + w["bias"]), [x], w, seed=11,
             tol=matmul_tol(shape[-1]), note="Dense on the last axis of a rank-%d input" % len(shape))
    x = f32(rng.normal(size=(3, 4, 5, 6)))
    case("global_avgpool_keepdims", {"type": "GlobalAveragePooling2D", "name": "gap", "keepdims": True},
         lambda dtype: keras.layers.GlobalAveragePooling2D(keepdims=True, dtype=dtype),
         lambda xs, w: xs[0].mean(axis=(1, 2), keepdims=True), [x], seed=12,
         note="[batch, H, W, C] -> [batch, 1, 1, C]: mean over H and W")
    x = distinct(rng, (3, 4, 5, 6))
    case("global_maxpool_keepdims", {"type": "GlobalMaxPooling2D", "name": "gmp", "keepdims": True},
         lambda dtype: keras.layers.GlobalMaxPooling2D(keepdims=True, dtype=dtype),
         lambda xs, w: xs[0].max(axis=(1, 2), keepdims=True), [x], seed=12, tol=TOL_EXACT,
         note="[batch, H, W, C] -> [batch, 1, 1, C]: max over H and W; distinct values (no ties)")


def broadcasting_merges():
    rng = np.random.default_rng(9)
    x0, x1 = f32(rng.normal(size=(2, 3, 3, 4))), f32(rng.normal(size=(2, 1, 1, 4)))
    case("multiply_se", {"type": "Multiply", "name": "mul"}, lambda dtype: keras.layers.Multiply(dtype=dtype),
         lambda xs, w: xs[0] * xs[1], [x0, x1], seed=13, note="squeeze-and-excitation: [b, 3, 3, 4] times [b, 1, 1, 4]")
    x0, x1 = f32(rng.normal(size=(2, 3, 4))), f32(rng.normal(size=(2, 4)))
    case("add_rank", {"type": "Add", "name": "add"}, lambda dtype: keras.layers.Add(dtype=dtype),
         lambda xs, w: np.add(*np_merge_broadcast(xs)), [x0, x1], seed=14,
         note="[b, 3, 4] plus [b, 4]: the lower rank input gets an axis after the batch axis ([b, 1, 4]), as Keras 3")
    x0, x1 = f32(rng.normal(size=(2, 1, 4))), f32(rng.normal(size=(2, 3, 1)))
    case("subtract_broadcast", {"type": "Subtract", "name": "sub"}, lambda dtype: keras.layers.Subtract(dtype=dtype),
         lambda xs, w: xs[0] - xs[1], [x0, x1], seed=15, note="[b, 1, 4] minus [b, 3, 1] -> [b, 3, 4]")
    xs = [f32(rng.normal(size=s)) for s in ((2, 3, 4), (2, 1, 4), (2, 3, 1))]
    case("average_broadcast", {"type": "Average", "name": "avg"}, lambda dtype: keras.layers.Average(dtype=dtype),
         lambda xs, w: sum(xs) / 3, xs, seed=16, note="mean of [b, 3, 4], [b, 1, 4] and [b, 3, 1]")
    v = distinct(rng, (2, 3, 4 + 4))
    x0, x1 = v[:, :, :4], v[:, :1, 4:]
    case("maximum_broadcast", {"type": "Maximum", "name": "max"}, lambda dtype: keras.layers.Maximum(dtype=dtype),
         lambda xs, w: np.maximum(xs[0], xs[1]), [np.ascontiguousarray(x0), np.ascontiguousarray(x1)], seed=17, tol=TOL_EXACT,
         note="max of [b, 3, 4] and [b, 1, 4]; distinct values (no ties)")


def main():
    keras.config.set_floatx("float64")
    groups = [activations, relu_layers, softmax_layers, cropping, scale_layers, layer_norm, conv_layers, existing_layer_options,
              broadcasting_merges, grouped_convs, rescaling_lists]
    chosen = sys.argv[1:] or [g.__name__ for g in groups]
    for g in groups:
        if g.__name__ in chosen:
            g()
    check(set(chosen) <= {g.__name__ for g in groups}, "unknown groups", chosen)
    total = 0
    for name, keys, rtol, err32 in WRITTEN:
        size = os.path.getsize(os.path.join(HERE, name + ".npz")) + os.path.getsize(os.path.join(HERE, name + ".json"))
        check(size < 200_000, name, "too large:", size)
        total += size
        print("%-28s rtol %-6g float32 %-8.2g %s" % (name, rtol, err32, " ".join(keys)))
    print("wrote %d cases (%d bytes) to %s" % (len(WRITTEN), total, HERE))


if __name__ == "__main__":
    main()
