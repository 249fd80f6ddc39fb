#!/usr/bin/env python3
"""Converts Keras weights (model.save_weights .h5 in Keras 2 layout, or a Keras 3 .weights.h5) to
tfgraph's .npz weight layout, by layer name.

Usage: keras_to_npz.py WEIGHTS.h5 OUT.npz --layers NAME:TYPE [NAME:TYPE ...]
TYPE is the tfgraph layer type (Dense, Conv2D, BatchNormalization, ...). Keras stores kernels as
[in, out] and [kh, kw, c_in, c_out] like tfgraph, so values are copied; names follow the contract:
Dense/Conv2D kernel, bias; BatchNormalization gamma, beta, moving_mean, moving_variance (Keras' order).
Keras 3 files list a layer's variables in the same order under layers/<name>/vars/0, 1, ...
Needs python3-h5py and numpy.
"""
import argparse
import h5py
import numpy as np

NAMES = {"Dense": ["kernel", "bias"], "Conv2D": ["kernel", "bias"],
         "BatchNormalization": ["gamma", "beta", "moving_mean", "moving_variance"]}


def layer_arrays(f, name):
    if "layers" in f and name in f["layers"]:
        vars_ = f["layers"][name]["vars"]
        return [np.array(vars_[str(i)]) for i in range(len(vars_))]
    g = f[name]
    return [np.array(g[n.decode() if isinstance(n, bytes) else n]) for n in g.attrs["weight_names"]]


def convert(path, layers):
    out = {}
    with h5py.File(path, "r") as f:
        for spec in layers:
            name, typ = spec.split(":")
            arrays = layer_arrays(f, name)
            names = NAMES.get(typ)
            if names is None or len(names) < len(arrays):
                raise SystemExit(f"{name}: no mapping for a {typ} with {len(arrays)} weights")
            for n, v in zip(names, arrays):
                out[f"{name}.{n}"] = v.astype(np.float64)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("weights"); ap.add_argument("out"); ap.add_argument("--layers", nargs="+", required=True)
    a = ap.parse_args()
    np.savez(a.out, **convert(a.weights, a.layers))


if __name__ == "__main__":
    main()
