#!/usr/bin/env python3
"""Golden cases for every tfgraph layer: inputs, weights, float64 outputs and gradients.

Regenerate from the repository root with the Debian packages python3-numpy and python3-torch:
    /usr/bin/python3 testdata/layers/gen_layers.py
For each case it writes <case>.json ({"layer": config as in the spec, "input_shape", "training",
"tolerance"}) and <case>.npz with x, the layer's weights by contract name, y (float64 forward),
g (a random upstream gradient) and dx, d_<weight>: gradients of L = sum(g * y) by PyTorch float64
autograd, or by the closed form where autograd is wrong (MatrixSqrt: Lyapunov formula, checked
here against symmetric finite differences). Inputs and weights are float32-representable.
"""
import json, os
import numpy as np
import torch

torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))


def f32(a):
    return np.asarray(a, np.float64).astype(np.float32).astype(np.float64)


def save(name, layer, input_shape, x, weights, forward, training=False, tol=1e-5, note="elementwise: 1e-5 scaled relative",
         trainable=None, extra=None, grads=None, seed=0, fd_skip_zero_inputs=False):
    """forward(x_t, **weights_t) -> y_t in torch float64; gradients by autograd unless given."""
    rng = np.random.default_rng(1000 + seed)
    trainable = list(weights) if trainable is None else trainable
    xt = torch.tensor(x, requires_grad=True)
    wt = {k: torch.tensor(v, requires_grad=k in trainable) for k, v in weights.items()}
    y = forward(xt, **wt)
    g = f32(rng.normal(size=tuple(y.shape)))
    out = {"x": x, **weights, "y": y.detach().numpy(), "g": g}
    if grads is None:
        (y * torch.tensor(g)).sum().backward()
        out["dx"] = xt.grad.numpy() if xt.grad is not None else np.zeros_like(x)   # order 0: y does not depend on x
        for k in trainable:
            out["d_" + k] = wt[k].grad.numpy() if wt[k].grad is not None else np.zeros_like(weights[k])
    else:
        out.update(grads(x, weights, g))
    if extra:
        out.update(extra)
    for k, v in out.items():
        assert np.all(np.isfinite(v)), (name, k)
    np.savez(os.path.join(HERE, name + ".npz"), **out)
    with open(os.path.join(HERE, name + ".json"), "w") as f:
        json.dump({"layer": layer, "input_shape": input_shape, "training": training,
                   "tolerance": {"forward_rtol": tol, "note": note}, "fd_skip_zero_inputs": fd_skip_zero_inputs}, f, indent=1)


def act(name, z):
    return {"linear": lambda t: t, "relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh,
            "softmax": lambda t: torch.softmax(t, -1)}[name](z)


def dense(seed=1):
    rng = np.random.default_rng(seed)
    x = f32(rng.normal(size=(4, 5)))
    for name, a, bias in (("dense_relu", "relu", True), ("dense_linear_nobias", "linear", False), ("dense_softmax", "softmax", True)):
        w = {"kernel": f32(rng.normal(size=(5, 3)) * 0.5)}
        if bias:
            w["bias"] = f32(rng.normal(size=3) * 0.1)
        save(name, {"type": "Dense", "name": "fc", "units": 3, "activation": a, "use_bias": bias}, [None, 5], x, w,
             lambda x, kernel, bias=None, a=a: act(a, x @ kernel + (bias if bias is not None else 0)),
             tol=1e-5, note="matmul of 5 terms in float32: 1e-5 scaled relative")


def conv():
    rng = np.random.default_rng(2)
    for name, x_shape, k, s, pad, a in (("conv2d_same", (2, 6, 6, 2), (3, 3), (1, 1), "same", "relu"),
                                      ("conv2d_valid_stride2", (2, 7, 6, 3), (3, 2), (2, 2), "valid", "linear")):
        x = f32(rng.normal(size=x_shape))
        w = {"kernel": f32(rng.normal(size=(k[0], k[1], x_shape[3], 4)) * 0.3), "bias": f32(rng.normal(size=4) * 0.1)}

        def fwd(x, kernel, bias, k=k, s=s, pad=pad, a=a):
            xn = x.permute(0, 3, 1, 2)
            if pad == "same":
                ph = max((-(-xn.shape[2] // s[0]) - 1) * s[0] + k[0] - xn.shape[2], 0)
                pw = max((-(-xn.shape[3] // s[1]) - 1) * s[1] + k[1] - xn.shape[3], 0)
                xn = torch.nn.functional.pad(xn, (pw // 2, pw - pw // 2, ph // 2, ph - ph // 2))
            y = torch.nn.functional.conv2d(xn, kernel.permute(3, 2, 0, 1), bias, stride=s)
            return act(a, y.permute(0, 2, 3, 1))
        save(name, {"type": "Conv2D", "name": "conv", "filters": 4, "kernel_size": list(k), "strides": list(s),
                    "padding": pad, "activation": a}, [None, *x_shape[1:]], x, w, fwd,
             tol=1e-5, note="sums of <= 18 products in float32: 1e-5 scaled relative")


def maxpool():
    rng = np.random.default_rng(3)
    for name, shape, p, s, pad in (("maxpool_2x2", (2, 6, 6, 3), (2, 2), (2, 2), "valid"),
                                   ("maxpool_3x3_s2_same", (2, 7, 7, 2), (3, 3), (2, 2), "same")):
        x = f32(rng.permutation(np.prod(shape)).reshape(shape) / 10.0 - 5)   # no ties

        def fwd(x, p=p, s=s, pad=pad):
            xn = x.permute(0, 3, 1, 2)
            if pad == "same":
                ph = max((-(-xn.shape[2] // s[0]) - 1) * s[0] + p[0] - xn.shape[2], 0)
                pw = max((-(-xn.shape[3] // s[1]) - 1) * s[1] + p[1] - xn.shape[3], 0)
                xn = torch.nn.functional.pad(xn, (pw // 2, pw - pw // 2, ph // 2, ph - ph // 2), value=-float("inf"))
            return torch.nn.functional.max_pool2d(xn, p, s).permute(0, 2, 3, 1)
        save(name, {"type": "MaxPooling2D", "name": "pool", "pool_size": list(p), "strides": list(s), "padding": pad},
             [None, *shape[1:]], x, {}, fwd, tol=0, note="max is exact")


def batchnorm():
    rng = np.random.default_rng(4)
    x = f32(rng.normal(size=(3, 4, 4, 5)) * 2 + 1)
    w = {"gamma": f32(rng.uniform(0.5, 1.5, 5)), "beta": f32(rng.normal(size=5) * 0.1),
         "moving_mean": f32(rng.normal(size=5)), "moving_variance": f32(rng.uniform(0.5, 2, 5))}
    layer = {"type": "BatchNormalization", "name": "bn", "epsilon": 1e-3, "momentum": 0.99}
    save("batchnorm_inference", layer, [None, 4, 4, 5], x, w,
         lambda x, gamma, beta, moving_mean, moving_variance: gamma * (x - moving_mean) / torch.sqrt(moving_variance + 1e-3) + beta,
         trainable=["gamma", "beta"], note="elementwise: 1e-5 scaled relative")
    mean = x.mean(axis=(0, 1, 2))
    var_unbiased = x.var(axis=(0, 1, 2), ddof=1)
    extra = {"new_moving_mean": 0.99 * w["moving_mean"] + 0.01 * mean,
             "new_moving_variance": 0.99 * w["moving_variance"] + 0.01 * var_unbiased}

    def train_fwd(x, gamma, beta, moving_mean, moving_variance):
        m = x.mean(dim=(0, 1, 2))
        v = ((x - m) ** 2).mean(dim=(0, 1, 2))
        return gamma * (x - m) / torch.sqrt(v + 1e-3) + beta
    save("batchnorm_training", layer, [None, 4, 4, 5], x, w, train_fwd, training=True, trainable=["gamma", "beta"],
         extra=extra, tol=2e-5, note="batch mean/variance over 48 values in float32: 2e-5 scaled relative; "
         "moving variance uses the unbiased (n/(n-1)) batch variance, as TF's fused kernel and Keras")


def simple():
    rng = np.random.default_rng(5)
    x = f32(rng.normal(size=(2, 3, 4, 2)))
    save("flatten", {"type": "Flatten", "name": "flat"}, [None, 3, 4, 2], x, {}, lambda x: x.reshape(2, -1), tol=0, note="exact")
    x = f32(rng.normal(size=(4, 6)) * 2)
    for a in ("relu", "sigmoid", "tanh", "softmax"):
        save("activation_" + a, {"type": "Activation", "name": "act", "activation": a}, [None, 6], x, {},
             lambda x, a=a: act(a, x))


def taylor():
    rng = np.random.default_rng(6)
    for name, order in (("taylor_order3", 3), ("taylor_order0", 0)):
        x = f32(rng.normal(size=(5, 4)))
        x[0, 0] = x[1, 2] = x[3, 1] = x[4, 3] = 0.0
        x[2] = -np.abs(x[2])
        w = {"a": f32(rng.normal(size=(4, order + 1))), "w": f32(rng.normal(size=(4, order + 1)))}

        def fwd(x, a, w, order=order):
            powers = torch.cat([torch.ones_like(x)[..., None]] + [x[..., None] ** p for p in range(1, order + 1)], -1)
            return (w * torch.cumsum(a * powers, -1)).sum(-1)
        save(name, {"type": "TaylorExpansion", "name": "taylor", "order": order}, [None, 4], x, w, fwd,
             tol=1e-5, note="sum of 4 cumulative terms in float32: 1e-5 scaled relative")


def prototype():
    rng = np.random.default_rng(7)
    for kind in ("gaussian", "laplacian", "exp"):
        x = f32(rng.normal(size=(6, 5)))
        w = {"prototypes": f32(rng.normal(size=(4, 5)) + 0.05), "scale": f32(rng.uniform(0.8, 2.0, 5)),
             "kernel": f32(rng.normal(size=(4, 5))), "bias": f32(rng.normal(size=4) * 0.1)}
        if kind == "exp":
            w["scale"] = f32(rng.uniform(2.0, 3.0, 5))

        def fwd(x, prototypes, scale, kernel, bias, kind=kind):
            d = (x[:, None, :] - prototypes[None]) / scale
            f = {"gaussian": torch.exp(-d ** 2), "laplacian": torch.exp(-d.abs()), "exp": torch.exp(d)}[kind]
            return (kernel * f).sum(-1) + bias
        save("prototype_" + kind, {"type": "PrototypeKernel", "name": "proto", "units": 4, "kernel": kind,
                                   "selection": "per_class_random", "seed": 0}, [None, 5], x, w, fwd,
             trainable=["kernel", "bias"], tol=1e-5, note="sum of 5 products of exps in float32: 1e-5 scaled relative")


def bilinear():
    rng = np.random.default_rng(8)
    for name, shape, eps in (("bilinear_pooling", (2, 3, 3, 4), 1e-5), ("bilinear_pooling_rank_deficient", (2, 1, 3, 5), 1e-2)):
        x = f32(rng.normal(size=shape))
        if "rank" in name:
            x = np.maximum(x, 0)

        def fwd(x, shape=shape, eps=eps):
            X = x.reshape(shape[0], -1, shape[3])
            return X.transpose(1, 2) @ X / X.shape[1] + eps * torch.eye(shape[3])
        save(name, {"type": "BilinearPooling", "name": "bilinear", "epsilon": eps}, [None, *shape[1:]], x, {}, fwd,
             tol=1e-5, note="sums of <= 9 products in float32: 1e-5 scaled relative")


def lyapunov(a, g, min_eig):
    s, u = np.linalg.eigh(a)
    s = np.maximum(s, min_eig)
    r = np.sqrt(s)
    k = 1.0 / (r[..., :, None] + r[..., None, :])
    gbar = (g + np.swapaxes(g, -1, -2)) / 2
    inner = np.swapaxes(u, -1, -2) @ gbar @ u
    return u @ (inner * k) @ np.swapaxes(u, -1, -2)


def sqrt_eigh(a, min_eig):
    s, u = np.linalg.eigh(a)
    return u @ (np.sqrt(np.maximum(s, min_eig))[..., None] * np.swapaxes(u, -1, -2))


def check_lyapunov(a, g, min_eig):
    """Assert the closed form against central differences along symmetric directions."""
    rng = np.random.default_rng(0)
    grad = lyapunov(a, g, min_eig)
    for _ in range(3):
        e = rng.normal(size=a.shape)
        e = (e + np.swapaxes(e, -1, -2)) / 2
        h = 1e-7
        fd = ((sqrt_eigh(a + h * e, min_eig) - sqrt_eigh(a - h * e, min_eig)) * g).sum() / (2 * h)
        an = (grad * e).sum()
        assert abs(fd - an) <= 1e-7 * max(1, abs(an)), (fd, an)


def spd(rng, b, c, cond):
    out = []
    for _ in range(b):
        q, _ = np.linalg.qr(rng.normal(size=(c, c)))
        s = np.logspace(0, -np.log10(cond), c)
        out.append(q @ np.diag(s) @ q.T)
    a = f32(np.array(out))
    return f32((a + np.swapaxes(a, -1, -2)) / 2)


def matrix_sqrt():
    rng = np.random.default_rng(9)

    def case(name, method, a, min_eig=1e-10, tol=1e-4, note="float32 eigendecomposition at condition 1e3: 1e-4 scaled relative",
             fd=True):
        rg = np.random.default_rng(len(name))
        g = f32(rg.normal(size=a.shape))
        if fd:   # below the floor the contract's gradient is K with floored s, not the derivative of the forward
            check_lyapunov(a, g, min_eig)
        y = sqrt_eigh(a, min_eig)
        out = {"x": a, "y": y, "g": g, "dx": lyapunov(a, g, min_eig)}
        np.savez(os.path.join(HERE, name + ".npz"), **out)
        with open(os.path.join(HERE, name + ".json"), "w") as f:
            json.dump({"layer": {"type": "MatrixSqrt", "name": "sqrt", "method": method, "iterations": 5,
                                 "min_eigenvalue": min_eig}, "input_shape": [None, a.shape[1], a.shape[2]],
                       "training": True, "tolerance": {"forward_rtol": tol, "note": note}}, f, indent=1)

    a = spd(rng, 3, 6, 1e3)
    case("matrix_sqrt_svd", "svd", a)
    case("matrix_sqrt_eigh", "eigh", a)
    X = f32(np.maximum(rng.normal(size=(2, 3, 5)), 0))
    case("matrix_sqrt_rank_deficient", "svd", f32(np.swapaxes(X, 1, 2) @ X / 3 + 1e-2 * np.eye(5)),
         tol=1e-4, note="rank-deficient (eigenvalue 1e-2 repeated): 1e-4 scaled relative")
    q, _ = np.linalg.qr(rng.normal(size=(4, 4)))
    floor = f32((q @ np.diag([2.0, 1.0, 0.5, 1e-6]) @ q.T)[None])
    floor = f32((floor + np.swapaxes(floor, 1, 2)) / 2)
    case("matrix_sqrt_floor", "svd", floor, min_eig=1e-3, tol=1e-3,
         note="an eigenvalue below min_eigenvalue 1e-3; float32 resolves it to ~1e-7 absolute: 1e-3 scaled relative", fd=False)

    a = spd(rng, 3, 6, 1e2)

    def ns(x):
        norm = torch.sqrt((x ** 2).sum(dim=(1, 2), keepdim=True))
        y, z, eye = x / norm, torch.eye(6).expand_as(x), torch.eye(6)
        for _ in range(5):
            t = 0.5 * (3 * eye - z @ y)
            y, z = y @ t, t @ z
        return y * torch.sqrt(norm)
    save("matrix_sqrt_newton_schulz", {"type": "MatrixSqrt", "name": "sqrt", "method": "newton_schulz", "iterations": 5,
                                       "min_eigenvalue": 1e-10}, [None, 6, 6], a, {}, ns, training=True, tol=1e-5,
         note="5 iterations of 6x6 matmuls in float32: 1e-5 scaled relative", seed=9)


def signed_l2():
    rng = np.random.default_rng(10)
    x = f32(rng.normal(size=(4, 6)))
    x[0, 0] = x[2, 3] = 0.0
    eps = 1e-8
    save("signed_sqrt", {"type": "SignedSqrt", "name": "ss", "epsilon": eps}, [None, 6], x, {},
         lambda x: signed_sqrt(x, eps),
         note="elementwise: 1e-5 scaled relative; the gradient at x = 0 is the exact 1/(2 sqrt(eps)), not autograd's 0",
         fd_skip_zero_inputs=True)
    x = f32(rng.normal(size=(3, 2, 4)))
    l2 = lambda x: x / torch.sqrt(torch.clamp((x ** 2).sum(dim=(1, 2), keepdim=True), min=1e-12))
    save("l2_normalize", {"type": "L2Normalize", "name": "l2", "epsilon": 1e-12}, [None, 2, 4], x, {}, l2)
    x[1] = 0
    save("l2_normalize_zero", {"type": "L2Normalize", "name": "l2", "epsilon": 1e-12}, [None, 2, 4], x, {}, l2,
         note="an all-zero example: output 0; gradient finite (1/sqrt(epsilon) = 1e6 times g)")


def signed_sqrt(x, eps):
    """sign(x)(sqrt(|x| + eps) - sqrt(eps)) with its exact derivative 1/(2 sqrt(|x| + eps)), also at x = 0
    (autograd through torch.sign/abs gives 0 there): the sign is a constant s = +-1, 1 at 0."""
    s = torch.where(x >= 0, torch.ones_like(x), -torch.ones_like(x)).detach()
    return s * (torch.sqrt(s * x + eps) - np.sqrt(eps))


def softexp_f(alpha, x):
    small = alpha.abs() < 1e-3
    neg = (alpha < 0) & ~small
    a_neg = torch.where(neg, alpha, -torch.ones_like(alpha))
    arg = 1 - a_neg * (x + a_neg)
    clamped = arg < 1e-7
    safe = torch.where(clamped, torch.ones_like(arg), arg)
    log = torch.where(clamped, torch.full_like(arg, np.log(1e-7)), torch.log(safe))
    f_neg = -log / a_neg
    a_pos = torch.where(neg | small, torch.ones_like(alpha), alpha)
    f_pos = torch.expm1(torch.clamp(a_pos * x, max=80.0)) / a_pos + a_pos
    f_small = x + alpha * (1 + x ** 2 / 2)
    return torch.where(small, f_small, torch.where(neg, f_neg, f_pos))


def softexp():
    rng = np.random.default_rng(11)
    alpha = f32([-0.5, -1e-3 - 1e-5, -1e-3 + 1e-5, 0.0, 1e-3 - 1e-5, 1e-3 + 1e-5, 0.7])
    x = f32(rng.normal(size=(7, 7)))
    x[0, 0] = -5.0        # α = -0.5: log argument 1 + 0.5(-5.5) < 1e-7, clamped
    x[2, 3] = 0.0
    save("softexp_single", {"type": "SoftExponential", "name": "se", "doubled": False, "alpha_init": 0.0, "alpha_l2": 0.0},
         [None, 7], x, {"alpha": alpha}, lambda x, alpha: softexp_f(alpha, x),
         tol=1e-5, note="expm1/log1p elementwise: 1e-5 scaled relative (the capped entry is ~e^80/0.7, compared relatively)")
    # the cap: αx above 80 gives expm1(80)/α + α (~1e34); finite differences of L cancel catastrophically
    # next to such a value, so this case is checked against autograd only
    x = f32([[200.0, 1000.0, 1.0], [114.0, -3.0, 0.5]])
    save("softexp_cap", {"type": "SoftExponential", "name": "se", "doubled": False, "alpha_init": 0.0, "alpha_l2": 0.0},
         [None, 3], x, {"alpha": f32([0.7, 0.1, 0.7])}, lambda x, alpha: softexp_f(alpha, x),
         tol=1e-5, note="exp cap at 80: 1e-5 scaled relative")
    alpha2 = f32(np.stack([rng.uniform(-0.4, -0.05, 6), rng.uniform(0.05, 0.4, 6)]))
    alpha2[0, 2] = 0.0
    x = f32(rng.normal(size=(4, 6)))
    save("softexp_doubled", {"type": "SoftExponential", "name": "se", "doubled": True, "alpha_init": [-0.1, 0.1], "alpha_l2": 0.0},
         [None, 6], x, {"alpha": alpha2}, lambda x, alpha: torch.cat([softexp_f(alpha[0], x), softexp_f(alpha[1], x)], -1))


if __name__ == "__main__":
    dense(); conv(); maxpool(); batchnorm(); simple(); taylor(); prototype(); bilinear(); matrix_sqrt(); signed_l2(); softexp()
    print("wrote", len([f for f in os.listdir(HERE) if f.endswith(".npz")]), "cases to", HERE)
