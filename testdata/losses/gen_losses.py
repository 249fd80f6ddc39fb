#!/usr/bin/env python3
"""Golden per-example losses (numpy float64) for the contract's losses, with Keras' formulas.

losses.npz: z (logits [6, 5]), p = softmax(z), s = sigmoid(z), labels [6], onehot [6, 5],
multi (0/1 targets [6, 5]), reg (float targets [6, 5]), and per-example losses:
  scce_logits, scce_probs, cce_logits, cce_probs, cce_smooth_logits (eps 0.1), bce_logits,
  bce_probs, bce_smooth_logits (eps 0.2), mse, mae.
Run from the repository root: python3 testdata/losses/gen_losses.py
"""
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
EPS = 1e-7


def log_softmax(z):
    m = z.max(axis=1, keepdims=True)
    return z - m - np.log(np.exp(z - m).sum(axis=1, keepdims=True))


def main():
    r = np.random.default_rng(17)
    z = r.normal(size=(6, 5)) * 2
    p = np.exp(log_softmax(z))
    s = 1 / (1 + np.exp(-z))
    labels = r.integers(0, 5, size=6)
    onehot = np.eye(5)[labels]
    multi = (r.uniform(size=(6, 5)) > 0.5).astype(np.float64)
    reg = r.normal(size=(6, 5))
    clip = lambda q: np.clip(q, EPS, 1 - EPS)
    out = dict(z=z, p=p, s=s, labels=labels.astype(np.int64), onehot=onehot, multi=multi, reg=reg)
    out["scce_logits"] = -log_softmax(z)[np.arange(6), labels]
    out["scce_probs"] = -np.log(clip(p[np.arange(6), labels]))
    out["cce_logits"] = -(onehot * log_softmax(z)).sum(axis=1)
    out["cce_probs"] = -(onehot * np.log(clip(p))).sum(axis=1)
    smooth = onehot * 0.9 + 0.1 / 5
    out["cce_smooth_logits"] = -(smooth * log_softmax(z)).sum(axis=1)
    bce = lambda t, q: -(t * np.log(clip(q)) + (1 - t) * np.log(1 - clip(q)))
    out["bce_logits"] = (np.maximum(z, 0) - z * multi + np.log1p(np.exp(-np.abs(z)))).mean(axis=1)
    out["bce_probs"] = bce(multi, s).mean(axis=1)
    t2 = multi * 0.8 + 0.1
    out["bce_smooth_logits"] = (np.maximum(z, 0) - z * t2 + np.log1p(np.exp(-np.abs(z)))).mean(axis=1)
    out["mse"] = ((z - reg) ** 2).mean(axis=1)
    out["mae"] = np.abs(z - reg).mean(axis=1)
    np.savez(os.path.join(HERE, "losses.npz"), **out)


if __name__ == "__main__":
    main()
