#!/usr/bin/env python3
"""Small Keras-layout HDF5 weight files for tfgraph's ResNet50 importer test (python3-h5py, numpy).

Regenerate from the repository root, after testdata/resnet/gen_resnet.py (whose weights these files hold):
    /usr/bin/python3 testdata/keras/gen_resnet50_h5.py
Widths are ResNet50's divided by 32 (the parity test's weights, testdata/resnet/resnet50_div32_64_weights.npz),
so the files are small, but names, groups, attributes and layouts are those Keras writes:
- resnet50_div32_keras2.h5: Keras 2 save_weights layout, as resnet50_weights_tf_dim_ordering_tf_kernels_notop.h5:
  root attr layer_names (every layer, input_1 and the weightless ones included), a group per layer with attr
  weight_names ("conv1_conv/kernel:0", "conv1_conv/bias:0"; "conv1_bn/gamma:0", "beta:0", "moving_mean:0",
  "moving_variance:0"), datasets <layer>/<layer>/<weight>:0; kernels [kh, kw, c_in, c_out];
- resnet50_div32_keras3.weights.h5: Keras 3 layout as earlier Keras 3 releases write it (saving_lib, no "name" attribute):
  every layer of model.layers under layers/<class in snake case>[_k] in the model's layer order (input_layer,
  zero_padding2d, conv2d, batch_normalization, activation, ..., conv2d_52, batch_normalization_52, add_15),
  vars/0, 1 (conv: kernel, bias) and 0..3 (BatchNormalization: gamma, beta, moving_mean, moving_variance);
- resnet50_div32_missing.h5: no group conv4_block3_2_bn;
- resnet50_div32_misshaped.h5: conv3_block2_1_conv/kernel:0 of shape [1, 1, 16, 3] instead of [1, 1, 16, 4].
The test compares what it reads with the npz, key by key. The Keras 2 file is written as h5py and Keras write
by default (libver "earliest", as the real download); the others with libver "latest" (compact object headers,
half the size), which also has jHDF read the newer HDF5 structures.
"""
import os

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
RESNET = os.path.join(HERE, "..", "resnet")
WEIGHTS = {"conv": ("kernel", "bias"), "bn": ("gamma", "beta", "moving_mean", "moving_variance")}


def layer_weights(w, name):
    kind = name.rsplit("_", 1)[1]
    return [(k, w[f"{name}.{k}"]) for k in WEIGHTS[kind]] if kind in WEIGHTS else []


def keras2(path, w, names, skip=None, bad=None, libver="earliest"):
    names = ["input_1"] + [n for n in names if n != skip]
    with h5py.File(path, "w", libver=libver) as f:
        f.attrs["layer_names"] = np.array([n.encode() for n in names])
        f.attrs["backend"] = b"tensorflow"
        f.attrs["keras_version"] = b"2.2.4"
        for n in names:
            g = f.create_group(n)
            ws = layer_weights(w, n)
            g.attrs["weight_names"] = np.array([f"{n}/{k}:0".encode() for k, _ in ws], dtype="S" if ws else "S1")
            for k, v in ws:
                if bad == (n, k):
                    v = v[..., :-1]
                g.create_dataset(f"{n}/{k}:0", data=v)


CLASSES = {"pad": "zero_padding2d", "conv": "conv2d", "bn": "batch_normalization", "relu": "activation",
           "pool": "max_pooling2d", "add": "add", "out": "activation"}


def keras3(path, w, names):
    """Keras 3 saving_lib layout: a layer is addressed by its class and rank among that class, not by name."""
    used = {}
    with h5py.File(path, "w", libver="latest") as f:
        f.create_group("vars")
        for n in ["input_layer"] + names:
            c = "input_layer" if n == "input_layer" else CLASSES[n.rsplit("_", 1)[1]]
            used[c] = used.get(c, -1) + 1
            g = f.create_group(f"layers/{c}{'_' + str(used[c]) if used[c] else ''}/vars")
            for i, (_, v) in enumerate(layer_weights(w, n) if n != "input_layer" else []):
                g.create_dataset(str(i), data=v)


w = dict(np.load(os.path.join(RESNET, "resnet50_div32_64_weights.npz")))
names = open(os.path.join(RESNET, "resnet50_keras_layers.txt")).read().split()
keras2(os.path.join(HERE, "resnet50_div32_keras2.h5"), w, names)
keras3(os.path.join(HERE, "resnet50_div32_keras3.weights.h5"), w, names)
keras2(os.path.join(HERE, "resnet50_div32_missing.h5"), w, names, skip="conv4_block3_2_bn", libver="latest")
keras2(os.path.join(HERE, "resnet50_div32_misshaped.h5"), w, names, bad=("conv3_block2_1_conv", "kernel"), libver="latest")
print("wrote", sorted(f for f in os.listdir(HERE) if f.startswith("resnet50")))
