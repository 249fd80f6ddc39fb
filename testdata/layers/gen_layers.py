#!/usr/bin/env python3
"""Golden reference cases for every tfgraph layer (docs/layers.md), in float64.

Regenerate from the repository root (Debian python3: numpy 1.24, torch 1.13, no network):

    /usr/bin/python3 testdata/layers/gen_layers.py

For each case it writes, next to this file:
  <case>.json  {"layer": <layer config exactly as the spec writes it>, "input_shape": [null, ...],
                "training": bool, "tolerance": {"forward_rtol": r, "note": why, "observed_float32": e},
                "note": semantic decisions (optional), "fd_skip_zero_inputs": bool (SignedSqrt only)}
  <case>.npz   x (input), one key per weight under its contract name (kernel, bias, gamma, beta,
               moving_mean, moving_variance, a, w, prototypes, scale, alpha, mean, variance), y (float64 forward),
               g (random upstream gradient, shape of y), dx and d_<weight> for each trainable weight:
               gradients of L = sum(g * y) by PyTorch float64 autograd, or by the closed form where
               autograd is wrong (MatrixSqrt svd/eigh: the contract's Lyapunov formula; SignedSqrt at
               x = 0: see SIGNED_SQRT_DX_AT_ZERO). batchnorm_training adds new_moving_mean and
               new_moving_variance; signed_sqrt adds dx_autograd_sign (what autograd through sign gives).
Inputs, weights and g are float32-representable (rounded through np.float32), so a float32 and a
float64 implementation see identical values. Everything else is float64.

Every stored gradient is checked here before anything is written (the script raises otherwise):
central finite differences of L along random directions (elementwise differences of y first, so that
huge outputs do not cancel), the Lyapunov formula against symmetric finite differences
A + h(E + E^T)/2 over a full symmetric basis to 1e-7, naive numpy loops for Conv2D / MaxPooling2D
padding, and, when testdata/reference/tfgraph_ref.py imports, that independent implementation.
Each case's forward tolerance is checked to be >= 5x the error of a float32 forward run here.
"""
import json
import os
import sys

import numpy as np
import torch

torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))

# SignedSqrt's stored dx at x == 0. y = sign(x)(sqrt(|x| + eps) - sqrt(eps)) is differentiable at 0 with
# derivative 1/(2 sqrt(eps)) (= 5000 for eps = 1e-8; checked below by finite differences). Autograd through
# torch.sign / torch.abs (and TF's Sign / Abs gradients) gives 0 there, because sign(0) = 0 and
# sign'(0) = 0. "exact" stores 1/(2 sqrt(eps)) (what tfgraph's SignedSqrt layer implements: the sign is a
# constant +-1, +1 at 0); "autograd" would store autograd's 0. The autograd value is stored as
# dx_autograd_sign either way.
SIGNED_SQRT_DX_AT_ZERO = "exact"

SEEDS = {name: 1000 + i for i, name in enumerate([
    "dense", "conv2d_same", "conv2d_valid_stride2", "maxpool_2x2", "maxpool_3x3_s2_same", "batchnorm", "flatten",
    "activation", "taylor_order3", "taylor_order0", "prototype_gaussian", "prototype_laplacian", "prototype_exp",
    "bilinear_pooling", "bilinear_pooling_rank_deficient", "matrix_sqrt", "matrix_sqrt_rank_deficient",
    "matrix_sqrt_floor", "matrix_sqrt_newton_schulz", "signed_sqrt", "l2_normalize", "softexp_single",
    "softexp_doubled", "softexp_cap", "zero_padding2d", "avgpool", "global_pool", "reshape", "rescaling",
    "image_preprocessing", "normalization", "random_flip", "random_crop"])}

TOL_ELEMENTWISE = (1e-5, "elementwise in float32: |got - ref| <= 1e-5 max(1, |ref|) (a few ulps of float32, u = 6e-8)")
TOL_EXACT = (0.0, "exact in float32: the outputs are copies of float32-representable inputs")
WRITTEN = []   # (case, keys, tol) for the summary
REF_WORST = {}  # case -> worst scaled difference from tfgraph_ref (forward and gradients)


def f32(a):
    return np.asarray(a, np.float64).astype(np.float32).astype(np.float64)


def t64(a, grad=False):
    return torch.tensor(np.asarray(a, np.float64), dtype=torch.float64, requires_grad=grad)


def scaled_err(ref, got):
    return float(np.max(np.abs(np.asarray(got, np.float64) - ref) / np.maximum(1.0, np.abs(ref)))) if np.size(ref) else 0.0


def check(cond, *msg):
    if not cond:
        raise AssertionError(" ".join(str(m) for m in msg))


def act(name, z):
    F = torch.nn.functional
    return {"linear": lambda t: t, "relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh,
            "softmax": lambda t: torch.softmax(t, -1), "gelu": lambda t: F.gelu(t),  # exact (erf) form
            "swish": F.silu, "elu": lambda t: F.elu(t, 1.0), "softplus": F.softplus,
            "leaky_relu": lambda t: F.leaky_relu(t, 0.2)}[name](z)  # Keras 3's slope


def tf_same_pad(size, k, s):
    """TF 'same': total = max((ceil(in/s) - 1) s + k - in, 0); before = total // 2, after the rest."""
    total = max((-(-size // s) - 1) * s + k - size, 0)
    return total // 2, total - total // 2


# ------------------------------------------------------------------------------------------ forwards
# Each takes (x, w) with w a dict name -> tensor, in any float dtype (float64 for the reference,
# float32 for the observed-error estimate), and returns y.

def dense_fwd(activation, use_bias):
    def f(x, w):
        z = x @ w["kernel"]
        return act(activation, z + w["bias"] if use_bias else z)
    return f


def conv_fwd(k, s, padding, activation):
    def f(x, w):
        xn = x.permute(0, 3, 1, 2)
        if padding == "same":
            ph, pw = tf_same_pad(xn.shape[2], k[0], s[0]), tf_same_pad(xn.shape[3], k[1], s[1])
            xn = torch.nn.functional.pad(xn, (pw[0], pw[1], ph[0], ph[1]))
        z = torch.nn.functional.conv2d(xn, w["kernel"].permute(3, 2, 0, 1), w["bias"], stride=tuple(s))
        return act(activation, z.permute(0, 2, 3, 1))
    return f


def pool_fwd(p, s, padding):
    def f(x, w):
        xn = x.permute(0, 3, 1, 2)
        if padding == "same":   # padded positions never win: -inf
            ph, pw = tf_same_pad(xn.shape[2], p[0], s[0]), tf_same_pad(xn.shape[3], p[1], s[1])
            xn = torch.nn.functional.pad(xn, (pw[0], pw[1], ph[0], ph[1]), value=-float("inf"))
        return torch.nn.functional.max_pool2d(xn, tuple(p), tuple(s)).permute(0, 2, 3, 1)
    return f


def bn_inference_fwd(eps):
    return lambda x, w: w["gamma"] * (x - w["moving_mean"]) / torch.sqrt(w["moving_variance"] + eps) + w["beta"]


def bn_training_fwd(eps):
    def f(x, w):
        m = x.mean(dim=(0, 1, 2))
        v = ((x - m) ** 2).mean(dim=(0, 1, 2))          # biased batch variance for the output
        return w["gamma"] * (x - m) / torch.sqrt(v + eps) + w["beta"]
    return f


def taylor_fwd(order):
    def f(x, w):
        powers = [torch.ones_like(x)]                   # x^0 = 1 for every x, 0 included; derivative 0
        for _ in range(order):
            powers.append(powers[-1] * x)               # x^p by products: no pow(0, -1) anywhere
        h = w["a"] * torch.stack(powers, -1)            # [batch, n, P+1]
        return (w["w"] * torch.cumsum(h, -1)).sum(-1)
    return f


def prototype_fwd(kind):
    def f(x, w):
        d = (x[:, None, :] - w["prototypes"][None]) / w["scale"]
        k = {"gaussian": lambda: torch.exp(-d ** 2), "laplacian": lambda: torch.exp(-d.abs()),
             "exp": lambda: torch.exp(d)}[kind]()
        return (w["kernel"] * k).sum(-1) + w["bias"]
    return f


def bilinear_fwd(eps):
    def f(x, w):
        X = x.reshape(x.shape[0], -1, x.shape[-1])
        return X.transpose(1, 2) @ X / X.shape[1] + eps * torch.eye(x.shape[-1], dtype=x.dtype)
    return f


def newton_schulz_fwd(iterations):
    def f(x, w):
        c = x.shape[-1]
        eye = torch.eye(c, dtype=x.dtype)
        norm = torch.sqrt((x ** 2).sum(dim=(1, 2), keepdim=True))
        y, z = x / norm, eye.expand_as(x)
        for _ in range(iterations):
            t = 0.5 * (3 * eye - z @ y)
            y, z = y @ t, t @ z
        return y * torch.sqrt(norm)
    return f


def signed_sqrt_autograd(eps):
    """The formula literally, sign by torch.sign: autograd gives 0 at x = 0."""
    return lambda x, w: torch.sign(x) * (torch.sqrt(torch.abs(x) + eps) - np.sqrt(eps))


def signed_sqrt_exact(eps):
    """Same values; the sign as a constant s = +-1 (+1 at 0) so that autograd gives 1/(2 sqrt(|x| + eps))."""
    def f(x, w):
        s = torch.where(x >= 0, torch.ones_like(x), -torch.ones_like(x)).detach()
        return s * (torch.sqrt(s * x + eps) - np.sqrt(eps))
    return f


def l2_fwd(eps):
    return lambda x, w: x / torch.sqrt(torch.clamp((x ** 2).sum(dim=tuple(range(1, x.dim())), keepdim=True), min=eps))


def softexp(alpha, x):
    """Contract formula per unit; every branch is evaluated on safe inputs so torch.where's gradient is finite."""
    one = torch.ones_like(alpha)
    small = alpha.abs() < 1e-3
    neg = (alpha < 0) & ~small
    pos = (alpha > 0) & ~small
    a_neg = torch.where(neg, alpha, -one)
    u = -a_neg * (x + a_neg)                                     # log argument is 1 + u = 1 - alpha (x + alpha)
    clamped = 1 + u < 1e-7                                       # log(max(1 - alpha(x + alpha), 1e-7)), exactly log(1e-7)
    log = torch.where(clamped, torch.full_like(u, np.log(1e-7)), torch.log1p(torch.where(clamped, torch.zeros_like(u), u)))
    f_neg = -log / a_neg
    a_pos = torch.where(pos, alpha, one)
    f_pos = torch.expm1(torch.clamp(a_pos * x, max=80.0)) / a_pos + a_pos
    f_small = x + alpha * (1 + x * x / 2)
    return torch.where(small, f_small, torch.where(neg, f_neg, f_pos))


def softexp_fwd(doubled):
    if doubled:
        return lambda x, w: torch.cat([softexp(w["alpha"][0], x), softexp(w["alpha"][1], x)], -1)
    return lambda x, w: softexp(w["alpha"], x)


# ------------------------------------------------------------------ MatrixSqrt (numpy, closed form)

def sqrt_eigh(a, min_eig):
    s, u = np.linalg.eigh(a)
    return u @ (np.sqrt(np.maximum(s, min_eig))[..., :, None] * np.swapaxes(u, -1, -2))


def lyapunov_grad(a, g, min_eig):
    """dL/dA = U[(U^T Gbar U) o K]U^T, Gbar = (G + G^T)/2, K_ij = 1/(sqrt(s_i) + sqrt(s_j)), s floored."""
    s, u = np.linalg.eigh(a)
    r = np.sqrt(np.maximum(s, min_eig))
    k = 1.0 / (r[..., :, None] + r[..., None, :])
    gbar = (g + np.swapaxes(g, -1, -2)) / 2
    ut = np.swapaxes(u, -1, -2)
    return u @ ((ut @ gbar @ u) * k) @ ut


def check_lyapunov_fd(name, a, g, min_eig, grad, directions=None, tol=1e-7):
    """Central differences with Richardson extrapolation along symmetric directions (E + E^T)/2:
    every (b, i <= j) basis direction unless `directions` is given. Raises on disagreement > tol."""
    def loss(t, e):
        return float((sqrt_eigh(a + t * e, min_eig) * g).sum())

    def fd(e, h):
        d1 = (loss(h, e) - loss(-h, e)) / (2 * h)
        d2 = (loss(h / 2, e) - loss(-h / 2, e)) / h
        return (4 * d2 - d1) / 3

    if directions is None:
        directions = []
        b, c, _ = a.shape
        for bi in range(b):
            for i in range(c):
                for j in range(i, c):
                    e = np.zeros_like(a)
                    e[bi, i, j] = 1.0
                    directions.append((e + np.swapaxes(e, -1, -2)) / 2)
    worst = 0.0
    for e in directions:
        an = float((grad * e).sum())
        num = fd(e, 2e-6)
        err = abs(num - an) / max(1.0, abs(an))
        worst = max(worst, err)
        check(err <= tol, name, ": Lyapunov gradient disagrees with symmetric finite differences:", num, "vs", an)
    return worst


# ---------------------------------------------------------------------------- independent checks

def naive_conv(x, kernel, bias, s, padding):
    n, hh, ww, c = x.shape
    kh, kw, _, f = kernel.shape
    if padding == "same":
        (pt, pb), (pl, pr) = tf_same_pad(hh, kh, s[0]), tf_same_pad(ww, kw, s[1])
    else:
        pt = pb = pl = pr = 0
    xp = np.zeros((n, hh + pt + pb, ww + pl + pr, c))
    xp[:, pt:pt + hh, pl:pl + ww] = x
    oh, ow = (xp.shape[1] - kh) // s[0] + 1, (xp.shape[2] - kw) // s[1] + 1
    if padding == "same":
        check(oh == -(-hh // s[0]) and ow == -(-ww // s[1]), "same output size")
    out = np.zeros((n, oh, ow, f))
    for i in range(oh):
        for j in range(ow):
            patch = xp[:, i * s[0]:i * s[0] + kh, j * s[1]:j * s[1] + kw, :]
            out[:, i, j, :] = np.einsum("nhwc,hwcf->nf", patch, kernel) + bias
    return out


def naive_pool(x, p, s, padding):
    n, hh, ww, c = x.shape
    if padding == "same":
        (pt, pb), (pl, pr) = tf_same_pad(hh, p[0], s[0]), tf_same_pad(ww, p[1], s[1])
    else:
        pt = pb = pl = pr = 0
    xp = np.full((n, hh + pt + pb, ww + pl + pr, c), -np.inf)
    xp[:, pt:pt + hh, pl:pl + ww] = x
    oh, ow = (xp.shape[1] - p[0]) // s[0] + 1, (xp.shape[2] - p[1]) // s[1] + 1
    out = np.zeros((n, oh, ow, c))
    for i in range(oh):
        for j in range(ow):
            out[:, i, j, :] = xp[:, i * s[0]:i * s[0] + p[0], j * s[1]:j * s[1] + p[1], :].max(axis=(1, 2))
    return out


try:   # an independent float64 implementation of the contract, if present: a cross-check only
    sys.path.insert(0, os.path.join(HERE, "..", "reference"))
    import tfgraph_ref as REF   # noqa: E402
except Exception as e:   # noqa: BLE001
    REF = None
    print("note: testdata/reference/tfgraph_ref.py not importable (%s): cross-check skipped" % e, file=sys.stderr)


def cross_check_ref(name, layer, x, weights, trainable, training, y, grads, g, skip_grads=()):
    if REF is None:
        return
    xt = t64(x, True)
    wt = {k: t64(v, k in trainable) for k, v in weights.items()}
    yr, _ = REF.layer_forward(layer, xt, wt, training)
    worst = scaled_err(y, yr.detach().numpy())
    check(worst <= 1e-10, name, ": tfgraph_ref forward differs by", worst)
    (yr * t64(g)).sum().backward()
    for k, want in grads.items():
        if k in skip_grads:
            continue
        src = xt if k == "dx" else wt[k[2:]]
        got = src.grad.numpy() if src.grad is not None else np.zeros_like(want)
        err = scaled_err(want, got)   # 1e-8: tfgraph_ref's SoftExponential uses log, not log1p (~2e-10 at alpha ~ -1e-3)
        check(err <= 1e-8, name, ": tfgraph_ref", k, "differs by", err)
        worst = max(worst, err)
    REF_WORST[name] = worst


# ------------------------------------------------------------------------------------------ writer

def fd_check(name, fwd, x, weights, g, grads, skip_x=None, h=1e-6, tol=1e-6, ndir=4, seed=0):
    """sum(g * (y(+h d) - y(-h d)) / 2h) against sum(d * stored gradient) along random directions d in x and
    in each trainable weight. Differences are taken elementwise before summing (no cancellation of large y)."""
    rng = np.random.default_rng(seed)

    def y_at(xv, wv):
        with torch.no_grad():
            return fwd(t64(xv), {k: t64(v) for k, v in wv.items()}).numpy()

    for key, grad in grads.items():
        base = x if key == "dx" else weights[key[2:]]
        for _ in range(ndir):
            d = rng.uniform(-1, 1, size=base.shape)
            if key == "dx" and skip_x is not None:
                d[skip_x] = 0.0

            def shifted(t):
                if key == "dx":
                    return y_at(x + t * d, weights)
                return y_at(x, {**weights, key[2:]: base + t * d})
            num = float((g * (shifted(h) - shifted(-h))).sum() / (2 * h))
            an = float((d * grad).sum())
            check(abs(num - an) <= tol * max(1.0, abs(an)), name, ":", key, "disagrees with finite differences:", num, "vs", an)


def observed_float32(fwd, x, weights):
    with torch.no_grad():
        y = fwd(torch.tensor(x, dtype=torch.float32), {k: torch.tensor(v, dtype=torch.float32) for k, v in weights.items()})
    return y.double().numpy()


def write(name, layer, x, weights, y, g, grads, tol, training=False, extra=None, note=None, y32=None, json_extra=None):
    out = {"x": x, **weights, "y": y, "g": g, **grads, **(extra or {})}
    for k, v in out.items():
        check(v.dtype == np.float64, name, k, "is not float64")
        check(np.all(np.isfinite(v)), name, ":", k, "has non-finite values")
    for k in ["x", "g", *weights]:
        check(np.array_equal(f32(out[k]), out[k]), name, ":", k, "is not float32-representable")
    check(np.shape(g) == np.shape(y), name, ": g and y differ in shape")
    rtol, why = tol
    tolerance = {"forward_rtol": rtol, "note": why}
    if y32 is not None:
        err = scaled_err(y, y32)
        tolerance["observed_float32"] = float("%.3g" % err)
        check(err * 5 <= rtol or (rtol == 0 and err == 0), name, ": tolerance", rtol, "is not 5x the observed float32 error", err)
    doc = {"layer": layer, "input_shape": [None, *x.shape[1:]], "training": training, "tolerance": tolerance}
    if note:
        doc["note"] = note
    doc.update(json_extra or {})
    np.savez(os.path.join(HERE, name + ".npz"), **out)
    with open(os.path.join(HERE, name + ".json"), "w") as fh:
        json.dump(doc, fh, indent=1)
        fh.write("\n")
    WRITTEN.append((name, list(out), rtol))


def case(name, layer, x, weights, fwd, trainable=None, tol=TOL_ELEMENTWISE, training=False, seed=None, note=None,
         fd=True, fd_h=1e-6, skip_x=None, extra=None, json_extra=None, ref_check=True):
    """Forward and autograd in torch float64, checks, then write."""
    trainable = list(weights) if trainable is None else trainable
    rng = np.random.default_rng(SEEDS.get(seed or name, 7) + 500)
    xt = t64(x, True)
    wt = {k: t64(v, k in trainable) for k, v in weights.items()}
    yt = fwd(xt, wt)
    y = yt.detach().numpy().copy()
    g = f32(rng.normal(size=y.shape))
    (yt * t64(g)).sum().backward()
    grads = {"dx": xt.grad.numpy().copy() if xt.grad is not None else np.zeros_like(x)}
    for k in trainable:
        grads["d_" + k] = wt[k].grad.numpy().copy() if wt[k].grad is not None else np.zeros_like(weights[k])
    if fd:
        fd_check(name, fwd, x, weights, g, grads, skip_x=skip_x, h=fd_h, seed=SEEDS.get(seed or name, 7))
    if ref_check:
        cross_check_ref(name, layer, x, weights, trainable, training, y, grads, g)
    write(name, layer, x, weights, y, g, grads, tol, training=training, extra=extra, note=note,
          y32=observed_float32(fwd, x, weights), json_extra=json_extra)
    return y, g, grads


def matmul_tol(n):
    return (1e-4, "float32 sums of %d products: worst case gamma_n sum|a_i b_i| ~ %d x 6e-8 x sum|terms| can pass 1e-5 "
                  "when sum|terms| > ~%d max(1,|y|); 1e-4 bounds it with margin (observed error recorded)" % (n, n, max(1, int(1e-5 / (n * 6e-8)))))


# --------------------------------------------------------------------------------------------- cases

def dense():
    rng = np.random.default_rng(SEEDS["dense"])
    x = f32(rng.normal(size=(4, 5)))
    for name, activation, use_bias in (("dense_relu", "relu", True), ("dense_linear_nobias", "linear", False),
                                       ("dense_softmax", "softmax", True)):
        w = {"kernel": f32(rng.normal(size=(5, 3)) * 0.5)}
        if use_bias:
            w["bias"] = f32(rng.normal(size=3) * 0.1)
        layer = {"type": "Dense", "name": "fc", "units": 3, "activation": activation}
        if not use_bias:
            layer["use_bias"] = False
        if activation == "relu":
            z = x @ w["kernel"] + w["bias"]
            check(np.min(np.abs(z)) > 1e-3, "dense_relu: a pre-activation sits on the ReLU kink")
        case(name, layer, x, w, dense_fwd(activation, use_bias), seed="dense", tol=matmul_tol(5))


def conv():
    for name, shape, k, s, pad, activation in (("conv2d_same", (2, 6, 6, 2), (3, 3), (1, 1), "same", "relu"),
                                               ("conv2d_valid_stride2", (2, 7, 6, 3), (3, 2), (2, 2), "valid", "linear")):
        rng = np.random.default_rng(SEEDS[name])
        x = f32(rng.normal(size=shape))
        w = {"kernel": f32(rng.normal(size=(k[0], k[1], shape[3], 4)) * 0.3), "bias": f32(rng.normal(size=4) * 0.1)}
        z = naive_conv(x, w["kernel"], w["bias"], s, pad)
        if activation == "relu":
            check(np.min(np.abs(z)) > 1e-4, name, ": a pre-activation sits on the ReLU kink")
        layer = {"type": "Conv2D", "name": "conv", "filters": 4, "kernel_size": list(k), "strides": list(s),
                 "padding": pad, "activation": activation}
        y, _, _ = case(name, layer, x, w, conv_fwd(k, s, pad, activation), tol=matmul_tol(k[0] * k[1] * shape[3]),
                       note="kernel [kh, kw, c_in, filters], NHWC; TF padding: total = max((ceil(in/s) - 1) s + k - in, 0), "
                            "before = total // 2")
        want = np.maximum(z, 0) if activation == "relu" else z
        check(scaled_err(want, y) < 1e-12, name, ": torch conv differs from the naive TF-padding loop")


def maxpool():
    for name, shape, p, s, pad in (("maxpool_2x2", (2, 6, 6, 3), (2, 2), (2, 2), "valid"),
                                   ("maxpool_3x3_s2_same", (2, 7, 7, 2), (3, 3), (2, 2), "same")):
        rng = np.random.default_rng(SEEDS[name])
        x = f32((rng.permutation(int(np.prod(shape))).reshape(shape) - np.prod(shape) / 2) / 8.0)   # distinct: no ties
        layer = {"type": "MaxPooling2D", "name": "pool", "pool_size": list(p), "strides": list(s), "padding": pad}
        y, _, _ = case(name, layer, x, {}, pool_fwd(p, s, pad), tol=TOL_EXACT,
                       note="no ties in x (distinct values 1/8 apart): each window's gradient goes to its unique max"
                            + ("; padded positions are -inf (never selected)" if pad == "same" else ""))
        check(np.array_equal(naive_pool(x, p, s, pad), y), name, ": torch pool differs from the naive loop")


def batchnorm():
    rng = np.random.default_rng(SEEDS["batchnorm"])
    x = f32(rng.normal(size=(3, 4, 4, 5)) * 2 + 1)
    w = {"gamma": f32(rng.uniform(0.5, 1.5, 5)), "beta": f32(rng.normal(size=5) * 0.1),
         "moving_mean": f32(rng.normal(size=5) * 0.5), "moving_variance": f32(rng.uniform(0.5, 2.0, 5))}
    eps, momentum = 1e-3, 0.99
    layer = {"type": "BatchNormalization", "name": "bn", "epsilon": eps, "momentum": momentum}
    case("batchnorm_inference", layer, x, w, bn_inference_fwd(eps), trainable=["gamma", "beta"], seed="batchnorm",
         note="inference: gamma (x - moving_mean) / sqrt(moving_variance + epsilon) + beta (Keras); "
              "moving_mean and moving_variance are not trainable (no d_ keys)")
    n = x.shape[0] * x.shape[1] * x.shape[2]
    mean = x.mean(axis=(0, 1, 2))
    var_unbiased = x.var(axis=(0, 1, 2), ddof=1)
    extra = {"new_moving_mean": momentum * w["moving_mean"] + (1 - momentum) * mean,
             "new_moving_variance": momentum * w["moving_variance"] + (1 - momentum) * var_unbiased}
    tol = (1e-4, "batch mean and variance are float32 reductions over %d values per channel: 1e-4 scaled relative "
                 "(observed error recorded)" % n)
    if REF is not None:
        _, upd = REF.layer_forward(layer, t64(x), {k: t64(v) for k, v in w.items()}, True)
        for k in ("moving_mean", "moving_variance"):
            check(scaled_err(extra["new_" + k], upd[k].numpy()) <= 1e-12, "batchnorm_training: tfgraph_ref new", k, "differs")
    case("batchnorm_training", layer, x, w, bn_training_fwd(eps), trainable=["gamma", "beta"], training=True,
         seed="batchnorm", tol=tol, extra=extra,
         note="training: y = gamma (x - m) / sqrt(v + epsilon) + beta with m, v the batch mean and the BIASED batch "
              "variance over N, H, W (gradients flow through m and v). new_moving_mean = momentum moving_mean + "
              "(1 - momentum) m; new_moving_variance = momentum moving_variance + (1 - momentum) v n/(n - 1), the "
              "UNBIASED batch variance (n = %d), as TF's FusedBatchNorm and Keras' fused path" % n)


def simple():
    rng = np.random.default_rng(SEEDS["flatten"])
    x = f32(rng.normal(size=(2, 3, 4, 2)))
    case("flatten", {"type": "Flatten", "name": "flat"}, x, {}, lambda x, w: x.reshape(x.shape[0], -1), tol=TOL_EXACT,
         note="row-major (C order) over H, W, C: y[b, (h W + w) C + c] = x[b, h, w, c]")
    rng = np.random.default_rng(SEEDS["activation"])
    x = f32(rng.normal(size=(4, 6)) * 2)
    check(np.min(np.abs(x)) > 1e-3, "activation input too close to the ReLU kink")
    for a in ("relu", "sigmoid", "tanh", "softmax", "gelu", "swish", "elu", "softplus", "leaky_relu"):
        case("activation_" + a, {"type": "Activation", "name": "act", "activation": a}, x, {}, lambda x, w, a=a: act(a, x),
             seed="activation", note="softmax over the last axis" if a == "softmax" else None)


def taylor():
    for name, order in (("taylor_order3", 3), ("taylor_order0", 0)):
        rng = np.random.default_rng(SEEDS[name])
        x = f32(rng.normal(size=(5, 4)))
        x[0, 0] = x[1, 2] = x[3, 1] = x[4, 3] = x[2, 0] = 0.0   # exact zeros, in every feature
        x[2, 1:] = f32(-np.abs(x[2, 1:]) - 0.25)                      # a row of negatives (plus other negatives at random)
        w = {"a": f32(rng.normal(size=(4, order + 1))), "w": f32(rng.normal(size=(4, order + 1)))}
        tol = (1e-5, "elementwise per feature: %d powers and a cumulative sum in float32, |x| < 3; 1e-5 scaled relative"
                     % (order + 1)) if order == 0 else matmul_tol(2 * (order + 1))
        case(name, {"type": "TaylorExpansion", "name": "taylor", "order": order}, x, w, taylor_fwd(order), tol=tol,
             note="h_ip = a_ip x_i^p with x^0 = 1 (also at x = 0, derivative 0 there); s_ip = cumsum_p h; "
                  "y_i = sum_p w_ip s_ip" + ("; order 0: y does not depend on x, dx = 0" if order == 0 else ""))


def prototype():
    for kind in ("gaussian", "laplacian", "exp"):
        name = "prototype_" + kind
        rng = np.random.default_rng(SEEDS[name])
        x = f32(rng.normal(size=(6, 5)))
        w = {"prototypes": f32(rng.normal(size=(4, 5))), "scale": f32(rng.uniform(0.8, 2.0, 5)),
             "kernel": f32(rng.normal(size=(4, 5))), "bias": f32(rng.normal(size=4) * 0.1)}
        if kind == "exp":   # |d| < ~1.5: exp(d) in [0.2, 5]
            x = f32(rng.uniform(-1, 1, size=(6, 5)))
            w["prototypes"] = f32(rng.uniform(-1, 1, size=(4, 5)))
            w["scale"] = f32(rng.uniform(1.5, 2.5, 5))
        gap = np.abs(x[:, None, :] - w["prototypes"][None])
        while gap.min() <= 2e-2:   # keep every |d| away from the laplacian kink: nudge the offending input
            b, _, i = np.unravel_index(np.argmin(gap), gap.shape)
            x[b, i] = f32(x[b, i] + 0.05)
            gap = np.abs(x[:, None, :] - w["prototypes"][None])
        case(name, {"type": "PrototypeKernel", "name": "proto", "units": 4, "kernel": kind}, x, w, prototype_fwd(kind),
             trainable=["kernel", "bias"], tol=matmul_tol(5),
             note="d = (x_i - prototypes_ki) / scale_i; f = exp(-d^2) | exp(-|d|) | exp(d); y_k = bias_k + sum_i kernel_ki f; "
                  "prototypes and scale are not trainable (no d_ keys)" + ("; min |x - prototype| = %.3g" % gap.min()))


def bilinear():
    for name, shape, eps in (("bilinear_pooling", (2, 3, 3, 4), 1e-5), ("bilinear_pooling_rank_deficient", (2, 1, 3, 5), 1e-2)):
        rng = np.random.default_rng(SEEDS[name])
        x = f32(rng.normal(size=shape))
        note = "X = x reshaped to [h w, C]; y = X^T X / (h w) + epsilon I"
        if "rank" in name:
            x = f32(np.maximum(x, 0))   # post-ReLU: some exact zeros; 3 positions < 5 channels: X^T X has rank <= 3
            check(np.sum(x == 0) >= 3, name, ": expected some zeros")
            note += "; post-ReLU input (exact zeros), 3 positions < 5 channels: rank-deficient before epsilon I"
        case(name, {"type": "BilinearPooling", "name": "bilinear", "epsilon": eps}, x, {}, bilinear_fwd(eps),
             tol=matmul_tol(shape[1] * shape[2]), note=note)


def spd(rng, b, c, cond):
    out = []
    for _ in range(b):
        q, _ = np.linalg.qr(rng.normal(size=(c, c)))
        out.append(q @ np.diag(np.logspace(0, -np.log10(cond), c)) @ q.T)
    a = np.array(out)
    return f32((a + np.swapaxes(a, -1, -2)) / 2)   # rounding is elementwise: stays exactly symmetric


def matrix_sqrt():
    def emit(name, method, a, min_eig, seed, tol, note, fd_directions="all"):
        check(np.array_equal(a, np.swapaxes(a, -1, -2)), name, ": A not symmetric")
        rng = np.random.default_rng(SEEDS[seed] + 500)
        g = f32(rng.normal(size=a.shape))               # not symmetric
        check(not np.allclose(g, np.swapaxes(g, -1, -2)), "g should not be symmetric")
        y = sqrt_eigh(a, min_eig)
        dx = lyapunov_grad(a, g, min_eig)
        if fd_directions == "all":
            worst = check_lyapunov_fd(name, a, g, min_eig, dx)
        else:
            worst = check_lyapunov_fd(name, a, g, min_eig, dx, directions=fd_directions)
        layer = {"type": "MatrixSqrt", "name": "sqrt", "method": method, "min_eigenvalue": min_eig}
        cross_check_ref(name, layer, a, {}, [], False, y, {"dx": dx}, g)
        s32, u32 = np.linalg.eigh(a.astype(np.float32))
        y32 = (u32 * np.sqrt(np.maximum(s32, np.float32(min_eig)))[..., None, :]) @ np.swapaxes(u32, -1, -2)
        s = np.linalg.eigvalsh(a)
        write(name, layer, a, {}, y, g, {"dx": dx}, tol, note=note + "; eigenvalues of A: %s; symmetric-FD check worst "
              "scaled error %.1e" % (", ".join("[" + " ".join("%.3g" % v for v in row) + "]" for row in s), worst), y32=y32)

    a = spd(np.random.default_rng(SEEDS["matrix_sqrt"]), 3, 6, 1e3)
    tol = (1e-4, "float32 eigendecomposition at condition 1e3: |dy| ~ u ||A|| / (2 sqrt(s_min)) ~ 1e-6; 1e-4 scaled relative")
    grad_note = ("y = U diag(sqrt(max(s, min_eigenvalue))) U^T (float64 eigh); dx = U[(U^T Gbar U) o K]U^T, "
                 "Gbar = (g + g^T)/2, K_ij = 1/(sqrt(s_i) + sqrt(s_j)): symmetric; checked against symmetric finite "
                 "differences A + h(E + E^T)/2 over every (b, i <= j) to 1e-7")
    emit("matrix_sqrt_svd", "svd", a, 1e-10, "matrix_sqrt", tol, grad_note)
    emit("matrix_sqrt_eigh", "eigh", a, 1e-10, "matrix_sqrt", tol, grad_note)

    rng = np.random.default_rng(SEEDS["matrix_sqrt_rank_deficient"])
    X = rng.normal(size=(2, 3, 5))
    a = f32(np.swapaxes(X, 1, 2) @ X / 3 + 1e-2 * np.eye(5))
    a = f32((a + np.swapaxes(a, 1, 2)) / 2)
    emit("matrix_sqrt_rank_deficient", "svd", a, 1e-10, "matrix_sqrt_rank_deficient",
         (1e-4, "float32 eigendecomposition, smallest eigenvalue 1e-2 (repeated): 1e-4 scaled relative"),
         grad_note + "; A = X^T X / 3 + 1e-2 I, X [3, 5]: eigenvalue 1e-2 twice (up to float32 rounding of A)")

    rng = np.random.default_rng(SEEDS["matrix_sqrt_floor"])
    q, _ = np.linalg.qr(rng.normal(size=(4, 4)))
    s_true = np.array([2.0, 1.0, 0.5, 1e-6])
    a = f32((q @ np.diag(s_true) @ q.T)[None])
    a = f32((a + np.swapaxes(a, 1, 2)) / 2)
    s, u = np.linalg.eigh(a)
    check(s[0, 0] < 1e-3 and s[0, 1] > 0.1, "matrix_sqrt_floor: expected exactly one eigenvalue below 1e-3", s)
    # The floored gradient is the contract's K with floored s, not the forward's derivative, except in directions
    # inside the unfloored eigenspace, where the two agree: finite differences there only.
    uu = u[0][:, 1:]
    dirs = []
    for k in range(6):
        m = np.random.default_rng(k).normal(size=(3, 3))
        dirs.append((uu @ ((m + m.T) / 2) @ uu.T)[None])
    emit("matrix_sqrt_floor", "svd", a, 1e-3, "matrix_sqrt_floor",
         (1e-4, "float32 eigendecomposition; the floored eigenvalue (1e-6 +- float32 noise) is raised to 1e-3 and its "
                "eigenvector has gap 0.5: 1e-4 scaled relative"),
         "min_eigenvalue 1e-3, one eigenvalue ~1e-6 below it: y uses max(s, 1e-3), and K uses the floored s too "
         "(K_ii = 1/(2 sqrt(1e-3)) for the floored one), which is the contract's gradient, not the derivative of the "
         "forward (that is 0 along the floored eigenvector): finite differences agree only inside the unfloored "
         "eigenspace (checked there)", fd_directions=dirs)

    rng = np.random.default_rng(SEEDS["matrix_sqrt_newton_schulz"])
    a = spd(rng, 3, 6, 1e2)
    case("matrix_sqrt_newton_schulz", {"type": "MatrixSqrt", "name": "sqrt", "method": "newton_schulz", "iterations": 5},
         a, {}, newton_schulz_fwd(5), tol=matmul_tol(6 * 3 * 5),
         note="Y0 = A/||A||_F, Z0 = I; 5 times: T = (3I - Z Y)/2, Y = Y T, Z = T Z; y = Y sqrt(||A||_F): the iterated value, "
              "not the exact root (condition 1e2, not converged); dx by torch float64 autograd through the iteration, "
              "g not symmetrised (dx is not symmetric)")


def signed_l2():
    rng = np.random.default_rng(SEEDS["signed_sqrt"])
    eps = 1e-8
    x = f32(rng.normal(size=(4, 6)))
    x[0, 0] = x[2, 3] = x[3, 5] = 0.0
    zero = x == 0
    layer = {"type": "SignedSqrt", "name": "ss", "epsilon": eps}
    # what autograd through torch.sign gives
    xt = t64(x, True)
    yt = signed_sqrt_autograd(eps)(xt, {})
    g = f32(np.random.default_rng(SEEDS["signed_sqrt"] + 500).normal(size=x.shape))
    (yt * t64(g)).sum().backward()
    dx_sign = xt.grad.numpy().copy()
    check(np.all(dx_sign[zero] == 0), "autograd through torch.sign was expected to give 0 at x = 0")
    # the true derivative at 0 by finite differences with h << eps
    # f(h)/h = 1/(2 sqrt(eps)) - |h|/(8 eps^1.5) + O(h^2) (f'' jumps at 0): extrapolate, 2 D(h/2) - D(h)
    def dz(h):
        return (signed_sqrt_exact(eps)(t64([h]), {}) - signed_sqrt_exact(eps)(t64([-h]), {})).item() / (2 * h)
    fz = 2 * dz(5e-13) - dz(1e-12)
    check(abs(fz - 0.5 / np.sqrt(eps)) <= 1e-6 * 0.5 / np.sqrt(eps), "SignedSqrt derivative at 0:", fz)
    fwd = signed_sqrt_exact(eps) if SIGNED_SQRT_DX_AT_ZERO == "exact" else signed_sqrt_autograd(eps)
    with torch.no_grad():
        check(np.array_equal(fwd(t64(x), {}).numpy(), signed_sqrt_autograd(eps)(t64(x), {}).numpy()), "SignedSqrt forms differ")
    at0 = "1/(2 sqrt(epsilon)) = %g" % (0.5 / np.sqrt(eps)) if SIGNED_SQRT_DX_AT_ZERO == "exact" else "0"
    case("signed_sqrt", layer, x, {}, fwd, seed="signed_sqrt", skip_x=zero, extra={"dx_autograd_sign": dx_sign},
         ref_check=SIGNED_SQRT_DX_AT_ZERO == "exact", json_extra={"fd_skip_zero_inputs": True},
         note="y = sign(x)(sqrt(|x| + epsilon) - sqrt(epsilon)), x has exact zeros (y = 0 there). dx at x = 0 is "
              "g %s, the derivative of y (y is differentiable at 0; extrapolated finite differences with h = 1e-12 agree to 1e-6). "
              "Autograd through sign/abs (torch.sign, TF Sign/Abs) gives 0 there: stored as dx_autograd_sign "
              "(equal to dx elsewhere). Finite differences with h >= epsilon are meaningless at 0 (curvature "
              "~epsilon^-3/2): fd_skip_zero_inputs" % at0)
    rng = np.random.default_rng(SEEDS["l2_normalize"])
    x = f32(rng.normal(size=(3, 2, 4)))
    layer = {"type": "L2Normalize", "name": "l2", "epsilon": 1e-12}
    case("l2_normalize", layer, x, {}, l2_fwd(1e-12), seed="l2_normalize",
         note="y = x / sqrt(max(sum over all non-batch axes of x^2, epsilon))")
    x[1] = 0.0
    case("l2_normalize_zero", layer, x, {}, l2_fwd(1e-12), seed="l2_normalize", fd_h=1e-8,
         note="example 1 is all zeros: sum x^2 = 0 < epsilon, y = 0 and dx = g / sqrt(epsilon) = 1e6 g there "
              "(the max passes no gradient to the sum below epsilon); finite everywhere")


def softexp_cases():
    rng = np.random.default_rng(SEEDS["softexp_single"])
    # alpha exactly 0, just inside and just outside |alpha| < 1e-3 on both signs, and one clear value per branch
    alpha = f32([-0.5, -1e-3 - 1e-5, -1e-3 + 1e-5, 0.0, 1e-3 - 1e-5, 1e-3 + 1e-5, 0.7])
    check(np.sum(np.abs(alpha) < 1e-3) == 3 and np.sum(alpha <= -1e-3) == 2 and np.sum(alpha >= 1e-3) == 2, alpha)
    x = f32(rng.uniform(-1.2, 2.0, size=(7, 7)))
    x[0, 0] = -5.0        # alpha = -0.5: log argument 1 - alpha (x + alpha) = 1 + 0.5 (-5.5) = -1.75 < 1e-7: clamped
    x[2, 3] = 0.0
    arg = 1 - alpha * (x + alpha)
    neg = alpha <= -1e-3
    check(np.all((arg[:, neg] < -0.5) | (arg[:, neg] > 0.05)), "softexp: a log argument too close to the clamp")
    check(np.sum(arg[:, neg] < 1e-7) == 1, "softexp: expected exactly one clamped log argument")
    layer = {"type": "SoftExponential", "name": "se", "doubled": False}
    branch_note = ("alpha < 0, |alpha| >= 1e-3: -log(max(1 - alpha(x + alpha), 1e-7))/alpha (= -log1p(-alpha(x + alpha))/alpha "
                   "unclamped); alpha > 0, >= 1e-3: expm1(min(alpha x, 80))/alpha + alpha; |alpha| < 1e-3: "
                   "x + alpha(1 + x^2/2) (df/dalpha = 1 + x^2/2 at alpha = 0). Where clamped or capped, d/dx = 0 and "
                   "d/dalpha differentiates the constant-argument form")
    case("softexp_single", layer, x, {"alpha": alpha}, softexp_fwd(False),
         tol=(1e-5, "expm1/log1p elementwise, |alpha x| <= 1.4: 1e-5 scaled relative"),
         note="alpha = %s: 0 exactly, +-1e-3 +- 1e-5 on both signs; x[0, 0] = -5 with alpha = -0.5 puts the log argument "
              "at -1.75, clamped to 1e-7. The exp cap (alpha x > 80) is in softexp_cap, not here: y ~ e^80 next to O(1) "
              "values makes finite differences of L = sum(g y) in float64 meaningless. " % list(alpha) + branch_note)

    x = f32([[200.0, 1000.0, 1.0], [114.0, -3.0, 0.5]])
    alpha = f32([0.7, 0.1, 0.7])
    case("softexp_cap", layer, x, {"alpha": alpha}, softexp_fwd(False),
         tol=(1e-4, "exp of float32 alpha x near 80: the rounding of the argument (half ulp 3.8e-6) is a relative error "
                    "of up to ~4e-6 in y: 1e-4 scaled relative"),
         note="alpha x = 140 and 100: capped at 80, y = expm1(80)/alpha + alpha ~ 1e35, d/dx = 0, d/dalpha = "
              "-expm1(80)/alpha^2 + 1; alpha x = 0.7 x 114 = 79.8 is just below the cap (also in float32). The stored "
              "gradients are checked here by elementwise finite differences; a finite difference of the scalar L "
              "cancels catastrophically next to 1e35. " + branch_note)

    rng = np.random.default_rng(SEEDS["softexp_doubled"])
    alpha2 = np.stack([rng.uniform(-0.4, -0.05, 6), rng.uniform(0.05, 0.4, 6)])
    alpha2[0, 2] = 0.0
    alpha2[1, 4] = 5e-4
    alpha2 = f32(alpha2)
    x = f32(rng.uniform(-1.5, 2.0, size=(4, 6)))
    check(np.all(1 - alpha2[0] * (x + alpha2[0]) > 0.05), "softexp_doubled: log argument too small")
    case("softexp_doubled", {"type": "SoftExponential", "name": "se", "doubled": True}, x, {"alpha": alpha2},
         softexp_fwd(True), tol=(1e-5, "expm1/log1p elementwise: 1e-5 scaled relative"),
         note="alpha [2, n]; y = concat(f(alpha[0], x), f(alpha[1], x)) on the last axis -> [batch, 2n]; "
              "alpha[0, 2] = 0 and alpha[1, 4] = 5e-4 use the series branch")


# ------------------------------------------------------------- single-input shape and scaling layers

def naive_avgpool(x, p, s, padding):
    """TF AvgPool: the mean of the in-bounds values of each window (padded positions are not counted)."""
    n, hh, ww, c = x.shape
    if padding == "same":
        (pt, _), (pl, _) = tf_same_pad(hh, p[0], s[0]), tf_same_pad(ww, p[1], s[1])
        oh, ow = -(-hh // s[0]), -(-ww // s[1])
    else:
        pt = pl = 0
        oh, ow = (hh - p[0]) // s[0] + 1, (ww - p[1]) // s[1] + 1
    out = np.zeros((n, oh, ow, c))
    for i in range(oh):
        for j in range(ow):
            h0, w0 = i * s[0] - pt, j * s[1] - pl
            win = x[:, max(h0, 0):min(h0 + p[0], hh), max(w0, 0):min(w0 + p[1], ww), :]
            out[:, i, j, :] = win.mean(axis=(1, 2))
    return out


def avgpool_fwd(p, s, padding):
    """Zero padding (TF's split) and window sums divided by window sums of an in-bounds mask."""
    def f(x, w):
        xn = x.permute(0, 3, 1, 2)
        ones = torch.ones_like(xn[:, :1])
        if padding == "same":
            ph, pw = tf_same_pad(xn.shape[2], p[0], s[0]), tf_same_pad(xn.shape[3], p[1], s[1])
            xn = torch.nn.functional.pad(xn, (pw[0], pw[1], ph[0], ph[1]))
            ones = torch.nn.functional.pad(ones, (pw[0], pw[1], ph[0], ph[1]))
        total = torch.nn.functional.avg_pool2d(xn, tuple(p), tuple(s)) * (p[0] * p[1])
        count = torch.nn.functional.avg_pool2d(ones, tuple(p), tuple(s)) * (p[0] * p[1])
        return (total / count).permute(0, 2, 3, 1)
    return f


def distinct(rng, shape, step=8.0):
    """float32-exact values 1/step apart, no ties (max pooling picks one element)."""
    return f32((rng.permutation(int(np.prod(shape))).reshape(shape) - np.prod(shape) / 2) / step)


def shape_layers():
    rng = np.random.default_rng(SEEDS["zero_padding2d"])
    x = f32(rng.normal(size=(2, 4, 5, 3)))
    for name, pad, full in (("zero_padding2d", [[1, 2], [0, 3]], ((1, 2), (0, 3))), ("zero_padding2d_hw", [2, 1], ((2, 2), (1, 1)))):
        (t, b), (l, r) = full
        case(name, {"type": "ZeroPadding2D", "name": "pad", "padding": pad}, x, {},
             lambda x, w, t=t, b=b, l=l, r=r: torch.nn.functional.pad(x, (0, 0, l, r, t, b)), seed="zero_padding2d", tol=TOL_EXACT,
             note="NHWC zeros: y[b, top + i, left + j, c] = x[b, i, j, c]; padding %s = [[%d, %d], [%d, %d]] (top, bottom, left, right)"
                  % (pad, t, b, l, r))

    for name, shape, p, s, pad in (("avgpool_2x2", (2, 6, 6, 3), (2, 2), (2, 2), "valid"),
                                   ("avgpool_3x3_s2_same", (2, 7, 7, 2), (3, 3), (2, 2), "same"),
                                   ("avgpool_4x3_s1x2_same", (2, 5, 6, 2), (4, 3), (1, 2), "same")):
        rng = np.random.default_rng(SEEDS["avgpool"] * 10 + len(name))
        x = f32(rng.normal(size=shape))
        layer = {"type": "AveragePooling2D", "name": "pool", "pool_size": list(p), "strides": list(s), "padding": pad}
        y, _, _ = case(name, layer, x, {}, avgpool_fwd(p, s, pad), seed="avgpool",
                       tol=(1e-5, "means of at most %d float32 values: a few ulps, 1e-5 scaled relative" % (p[0] * p[1])),
                       note="TF AvgPool: each output is the mean of the in-bounds values of its window"
                            + ("; TF 'same' split: total = max((ceil(in/s) - 1) s + k - in, 0), before = total // 2, "
                               "padded positions are not counted" if pad == "same" else ""))
        check(scaled_err(naive_avgpool(x, p, s, pad), y) < 1e-12, name, ": torch avg pool differs from the naive loop")

    rng = np.random.default_rng(SEEDS["global_pool"])
    x = f32(rng.normal(size=(3, 4, 5, 6)))
    case("global_avgpool", {"type": "GlobalAveragePooling2D", "name": "gap"}, x, {}, lambda x, w: x.mean(dim=(1, 2)),
         seed="global_pool", tol=(1e-5, "means of 20 float32 values: 1e-5 scaled relative"),
         note="[batch, H, W, C] -> [batch, C]: mean over H and W")
    x = distinct(rng, (3, 4, 5, 6))
    case("global_maxpool", {"type": "GlobalMaxPooling2D", "name": "gmp"}, x, {}, lambda x, w: x.amax(dim=(1, 2)),
         seed="global_pool", tol=TOL_EXACT,
         note="[batch, H, W, C] -> [batch, C]: max over H and W; no ties in x (distinct values 1/8 apart)")

    rng = np.random.default_rng(SEEDS["reshape"])
    x = f32(rng.normal(size=(2, 3, 4, 2)))
    case("reshape_infer", {"type": "Reshape", "name": "rs", "target_shape": [4, -1]}, x, {},
         lambda x, w: x.reshape(x.shape[0], 4, -1), seed="reshape", tol=TOL_EXACT,
         note="row-major (C order): [2, 3, 4, 2] -> [2, 4, 6], -1 inferred as 24 / 4")
    x = f32(rng.normal(size=(2, 24)))
    case("reshape_3d", {"type": "Reshape", "name": "rs", "target_shape": [3, 2, 4]}, x, {},
         lambda x, w: x.reshape(x.shape[0], 3, 2, 4), seed="reshape", tol=TOL_EXACT, note="row-major: [2, 24] -> [2, 3, 2, 4]")

    rng = np.random.default_rng(SEEDS["rescaling"])
    x = f32(rng.uniform(0, 255, size=(3, 4, 2)))
    scale, offset = 1 / 127.5, -1.0
    case("rescaling", {"type": "Rescaling", "name": "rescale", "scale": scale, "offset": offset}, x, {},
         lambda x, w: x * scale + offset, seed="rescaling",
         tol=(1e-5, "one multiply-add in float32 with the scale rounded to float32: 1e-5 scaled relative"),
         note="y = x scale + offset with scale = 1/127.5, offset = -1 (pixels in [0, 255] to [-1, 1])")

    rng = np.random.default_rng(SEEDS["image_preprocessing"])
    x = f32(rng.uniform(0, 1, size=(2, 3, 4, 3)))
    caffe_mean = np.array([103.939, 116.779, 123.68])
    torch_mean, torch_std = np.array([0.485, 0.456, 0.406]), np.array([0.229, 0.224, 0.225])
    modes = {"caffe": (lambda x, w: torch.flip(x, [-1]) * 255 - torch.tensor(caffe_mean, dtype=x.dtype),
                       "255 x, RGB -> BGR, minus [103.939, 116.779, 123.68] (B, G, R)"),
             "torch": (lambda x, w: (x - torch.tensor(torch_mean, dtype=x.dtype)) / torch.tensor(torch_std, dtype=x.dtype),
                       "(x - [0.485, 0.456, 0.406]) / [0.229, 0.224, 0.225]"),
             "tf": (lambda x, w: 2 * x - 1, "2 x - 1")}
    for mode, (fwd, formula) in modes.items():
        case("image_preprocessing_" + mode, {"type": "ImagePreprocessing", "name": "prep", "mode": mode}, x, {}, fwd,
             seed="image_preprocessing", tol=(1e-5, "elementwise in float32, constants rounded to float32: 1e-5 scaled relative"),
             note="Keras imagenet_utils.preprocess_input mode %s on RGB input in [0, 1]: %s" % (mode, formula))


def preprocessing_layers():
    rng = np.random.default_rng(SEEDS["normalization"])
    x = f32(rng.normal(size=(3, 2, 4)) * 3 + 1)
    w = {"mean": f32(rng.normal(size=4)), "variance": f32(np.array([0.5, 2.25, 0.0, 1e-3]))}
    case("normalization", {"type": "Normalization", "name": "norm"}, x, w,
         lambda x, w: (x - w["mean"]) / torch.clamp(torch.sqrt(w["variance"]), min=1e-7), trainable=[],
         tol=(1e-5, "a subtract, a sqrt and a divide in float32: 1e-5 scaled relative"),
         note="y = (x - mean) / max(sqrt(variance), 1e-7) over the last axis; channel 2 has variance 0 (the 1e-7 floor)")

    rng = np.random.default_rng(SEEDS["random_flip"])
    x = f32(rng.normal(size=(2, 3, 4, 2)))
    case("random_flip", {"type": "RandomFlip", "name": "flip", "mode": "horizontal_and_vertical", "seed": 3}, x, {},
         lambda x, w: x * 1, tol=TOL_EXACT, note="inference: identity (flips only in training)")

    rng = np.random.default_rng(SEEDS["random_crop"])
    for name, shape, hw in (("random_crop", (2, 5, 6, 2), (3, 2)), ("random_crop_odd", (2, 6, 7, 1), (3, 4))):
        x = f32(rng.normal(size=shape))
        top, left = (shape[1] - hw[0]) // 2, (shape[2] - hw[1]) // 2
        case(name, {"type": "RandomCrop", "name": "crop", "height": hw[0], "width": hw[1], "seed": 0}, x, {},
             lambda x, w, top=top, left=left, hw=hw: x[:, top:top + hw[0], left:left + hw[1], :], seed="random_crop",
             tol=TOL_EXACT, note="inference: the central window, offsets (H - height) // 2 = %d and (W - width) // 2 = %d"
             % (top, left))


def main():
    dense(); conv(); maxpool(); batchnorm(); simple(); taylor(); prototype(); bilinear(); matrix_sqrt(); signed_l2()
    softexp_cases(); shape_layers(); preprocessing_layers()
    total = 0
    for name, keys, rtol in WRITTEN:
        with np.load(os.path.join(HERE, name + ".npz")) as z:
            check(sorted(z.files) == sorted(keys), name, "keys")
        size = os.path.getsize(os.path.join(HERE, name + ".npz")) + os.path.getsize(os.path.join(HERE, name + ".json"))
        check(size < 200_000, name, "too large:", size)
        total += size
        ref = "ref %.0e" % REF_WORST[name] if name in REF_WORST else "ref -"
        print("%-32s rtol %-6g %-10s %s" % (name, rtol, ref, " ".join(keys)))
    check(total < 3_000_000, "total too large:", total)
    print("wrote %d cases (%d bytes) to %s" % (len(WRITTEN), total, HERE))


if __name__ == "__main__":
    main()
