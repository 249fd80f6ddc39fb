#!/usr/bin/env python3
"""Cross-language parity cases: for each layer family and each built-in model, a spec, random weights,
an input and the expected output computed by testdata/reference/tfgraph_ref.py (PyTorch float64);
plus one-step training cases: the weights after one SGD step on the whole batch.

Regenerate from the repository root:  /usr/bin/python3 testdata/parity/gen_parity.py
Writes testdata/parity/<case>/{spec.json, weights.npz, x.npy, expected.npy, case.json} and, for training
cases, y.npy and after_sgd.npz. The built-in models' specs are read from testdata/parity/models/<name>.json,
which the Java test ModelsSpecTest keeps identical to what `Models.create` builds.
"""
import json, os, sys
import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "reference"))
import tfgraph_ref as ref  # noqa: E402


def spec(name, shape, layers):
    return {"format_version": 1, "name": name, "input": {"name": "x", "shape": [None, *shape], "dtype": "float32"}, "layers": layers}


FAMILIES = {
    "taylor": spec("taylor", [6], [{"type": "Dense", "name": "fc", "units": 8, "activation": "relu"},
                                   {"type": "TaylorExpansion", "name": "taylor", "order": 3},
                                   {"type": "Dense", "name": "head", "units": 4, "activation": "softmax"}]),
    "prototype": spec("prototype", [6], [{"type": "PrototypeKernel", "name": "proto", "units": 8, "kernel": "gaussian"},
                                         {"type": "Dense", "name": "head", "units": 4, "activation": "softmax"}]),
    "prototype-laplacian": spec("prototype-laplacian", [6], [{"type": "PrototypeKernel", "name": "proto", "units": 4, "kernel": "laplacian"},
                                                             {"type": "Activation", "name": "sm", "activation": "softmax"}]),
    "bilinear-svd": spec("bilinear-svd", [4, 4, 2], [{"type": "Conv2D", "name": "conv", "filters": 6, "kernel_size": [3, 3], "padding": "same", "activation": "relu"},
                                                     {"type": "BilinearPooling", "name": "bp", "epsilon": 1e-3},
                                                     {"type": "MatrixSqrt", "name": "sqrt", "method": "svd"},
                                                     {"type": "SignedSqrt", "name": "ss"}, {"type": "Flatten", "name": "flat"},
                                                     {"type": "L2Normalize", "name": "l2"},
                                                     {"type": "Dense", "name": "head", "units": 3, "activation": "softmax"}]),
    "softexp": spec("softexp", [5], [{"type": "Dense", "name": "fc", "units": 6},
                                     {"type": "SoftExponential", "name": "se", "doubled": True, "alpha_l2": 0.01},
                                     {"type": "Dense", "name": "head", "units": 3, "activation": "softmax"}]),
}
FAMILIES["bilinear-eigh"] = json.loads(json.dumps(FAMILIES["bilinear-svd"]).replace('"svd"', '"eigh"'))
FAMILIES["bilinear-newton-schulz"] = json.loads(json.dumps(FAMILIES["bilinear-svd"]).replace('"svd"', '"newton_schulz"'))
TOL = {"bilinear-svd": (1e-4, 1e-6), "bilinear-eigh": (1e-4, 1e-6)}   # float32 eigendecomposition
MODEL_TOL = {"ib-cnn": (1e-3, 1e-5)}                                   # eigenvalues near 1e-5 in float32


def write(case, s, weights, x, rtol, atol, y=None, lr=None):
    d = os.path.join(HERE, case)
    os.makedirs(d, exist_ok=True)
    json.dump(s, open(os.path.join(d, "spec.json"), "w"), indent=1)
    # weights on a grid of 1/256 stored as float32 and deflated: the millions of CNN weights then take
    # a few hundred KB instead of 22 MB, and float32 represents every value exactly
    weights = {k: np.round(v * 256) / 256 for k, v in weights.items()}
    weights = {k: np.where(v == 0, 1 / 256, v) if k.endswith(("scale", "moving_variance")) else v for k, v in weights.items()}
    np.savez_compressed(os.path.join(d, "weights.npz"), **{k: v.astype(np.float32) for k, v in weights.items()})
    np.save(os.path.join(d, "x.npy"), x.astype(np.float32))
    out, _ = ref.forward(s, {k: torch.tensor(v) for k, v in weights.items()}, torch.tensor(x))
    np.save(os.path.join(d, "expected.npy"), out.detach().numpy())
    meta = {"rtol": rtol, "atol": atol}
    if y is not None:
        np.save(os.path.join(d, "y.npy"), y.astype(np.int64))
        after, loss = ref.sgd_step(s, weights, x, y, lr)
        np.savez(os.path.join(d, "after_sgd.npz"), **after)
        meta.update({"learning_rate": lr, "batch_size": int(len(y)), "loss_before": loss})
    json.dump(meta, open(os.path.join(d, "case.json"), "w"), indent=1)


def main():
    for i, (name, s) in enumerate(FAMILIES.items()):
        rng = np.random.default_rng(100 + i)
        shape = s["input"]["shape"][1:]
        x = rng.uniform(0, 1, size=(6, *shape)).astype(np.float32).astype(np.float64)
        w = ref.init_weights(s, rng, x)
        y = rng.integers(0, s["layers"][-1].get("units", 4), size=6)
        rtol, atol = TOL.get(name, (1e-5, 1e-6))
        write("layer-" + name, s, w, x, rtol, atol, y=y, lr=0.1)
    models = os.path.join(HERE, "models")
    for i, f in enumerate(sorted(os.listdir(models))):
        s = json.load(open(os.path.join(models, f)))
        name = f[:-5]
        rng = np.random.default_rng(200 + i)
        x = rng.uniform(0, 1, size=(4, 28, 28, 1)).astype(np.float32).astype(np.float64)
        w = ref.init_weights(s, rng, x)
        rtol, atol = MODEL_TOL.get(name, (1e-5, 1e-6))
        write("model-" + name, s, w, x, rtol, atol)
    print("wrote parity cases to", HERE)


if __name__ == "__main__":
    main()
