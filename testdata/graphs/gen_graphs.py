#!/usr/bin/env python3
"""Golden cases for the merge layers and a graph model (docs/model-spec.md and docs/layers.md), numpy float64.

Each merge case writes <name>.npz with inputs x0..xk, upstream gradient g, output y and the exact
gradients grad_x0..grad_xk of L = sum(g * y); <name>.json holds the layer config.
residual.{json,npz}: the contract's two-input example spec with weights, inputs and its output.
Run from the repository root: python3 testdata/graphs/gen_graphs.py
"""
import json
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def distinct(rng, shape, k):
    """k arrays whose elements differ pairwise by at least 0.05 (no ties for Maximum)."""
    n = int(np.prod(shape))
    out = []
    base = rng.permutation(n * k).reshape(k, n) * 0.05 - n * k * 0.025
    for i in range(k):
        out.append((base[i] + rng.uniform(0, 0.01, n)).reshape(shape))
    return out


def case(name, layer, xs, fwd, grads, rng):
    y = fwd(xs)
    g = rng.normal(size=y.shape)
    arrays = {f"x{i}": x for i, x in enumerate(xs)}
    arrays.update(y=y, g=g)
    for i, gx in enumerate(grads(xs, g)):
        arrays[f"grad_x{i}"] = gx
    np.savez(os.path.join(HERE, name + ".npz"), **arrays)
    with open(os.path.join(HERE, name + ".json"), "w") as f:
        json.dump({"layer": layer, "inputs": len(xs), "note": "numpy float64; gradients exact"}, f, indent=1)


def merges():
    rng = np.random.default_rng(15)
    xs = [rng.normal(size=(4, 5)) for _ in range(3)]
    case("add_3", {"type": "Add", "name": "add"}, xs, lambda x: x[0] + x[1] + x[2], lambda x, g: [g, g, g], rng)
    xs = [rng.normal(size=(3, 2, 2, 3)) for _ in range(2)]
    case("subtract", {"type": "Subtract", "name": "sub"}, xs, lambda x: x[0] - x[1], lambda x, g: [g, -g], rng)
    xs = [rng.normal(size=(4, 6)) for _ in range(3)]
    case("multiply_3", {"type": "Multiply", "name": "mul"}, xs, lambda x: x[0] * x[1] * x[2],
         lambda x, g: [g * x[1] * x[2], g * x[0] * x[2], g * x[0] * x[1]], rng)
    xs = [rng.normal(size=(2, 3, 3, 2)) for _ in range(2)]
    case("average_2", {"type": "Average", "name": "avg"}, xs, lambda x: (x[0] + x[1]) / 2, lambda x, g: [g / 2, g / 2], rng)
    xs = distinct(rng, (4, 5), 3)

    def max_grads(x, g):
        m = np.argmax(np.stack(x), axis=0)
        return [g * (m == i) for i in range(3)]
    case("maximum_3", {"type": "Maximum", "name": "max"}, xs, lambda x: np.maximum(np.maximum(x[0], x[1]), x[2]), max_grads, rng)
    xs = [rng.normal(size=(4, 3)), rng.normal(size=(4, 5))]
    case("concatenate_last", {"type": "Concatenate", "name": "cat"}, xs, lambda x: np.concatenate(x, axis=-1),
         lambda x, g: [g[:, :3], g[:, 3:]], rng)
    xs = [rng.normal(size=(2, 3, 4, 2)), rng.normal(size=(2, 1, 4, 2)), rng.normal(size=(2, 2, 4, 2))]
    case("concatenate_axis1", {"type": "Concatenate", "name": "cat", "axis": 1}, xs, lambda x: np.concatenate(x, axis=1),
         lambda x, g: [g[:, :3], g[:, 3:4], g[:, 4:]], rng)


def residual():
    """The contract's section 1 example: Dense a on x, Add(x, a), Concatenate(res, side), Dense head softmax."""
    rng = np.random.default_rng(16)
    spec = {"format_version": 2, "name": "residual",
            "inputs": [{"name": "x", "shape": [None, 8], "dtype": "float32"},
                       {"name": "side", "shape": [None, 3], "dtype": "float32"}],
            "layers": [{"type": "Dense", "name": "a", "units": 8, "activation": "relu", "inbound": ["x"]},
                       {"type": "Add", "name": "res", "inbound": ["x", "a"]},
                       {"type": "Concatenate", "name": "cat", "inbound": ["res", "side"]},
                       {"type": "Dense", "name": "head", "units": 4, "activation": "softmax"}],
            "outputs": ["head"]}
    w = {"a.kernel": rng.normal(size=(8, 8)) * 0.5, "a.bias": rng.normal(size=8) * 0.1,
         "head.kernel": rng.normal(size=(11, 4)) * 0.5, "head.bias": rng.normal(size=4) * 0.1}
    x = rng.normal(size=(6, 8))
    side = rng.normal(size=(6, 3))
    a = np.maximum(x @ w["a.kernel"] + w["a.bias"], 0)
    z = np.concatenate([x + a, side], axis=1) @ w["head.kernel"] + w["head.bias"]
    e = np.exp(z - z.max(axis=1, keepdims=True))
    y = e / e.sum(axis=1, keepdims=True)
    with open(os.path.join(HERE, "residual.json"), "w") as f:
        json.dump(spec, f, indent=1)
    np.savez(os.path.join(HERE, "residual_weights.npz"), **w)
    np.savez(os.path.join(HERE, "residual_inputs.npz"), x=x.astype(np.float32), side=side.astype(np.float32))
    np.save(os.path.join(HERE, "residual_x.npy"), x.astype(np.float32))
    np.save(os.path.join(HERE, "residual_side.npy"), side.astype(np.float32))
    # the reference output at the float32 inputs the files hold
    x32, s32 = x.astype(np.float32).astype(np.float64), side.astype(np.float32).astype(np.float64)
    a = np.maximum(x32 @ w["a.kernel"] + w["a.bias"], 0)
    z = np.concatenate([x32 + a, s32], axis=1) @ w["head.kernel"] + w["head.bias"]
    e = np.exp(z - z.max(axis=1, keepdims=True))
    np.save(os.path.join(HERE, "residual_expected.npy"), e / e.sum(axis=1, keepdims=True))


if __name__ == "__main__":
    merges()
    residual()
