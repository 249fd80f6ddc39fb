"""An independent PyTorch float64 implementation of tfgraph's contract (docs/model-spec.md).

Reads a model spec (JSON) and weights keyed <layer>.<weight>, computes the forward pass, the training
loss (mean sparse categorical cross-entropy on the logits, softmax fused, plus alpha_l2 terms) and one
SGD step. It shares no code with tfgraph: it exists to prove tfgraph's outputs and gradients across
languages. MatrixSqrt "svd"/"eigh" back-propagate by the closed-form Lyapunov gradient (autograd
through an eigendecomposition is NaN on the repeated eigenvalues bilinear pooling makes).
"""
import numpy as np
import math
import torch

torch.set_default_dtype(torch.float64)


class LyapunovSqrt(torch.autograd.Function):
    @staticmethod
    def forward(ctx, a, min_eig):
        s, u = torch.linalg.eigh(a)
        s = torch.clamp(s, min=min_eig)
        r = torch.sqrt(s)
        ctx.save_for_backward(u, r)
        return u @ (r[..., :, None] * u.transpose(-1, -2))

    @staticmethod
    def backward(ctx, g):
        u, r = ctx.saved_tensors
        k = 1.0 / (r[..., :, None] + r[..., None, :])
        gbar = (g + g.transpose(-1, -2)) / 2
        return u @ ((u.transpose(-1, -2) @ gbar @ u) * k) @ u.transpose(-1, -2), None


def act(name, z):
    # The newer activations written out from their formulas (docs/layers.md), independently of
    # torch.nn.functional, which gen_layers.py uses.
    return {"linear": lambda t: t, "relu": torch.relu, "sigmoid": torch.sigmoid, "tanh": torch.tanh,
            "softmax": lambda t: torch.softmax(t, -1),
            "gelu": lambda t: 0.5 * t * (1 + torch.erf(t / math.sqrt(2))),
            "swish": lambda t: t / (1 + torch.exp(-t)),
            "elu": lambda t: torch.where(t > 0, t, torch.expm1(torch.clamp(t, max=0))),
            "softplus": lambda t: torch.clamp(t, min=0) + torch.log1p(torch.exp(-torch.abs(t))),
            "leaky_relu": lambda t: torch.where(t > 0, t, 0.2 * t)}[name](z)


def same_pad(x, k, s, value=0.0):  # x NCHW, TF "same"
    ph = max((-(-x.shape[2] // s[0]) - 1) * s[0] + k[0] - x.shape[2], 0)
    pw = max((-(-x.shape[3] // s[1]) - 1) * s[1] + k[1] - x.shape[3], 0)
    return torch.nn.functional.pad(x, (pw // 2, pw - pw // 2, ph // 2, ph - ph // 2), value=value)


def softexp(alpha, x):
    small = alpha.abs() < 1e-3
    neg = (alpha < 0) & ~small
    a_neg = torch.where(neg, alpha, -torch.ones_like(alpha))
    arg = 1 - a_neg * (x + a_neg)
    clamped = arg < 1e-7
    log = torch.where(clamped, torch.full_like(arg, np.log(1e-7)), torch.log(torch.where(clamped, torch.ones_like(arg), arg)))
    a_pos = torch.where(neg | small, torch.ones_like(alpha), alpha)
    f_pos = torch.expm1(torch.clamp(a_pos * x, max=80.0)) / a_pos + a_pos
    return torch.where(small, x + alpha * (1 + x ** 2 / 2), torch.where(neg, -log / a_neg, f_pos))


def signed_sqrt(x, eps):
    """sign(x)(sqrt(|x| + eps) - sqrt(eps)) with its exact derivative 1/(2 sqrt(|x| + eps)), also at x = 0
    (autograd through torch.sign/abs gives 0 there): the sign is a constant s = +-1, 1 at 0."""
    s = torch.where(x >= 0, torch.ones_like(x), -torch.ones_like(x)).detach()
    return s * (torch.sqrt(s * x + eps) - np.sqrt(eps))


def layer_forward(l, x, w, training, logits=False):
    """One layer; w maps weight name -> tensor; returns (y, updates of non-trainable weights)."""
    t, a = l["type"], l.get("activation", "linear")
    fin = (lambda z: z) if logits else (lambda z: act(a, z))
    if t == "Dense":
        z = x @ w["kernel"]
        return fin(z + w["bias"] if l.get("use_bias", True) else z), {}
    if t == "Conv2D":
        k, s = l["kernel_size"], l.get("strides", [1, 1])
        xn = x.permute(0, 3, 1, 2)
        if l.get("padding", "valid") == "same":
            xn = same_pad(xn, k, s)
        z = torch.nn.functional.conv2d(xn, w["kernel"].permute(3, 2, 0, 1), w["bias"], stride=s).permute(0, 2, 3, 1)
        return fin(z), {}
    if t == "MaxPooling2D":
        p = l.get("pool_size", [2, 2]); s = l.get("strides", p)
        xn = x.permute(0, 3, 1, 2)
        if l.get("padding", "valid") == "same":
            xn = same_pad(xn, p, s, -float("inf"))
        return torch.nn.functional.max_pool2d(xn, p, s).permute(0, 2, 3, 1), {}
    if t == "BatchNormalization":
        eps, mom = l.get("epsilon", 1e-3), l.get("momentum", 0.99)
        axes = tuple(range(x.dim() - 1))
        if training:
            m = x.mean(dim=axes)
            v = ((x - m) ** 2).mean(dim=axes)
            n = x.numel() / x.shape[-1]
            upd = {"moving_mean": mom * w["moving_mean"] + (1 - mom) * m.detach(),
                   "moving_variance": mom * w["moving_variance"] + (1 - mom) * v.detach() * n / max(n - 1, 1)}
            return w["gamma"] * (x - m) / torch.sqrt(v + eps) + w["beta"], upd
        return w["gamma"] * (x - w["moving_mean"]) / torch.sqrt(w["moving_variance"] + eps) + w["beta"], {}
    if t == "Flatten":
        return x.reshape(x.shape[0], -1), {}
    if t == "Dropout":
        if training and l["rate"] > 0:
            raise ValueError("Dropout in training is random: the reference cannot match it")
        return x, {}
    if t == "Activation":
        return fin(x), {}
    if t == "TaylorExpansion":
        p = l["order"]
        powers = torch.cat([torch.ones_like(x)[..., None]] + [x[..., None] ** q for q in range(1, p + 1)], -1)
        return (w["w"] * torch.cumsum(w["a"] * powers, -1)).sum(-1), {}
    if t == "PrototypeKernel":
        d = (x[:, None, :] - w["prototypes"][None]) / w["scale"]
        kind = l.get("kernel", "gaussian")
        f = {"gaussian": torch.exp(-d ** 2), "laplacian": torch.exp(-d.abs()), "exp": torch.exp(d)}[kind]
        return (w["kernel"] * f).sum(-1) + w["bias"], {}
    if t == "BilinearPooling":
        X = x.reshape(x.shape[0], -1, x.shape[-1])
        return X.transpose(1, 2) @ X / X.shape[1] + l.get("epsilon", 1e-5) * torch.eye(x.shape[-1]), {}
    if t == "MatrixSqrt":
        method = l.get("method", "svd")
        if method == "newton_schulz":
            norm = torch.sqrt((x ** 2).sum(dim=(1, 2), keepdim=True))
            c = x.shape[-1]
            y, z, eye = x / norm, torch.eye(c).expand_as(x), torch.eye(c)
            for _ in range(l.get("iterations", 5)):
                tt = 0.5 * (3 * eye - z @ y)
                y, z = y @ tt, tt @ z
            return y * torch.sqrt(norm), {}
        return LyapunovSqrt.apply(x, l.get("min_eigenvalue", 1e-10)), {}
    if t == "SignedSqrt":
        return signed_sqrt(x, l.get("epsilon", 1e-8)), {}
    if t == "L2Normalize":
        axes = tuple(range(1, x.dim()))
        return x / torch.sqrt(torch.clamp((x ** 2).sum(dim=axes, keepdim=True), min=l.get("epsilon", 1e-12))), {}
    if t == "SoftExponential":
        if l.get("doubled", False):
            return torch.cat([softexp(w["alpha"][0], x), softexp(w["alpha"][1], x)], -1), {}
        return softexp(w["alpha"], x), {}
    if t == "ZeroPadding2D":
        p = l.get("padding", 1)
        p = [[p, p], [p, p]] if isinstance(p, int) else [[v, v] if isinstance(v, int) else v for v in p]
        (top, bottom), (left, right) = p
        y = x.new_zeros((x.shape[0], x.shape[1] + top + bottom, x.shape[2] + left + right, x.shape[3]))
        y[:, top:top + x.shape[1], left:left + x.shape[2], :] = x
        return y, {}
    if t == "AveragePooling2D":
        return avg_pool_in_bounds(x, l.get("pool_size", [2, 2]), l.get("strides", l.get("pool_size", [2, 2])),
                                  l.get("padding", "valid")), {}
    if t == "GlobalAveragePooling2D":
        return x.reshape(x.shape[0], -1, x.shape[-1]).sum(1) / (x.shape[1] * x.shape[2]), {}
    if t == "GlobalMaxPooling2D":
        return x.reshape(x.shape[0], -1, x.shape[-1]).max(dim=1).values, {}
    if t == "Reshape":
        target = list(l["target_shape"])
        n = x[0].numel()
        if -1 in target:
            known = int(np.prod([d for d in target if d != -1]))
            target[target.index(-1)] = n // known
        if int(np.prod(target)) != n:
            raise ValueError("Reshape: target_shape %s does not hold %d values" % (l["target_shape"], n))
        return x.flatten(1).view(x.shape[0], *target), {}
    if t == "Rescaling":
        return x * l.get("scale", 1.0) + l.get("offset", 0.0), {}
    if t == "ImagePreprocessing":
        mode = l["mode"]
        if mode == "tf":
            return x * 2 - 1, {}
        if mode == "torch":
            return torch.stack([(x[..., c] - m) / s for c, (m, s) in
                                enumerate(zip([0.485, 0.456, 0.406], [0.229, 0.224, 0.225]))], -1), {}
        bgr_mean = [103.939, 116.779, 123.68]
        return torch.stack([x[..., 2 - c] * 255 - bgr_mean[c] for c in range(3)], -1), {}
    if t == "Normalization":
        if l.get("axis", -1) not in (-1, x.dim() - 1):
            raise ValueError("Normalization: only the last axis is supported")
        return (x - w["mean"]) / torch.clamp(torch.sqrt(w["variance"]), min=1e-7), {}
    if t == "RandomFlip":
        if training:
            raise ValueError("RandomFlip in training is random: the reference cannot match it")
        return x, {}
    if t == "RandomCrop":
        if training:
            raise ValueError("RandomCrop in training is random: the reference cannot match it")
        top, left = (x.shape[1] - l["height"]) // 2, (x.shape[2] - l["width"]) // 2
        return x[:, top:top + l["height"], left:left + l["width"], :], {}
    raise ValueError("unknown layer type " + t)


def avg_pool_in_bounds(x, p, s, padding):
    """TF AvgPool, NHWC: the mean of each window's in-bounds values (TF 'same' split, padding not counted)."""
    h, w = x.shape[1], x.shape[2]
    if padding == "same":
        oh, ow = -(-h // s[0]), -(-w // s[1])
        top = max((oh - 1) * s[0] + p[0] - h, 0) // 2
        left = max((ow - 1) * s[1] + p[1] - w, 0) // 2
    else:
        oh, ow, top, left = (h - p[0]) // s[0] + 1, (w - p[1]) // s[1] + 1, 0, 0
    rows = []
    for i in range(oh):
        cols = []
        for j in range(ow):
            h0, w0 = i * s[0] - top, j * s[1] - left
            cols.append(x[:, max(h0, 0):min(h0 + p[0], h), max(w0, 0):min(w0 + p[1], w), :].mean(dim=(1, 2)))
        rows.append(torch.stack(cols, 1))
    return torch.stack(rows, 1)


WEIGHTS = {  # type -> [(name, trainable)]
    "Dense": [("kernel", True), ("bias", True)], "Conv2D": [("kernel", True), ("bias", True)],
    "BatchNormalization": [("gamma", True), ("beta", True), ("moving_mean", False), ("moving_variance", False)],
    "TaylorExpansion": [("a", True), ("w", True)],
    "PrototypeKernel": [("prototypes", False), ("scale", False), ("kernel", True), ("bias", True)],
    "SoftExponential": [("alpha", True)],
    "Normalization": [("mean", False), ("variance", False)],
}


def weight_names(l):
    names = WEIGHTS.get(l["type"], [])
    if l["type"] == "Dense" and not l.get("use_bias", True):
        names = [("kernel", True)]
    return names


def forward(spec, weights, x, training=False, logits=False):
    """weights: dict key -> tensor. Returns (output, updates: key -> new value)."""
    h, updates = x, {}
    layers = spec["layers"]
    for i, l in enumerate(layers):
        w = {n: weights[l["name"] + "." + n] for n, _ in weight_names(l)}
        last = i == len(layers) - 1
        h, upd = layer_forward(l, h, w, training, logits=logits and last)
        updates.update({l["name"] + "." + k: v for k, v in upd.items()})
    return h, updates


def init_weights(spec, rng, example):
    """Random weights of the right shapes (found by running the layers on an example batch)."""
    weights = {}
    h = torch.tensor(example)
    for l in spec["layers"]:
        n_in = h.shape[-1]
        t = l["type"]
        shapes = {}
        if t == "Dense":
            shapes = {"kernel": (n_in, l["units"]), "bias": (l["units"],)}
        elif t == "Conv2D":
            k = l["kernel_size"]; shapes = {"kernel": (k[0], k[1], n_in, l["filters"]), "bias": (l["filters"],)}
        elif t == "BatchNormalization":
            shapes = {k: (n_in,) for k in ("gamma", "beta", "moving_mean", "moving_variance")}
        elif t == "TaylorExpansion":
            shapes = {"a": (n_in, l["order"] + 1), "w": (n_in, l["order"] + 1)}
        elif t == "PrototypeKernel":
            shapes = {"prototypes": (l["units"], n_in), "scale": (n_in,), "kernel": (l["units"], n_in), "bias": (l["units"],)}
        elif t == "SoftExponential":
            shapes = {"alpha": (2, n_in) if l.get("doubled") else (n_in,)}
        elif t == "Normalization":
            shapes = {"mean": (n_in,), "variance": (n_in,)}
        w = {}
        for name, _ in weight_names(l):
            s = shapes[name]
            fan = np.prod(s[:-1]) if len(s) > 1 else s[0]
            v = rng.normal(size=s) / np.sqrt(fan)
            if name in ("moving_variance", "scale", "variance"):
                v = rng.uniform(0.5, 1.5, size=s)
            if name == "gamma":
                v = rng.uniform(0.8, 1.2, size=s)
            if name == "prototypes":
                v = rng.uniform(0, 1, size=s)
            if name == "alpha":
                v = rng.uniform(-0.3, 0.3, size=s)
            w[name] = v.astype(np.float32).astype(np.float64)
            weights[l["name"] + "." + name] = w[name]
        h, _ = layer_forward(l, h, {k: torch.tensor(v) for k, v in w.items()}, False)
    return weights


def sgd_step(spec, weights, x, y, lr):
    """One SGD step on the whole batch: returns the new weights (non-trainable ones updated as in training)."""
    tw = {k: torch.tensor(v, requires_grad=True) for k, v in weights.items()}
    logits, updates = forward(spec, tw, torch.tensor(x), training=True, logits=True)
    # logits: the last layer's pre-softmax values when it ends in softmax, its outputs otherwise
    loss = torch.nn.functional.cross_entropy(logits, torch.tensor(y, dtype=torch.long))
    for l in spec["layers"]:
        if l["type"] == "SoftExponential" and l.get("alpha_l2", 0) > 0:
            loss = loss + l["alpha_l2"] * (tw[l["name"] + ".alpha"] ** 2).sum()
    loss.backward()
    out = {}
    trainable = {l["name"] + "." + n for l in spec["layers"] if l.get("trainable", True) for n, t in weight_names(l) if t}
    for k, v in tw.items():
        if k in trainable:
            out[k] = (v - lr * v.grad).detach().numpy()
        elif k in updates:
            out[k] = updates[k].detach().numpy()
        else:
            out[k] = v.detach().numpy()
    return out, float(loss)
