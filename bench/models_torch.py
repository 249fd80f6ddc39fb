#!/usr/bin/env python3
"""The built-in models written as a PyTorch user would (python3-torch), timed per training step at the
same batch size on synthetic data, after a warm-up. Prints one JSON line like `./tfgraph bench`.
Usage: models_torch.py MODEL [--batch-size 128] [--steps 20] [--sqrt newton_schulz|eigh]"""
import argparse, json, math, os, sys, time
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "testdata", "reference"))
from tfgraph_ref import softexp  # noqa: E402
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(2)

from torch_env import require_openblas  # noqa: E402 (bench/ is on sys.path: the script's folder)

require_openblas()
torch.set_default_dtype(torch.float32)   # tfgraph_ref sets float64 for the references


class Taylor(nn.Module):
    def __init__(self, n, order=3):
        super().__init__()
        a = torch.zeros(n, order + 1); a[:, 1] = 1
        self.a, self.w, self.order = nn.Parameter(a), nn.Parameter(torch.full((n, order + 1), 1 / (order + 1))), order

    def forward(self, x):
        p = torch.cat([torch.ones_like(x)[..., None]] + [x[..., None] ** q for q in range(1, self.order + 1)], -1)
        return (self.w * torch.cumsum(self.a * p, -1)).sum(-1)


class SoftExp(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.alpha = nn.Parameter(torch.tensor([[-0.1] * n, [0.1] * n]))

    def forward(self, x):
        return torch.cat([softexp(self.alpha[0], x), softexp(self.alpha[1], x)], -1)


class Proto(nn.Module):
    def __init__(self, m, n):
        super().__init__()
        self.register_buffer("p", torch.rand(m, n)); self.register_buffer("c", torch.ones(n))
        self.kernel, self.bias = nn.Parameter(torch.full((m, n), 1 / n)), nn.Parameter(torch.zeros(m))

    def forward(self, x):
        d = (x[:, None, :] - self.p[None]) / self.c
        return (self.kernel * torch.exp(-d * d)).sum(-1) + self.bias


class Bilinear(nn.Module):
    def __init__(self, sqrt):
        super().__init__()
        self.sqrt = sqrt

    def forward(self, x):  # NCHW
        b, c = x.shape[0], x.shape[1]
        X = x.reshape(b, c, -1)
        a = X @ X.transpose(1, 2) / X.shape[2] + 1e-5 * torch.eye(c)
        if self.sqrt == "eigh":
            s, u = torch.linalg.eigh(a)
            y = u @ (torch.sqrt(torch.clamp(s, min=1e-10))[..., :, None] * u.transpose(1, 2))
        else:
            norm = torch.sqrt((a ** 2).sum(dim=(1, 2), keepdim=True)); eye = torch.eye(c)
            y, z = a / norm, eye.expand_as(a)
            for _ in range(5):
                t = 0.5 * (3 * eye - z @ y); y, z = y @ t, t @ z
            y = y * torch.sqrt(norm)
        y = torch.sign(y) * (torch.sqrt(y.abs() + 1e-8) - 1e-4)
        return F.normalize(y.reshape(b, -1), dim=1, eps=1e-6)


def seed_cnn():
    return [nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.Conv2d(32, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Dropout(0.25),
            nn.Flatten(), nn.Linear(5408, 512), nn.ReLU(), nn.Dropout(0.5)]


def model(name, sqrt):
    if name == "cnn":
        return nn.Sequential(*seed_cnn(), nn.Linear(512, 10))
    if name == "taylor-cnn":
        return nn.Sequential(*seed_cnn(), Taylor(512), nn.ReLU(), nn.Linear(512, 10))
    if name == "softexp-mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), SoftExp(256), nn.Linear(512, 10))
    if name == "prototype-net":
        return nn.Sequential(nn.Flatten(), Proto(10, 784))
    if name == "ib-cnn":
        blk = lambda i, o: [nn.Conv2d(i, o, 3, padding=1), nn.BatchNorm2d(o, eps=1e-3, momentum=0.1), nn.ReLU()]
        return nn.Sequential(*blk(1, 32), nn.MaxPool2d(2), *blk(32, 64), nn.MaxPool2d(2), *blk(64, 64), Bilinear(sqrt), nn.Linear(4096, 10))
    if name == "ib-cnn-4conv":   # bench/ib-cnn-4conv.json: no pool after conv4, the head pools 14x14 = 196 positions
        blk = lambda i, o: [nn.Conv2d(i, o, 3, padding=1), nn.BatchNorm2d(o, eps=1e-3, momentum=0.1), nn.ReLU()]
        return nn.Sequential(*blk(1, 32), *blk(32, 32), nn.MaxPool2d(2), *blk(32, 64), *blk(64, 64), Bilinear(sqrt), nn.Linear(4096, 10))
    raise SystemExit("unknown model " + name)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model"); ap.add_argument("--batch-size", type=int, default=128); ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3); ap.add_argument("--sqrt", default="newton_schulz")
    a = ap.parse_args()
    torch.manual_seed(1)
    m = model(a.model, a.sqrt)
    opt = torch.optim.Adam(m.parameters(), lr=1e-3, eps=1e-7)
    x, y = torch.rand(a.batch_size, 1, 28, 28), torch.randint(0, 10, (a.batch_size,))
    times, finite = [], True
    for i in range(a.warmup + a.steps):
        t0 = time.perf_counter()
        opt.zero_grad()
        loss = F.cross_entropy(m(x), y)
        loss.backward()
        opt.step()
        if i >= a.warmup:
            times.append((time.perf_counter() - t0) * 1e3)
        finite = finite and bool(torch.isfinite(loss))
    times.sort()
    med = times[len(times) // 2]
    print(json.dumps({"model": a.model + (":" + a.sqrt if a.model == "ib-cnn" else ""), "framework": "pytorch " + torch.__version__,
                      "batch_size": a.batch_size, "steps": a.steps, "ms_per_step": round(med, 3),
                      "examples_per_s": round(a.batch_size * 1000 / med, 1), "loss_finite": finite}))


if __name__ == "__main__":
    main()
