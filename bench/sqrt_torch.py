#!/usr/bin/env python3
"""PyTorch (python3-torch) matrix square root, forward + backward, on the same kind of matrices as
`./tfgraph bench-sqrt`: eigh autograd (what a PyTorch user writes) and Newton-Schulz, float32.
Prints one JSON line per case, with whether the gradient came out finite."""
import json, sys, time
import torch

torch.set_num_threads(2)

from torch_env import require_openblas  # noqa: E402 (bench/ is on sys.path: the script's folder)

require_openblas()


def bilinear(b, c, n, seed):
    g = torch.Generator().manual_seed(seed)
    x = torch.relu(torch.randn(b, n, c, generator=g))
    return x.transpose(1, 2) @ x / n + 1e-5 * torch.eye(c)


def eigh_sqrt(a):
    s, u = torch.linalg.eigh(a)
    return u @ (torch.sqrt(torch.clamp(s, min=1e-10))[..., :, None] * u.transpose(-1, -2))


def ns_sqrt(a, iters=5):
    norm = torch.sqrt((a ** 2).sum(dim=(1, 2), keepdim=True))
    eye = torch.eye(a.shape[-1])
    y, z = a / norm, eye.expand_as(a)
    for _ in range(iters):
        t = 0.5 * (3 * eye - z @ y)
        y, z = y @ t, t @ z
    return y * torch.sqrt(norm)


def time_it(fn, a):
    runs, finite = [], True
    for i in range(6):
        x = a.clone().requires_grad_(True)
        t0 = time.perf_counter()
        y = fn(x)
        (y * y).sum().backward()
        if i:
            runs.append((time.perf_counter() - t0) * 1e3)
        finite = finite and bool(torch.isfinite(x.grad).all())
    return sorted(runs)[len(runs) // 2], finite


sizes = sys.argv[1].split(",") if len(sys.argv) > 1 else ["32x64", "32x256", "32x512", "128x64"]
for size in sizes:
    b, c = map(int, size.split("x"))
    a = bilinear(b, c, max(4, c // 4), 7)
    for name, fn in (("torch_eigh_autograd", eigh_sqrt), ("torch_newton_schulz", ns_sqrt)):
        ms, finite = time_it(fn, a)
        print(json.dumps({"method": name, "batch": b, "C": c, "ms_forward_backward": round(ms, 2), "grad_finite": finite}), flush=True)
