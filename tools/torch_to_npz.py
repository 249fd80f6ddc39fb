#!/usr/bin/env python3
"""Converts a PyTorch state dict (torch.save(model.state_dict(), F)) to tfgraph's .npz weight layout.

Usage: torch_to_npz.py STATE_DICT.pt OUT.npz [--map torch_prefix=tfgraph_layer ...]
Names: "<module>.weight"/"<module>.bias" become "<layer>.kernel"/"<layer>.bias", where <layer> is the
module path with '.' replaced by '_' (or given by --map). Linear weights [out, in] are transposed to
[in, out]; Conv2d weights OIHW become HWIO; BatchNorm2d/1d weight, bias, running_mean, running_var become
gamma, beta, moving_mean, moving_variance (num_batches_tracked is dropped). Any other tensor keeps its
name's last part (e.g. a custom layer's "alpha"). Needs python3-torch and numpy.
"""
import argparse
import numpy as np
import torch


def convert(state, mapping=None):
    mapping = mapping or {}
    modules = {}
    for name, t in state.items():
        mod, _, leaf = name.rpartition(".")
        modules.setdefault(mod, {})[leaf] = t.detach().cpu().numpy().astype(np.float64)
    out = {}
    for mod, params in modules.items():
        layer = mapping.get(mod, mod.replace(".", "_"))
        if "running_mean" in params:   # batch norm
            out[layer + ".gamma"] = params["weight"]
            out[layer + ".beta"] = params["bias"]
            out[layer + ".moving_mean"] = params["running_mean"]
            out[layer + ".moving_variance"] = params["running_var"]
            continue
        for leaf, v in params.items():
            if leaf == "weight" and v.ndim == 2:
                out[layer + ".kernel"] = v.T                       # Linear [out, in] -> [in, out]
            elif leaf == "weight" and v.ndim == 4:
                out[layer + ".kernel"] = v.transpose(2, 3, 1, 0)   # OIHW -> HWIO
            elif leaf == "bias":
                out[layer + ".bias"] = v
            else:
                out[layer + "." + leaf] = v
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("state_dict"); ap.add_argument("out"); ap.add_argument("--map", nargs="*", default=[])
    a = ap.parse_args()
    state = torch.load(a.state_dict, map_location="cpu")
    out = convert(state, dict(m.split("=", 1) for m in a.map))
    np.savez(a.out, **{k: np.ascontiguousarray(v) for k, v in out.items()})


if __name__ == "__main__":
    main()
