#!/usr/bin/env python3
"""Cross-checks tools/torch_to_npz.py and tools/keras_to_npz.py on small models and writes what the
Java test ConvertersTest needs: for each, the tfgraph spec, the converted .npz, an input and the
framework's own float64 output on it.

Regenerate from the repository root:  /usr/bin/python3 testdata/converters/gen_converters.py
The PyTorch model: Conv2d(2, 3, 3, padding=1) -> BatchNorm2d -> ReLU -> Flatten -> Linear(48, 4) -> softmax,
on NHWC input (PyTorch sees the NCHW transpose; Flatten order differs, so the Linear's input columns
are permuted to NHWC order before conversion, as a user porting such a model must do).
The Keras file: a Dense(5, relu) + Dense(3, softmax) model's weights in Keras 2 layout (written with
h5py as Keras does), and the output computed with numpy.
"""
import json, os, subprocess, sys
import numpy as np
import h5py
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.join(HERE, "..", "..")
torch.set_default_dtype(torch.float64)
torch.manual_seed(0)


def f32(a):
    return np.asarray(a).astype(np.float32).astype(np.float64)


def torch_case():
    conv, bn, lin = torch.nn.Conv2d(2, 3, 3, padding=1), torch.nn.BatchNorm2d(3, eps=1e-3), torch.nn.Linear(48, 4)
    with torch.no_grad():
        for p in list(conv.parameters()) + list(lin.parameters()):
            p.copy_(torch.tensor(f32(p.numpy())))
        bn.weight.copy_(torch.tensor(f32(np.random.default_rng(1).uniform(0.5, 1.5, 3))))
        bn.bias.copy_(torch.tensor(f32([0.1, -0.2, 0.3])))
        bn.running_mean.copy_(torch.tensor(f32([0.05, -0.1, 0.2])))
        bn.running_var.copy_(torch.tensor(f32([0.9, 1.1, 1.3])))
    bn.eval()
    x = f32(np.random.default_rng(2).normal(size=(5, 4, 4, 2)))            # NHWC
    h = torch.relu(bn(conv(torch.tensor(x).permute(0, 3, 1, 2))))          # NCHW
    y = torch.softmax(lin(h.reshape(5, -1)), -1).detach().numpy()
    # tfgraph flattens NHWC: the Linear's input columns must be reordered from (c, h, w) to (h, w, c)
    perm = np.arange(48).reshape(3, 4, 4).transpose(1, 2, 0).reshape(-1)
    state = {"conv.weight": conv.weight, "conv.bias": conv.bias, "bn.weight": bn.weight, "bn.bias": bn.bias,
             "bn.running_mean": bn.running_mean, "bn.running_var": bn.running_var, "bn.num_batches_tracked": bn.num_batches_tracked,
             "head.weight": lin.weight[:, perm], "head.bias": lin.bias}
    torch.save({k: v.detach().float() if v.is_floating_point() else v for k, v in state.items()}, os.path.join(HERE, "torch_state.pt"))
    subprocess.run([sys.executable, os.path.join(ROOT, "tools", "torch_to_npz.py"), os.path.join(HERE, "torch_state.pt"),
                    os.path.join(HERE, "torch_weights.npz")], check=True)
    spec = {"format_version": 1, "name": "from-torch", "input": {"name": "x", "shape": [None, 4, 4, 2], "dtype": "float32"},
            "layers": [{"type": "Conv2D", "name": "conv", "filters": 3, "kernel_size": [3, 3], "padding": "same"},
                       {"type": "BatchNormalization", "name": "bn", "epsilon": 1e-3},
                       {"type": "Activation", "name": "relu", "activation": "relu"}, {"type": "Flatten", "name": "flat"},
                       {"type": "Dense", "name": "head", "units": 4, "activation": "softmax"}]}
    json.dump(spec, open(os.path.join(HERE, "torch_spec.json"), "w"), indent=1)
    np.save(os.path.join(HERE, "torch_x.npy"), x.astype(np.float32))
    np.save(os.path.join(HERE, "torch_y.npy"), y)


def keras_case():
    rng = np.random.default_rng(3)
    w = {"dense_1": (f32(rng.normal(size=(6, 5))), f32(rng.normal(size=5) * 0.1)),
         "dense_2": (f32(rng.normal(size=(5, 3))), f32(rng.normal(size=3) * 0.1))}
    with h5py.File(os.path.join(HERE, "keras_weights.h5"), "w") as f:
        f.attrs["layer_names"] = np.array([b"dense_1", b"dense_2"])
        for n, (k, b) in w.items():
            g = f.create_group(n)
            g.attrs["weight_names"] = np.array([f"{n}/kernel:0".encode(), f"{n}/bias:0".encode()])
            g.create_dataset(f"{n}/kernel:0", data=k.astype(np.float32))
            g.create_dataset(f"{n}/bias:0", data=b.astype(np.float32))
    subprocess.run([sys.executable, os.path.join(ROOT, "tools", "keras_to_npz.py"), os.path.join(HERE, "keras_weights.h5"),
                    os.path.join(HERE, "keras_weights.npz"), "--layers", "dense_1:Dense", "dense_2:Dense"], check=True)
    x = f32(rng.normal(size=(4, 6)))
    h = np.maximum(x @ w["dense_1"][0] + w["dense_1"][1], 0)
    z = h @ w["dense_2"][0] + w["dense_2"][1]
    y = np.exp(z - z.max(1, keepdims=True)); y /= y.sum(1, keepdims=True)
    spec = {"format_version": 1, "name": "from-keras", "input": {"name": "x", "shape": [None, 6], "dtype": "float32"},
            "layers": [{"type": "Dense", "name": "dense_1", "units": 5, "activation": "relu"},
                       {"type": "Dense", "name": "dense_2", "units": 3, "activation": "softmax"}]}
    json.dump(spec, open(os.path.join(HERE, "keras_spec.json"), "w"), indent=1)
    np.save(os.path.join(HERE, "keras_x.npy"), x.astype(np.float32))
    np.save(os.path.join(HERE, "keras_y.npy"), y)


torch_case()
keras_case()
print("wrote", sorted(os.listdir(HERE)))
