#!/usr/bin/env python3
"""Small Keras-layout HDF5 weight files for tfgraph's VGG16 importer test (python3-h5py, numpy).

Regenerate from the repository root:  /usr/bin/python3 testdata/keras/gen_vgg_h5.py
Widths are VGG16's divided by 16 (4 ... 32 channels), so the files are tiny, but names, groups,
attributes and the [kh, kw, c_in, c_out] kernel layout are those Keras writes:
- vgg16_div16_keras2.h5: Keras 2 save_weights layout (root attr layer_names, group attr weight_names,
  datasets <layer>/<layer>/kernel:0 and bias:0), as in vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5;
- vgg16_div16_keras3.weights.h5: Keras 3 layout as newer Keras 3 releases write it (saving_lib): every layer of
  model.layers under layers/<class in snake case>[_k] (input_layer, conv2d, conv2d_1, max_pooling2d, ...), its
  variables vars/0, 1, and the layer's name as attribute "name" of vars;
- vgg16_div16_keras3_nested.weights.h5: the same base saved inside another model (Sequential([base, Dense])):
  layers/functional/layers/conv2d..., with the head's layers/dense/vars beside it; no name attributes;
- vgg16_div16_missing.h5: block3_conv2 absent;  vgg16_div16_misshaped.h5: block5_conv3 bias of 31 values.
Also writes vgg16_div16_expected.npz: the weights by tfgraph key, for the test to compare.
"""
import os
import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
CONVS = ["block1_conv1", "block1_conv2", "block2_conv1", "block2_conv2", "block3_conv1", "block3_conv2", "block3_conv3",
         "block4_conv1", "block4_conv2", "block4_conv3", "block5_conv1", "block5_conv2", "block5_conv3"]
WIDTHS = [64, 64, 128, 128, 256, 256, 256, 512, 512, 512, 512, 512, 512]


def weights():
    rng = np.random.default_rng(16)
    out, cin = {}, 3
    for name, w in zip(CONVS, WIDTHS):
        cout = w // 16
        out[name] = (rng.normal(size=(3, 3, cin, cout)).astype(np.float32) * 0.1, rng.normal(size=cout).astype(np.float32) * 0.01)
        cin = cout
    return out


def keras2(path, w, skip=None, bad_bias=None):
    with h5py.File(path, "w") as f:
        names = [n for n in CONVS if n != skip] + ["block1_pool", "block2_pool"]
        f.attrs["layer_names"] = np.array([n.encode() for n in names])
        f.attrs["backend"] = b"tensorflow"
        f.attrs["keras_version"] = b"2.15.0"
        for n in names:
            g = f.create_group(n)
            if n.endswith("pool"):
                g.attrs["weight_names"] = np.array([], dtype="S1")
                continue
            k, b = w[n]
            if n == bad_bias:
                b = b[:-1]
            g.attrs["weight_names"] = np.array([f"{n}/kernel:0".encode(), f"{n}/bias:0".encode()])
            g.create_dataset(f"{n}/kernel:0", data=k)
            g.create_dataset(f"{n}/bias:0", data=b)


def keras3(path, w):
    """Keras 3 saving_lib layout: layers are addressed by class (conv2d, conv2d_1, ...), not by name."""
    layers = ["input_layer"]
    for b in range(1, 6):
        layers += [n for n in CONVS if n.startswith(f"block{b}_")] + [f"block{b}_pool"]
    cls = lambda n: "input_layer" if n == "input_layer" else "max_pooling2d" if n.endswith("pool") else "conv2d"
    used = {}
    with h5py.File(path, "w") as f:
        f.create_group("vars")
        for n in layers:
            c = cls(n)
            used[c] = used.get(c, -1) + 1
            g = f.create_group(f"layers/{c}{'_' + str(used[c]) if used[c] else ''}/vars")
            g.attrs["name"] = n
            if n in w:
                g.create_dataset("0", data=w[n][0])
                g.create_dataset("1", data=w[n][1])


def keras3_nested(path, w):
    """A model saved inside another: the base's layers one level down, the outer model's own layers beside it."""
    with h5py.File(path, "w") as f:
        f.create_group("vars")
        f.create_group("layers/functional/vars")
        for i, n in enumerate(CONVS):
            g = f.create_group(f"layers/functional/layers/conv2d{'_' + str(i) if i else ''}/vars")
            g.create_dataset("0", data=w[n][0])
            g.create_dataset("1", data=w[n][1])
        d = f.create_group("layers/dense/vars")
        d.create_dataset("0", data=np.zeros((32, 10), np.float32))
        d.create_dataset("1", data=np.zeros(10, np.float32))


w = weights()
keras2(os.path.join(HERE, "vgg16_div16_keras2.h5"), w)
keras3(os.path.join(HERE, "vgg16_div16_keras3.weights.h5"), w)
keras3_nested(os.path.join(HERE, "vgg16_div16_keras3_nested.weights.h5"), w)
keras2(os.path.join(HERE, "vgg16_div16_missing.h5"), w, skip="block3_conv2")
keras2(os.path.join(HERE, "vgg16_div16_misshaped.h5"), w, bad_bias="block5_conv3")
np.savez(os.path.join(HERE, "vgg16_div16_expected.npz"),
         **{f"{n}.{k}": v for n in CONVS for k, v in zip(("kernel", "bias"), w[n])})
print("wrote", sorted(os.listdir(HERE)))
