#!/usr/bin/env python3
"""Hostile Keras 2 weight files for tfgraph's HDF5 guard (HdfLinksTest; python3-h5py, numpy).

Regenerate from the repository root:  /usr/bin/python3 testdata/keras/gen_hostile_h5.py
(Debian: apt-get install -y python3-h5py). The Java tests read the committed files; they never run this.

Every file is the Keras 2 save_weights layout of two layers of tfgraph's small VGG16
(Models.ibVgg16(32, 16, ...): block1_conv1 kernel [3, 3, 3, 4], block1_conv2 kernel [3, 3, 4, 4], biases [4]),
with one hostile change:
- hdf5_base.h5: none (reads; also the target of the external links below);
- hdf5_gzip.h5: none, but every dataset is chunked, shuffled and gzip-compressed (reads);
- hdf5_external_link.h5: group /block1_conv1 is an external link to hdf5_base.h5:/block1_conv1;
- hdf5_external_link_dataset.h5: dataset block1_conv1/block1_conv1/kernel:0 is an external link;
- hdf5_external_storage.h5: that dataset keeps its data in hdf5_external_storage.raw (external storage);
- hdf5_virtual.h5: that dataset is a virtual dataset mapped from hdf5_base.h5 (libver latest);
- hdf5_soft_self.h5: /block1_conv1 is a soft link to itself;
- hdf5_soft_cycle.h5: kernel:0 -> /a -> b/c -> kernel:0, three soft links in a cycle;
- hdf5_soft_ok.h5: kernel:0 is a soft link to /store/k, a real dataset (reads);
- hdf5_hard_cycle.h5: group block1_conv1/block1_conv1 holds a hard link "loop" to /block1_conv1;
- hdf5_bias_huge.h5: bias:0 of block1_conv1 has 2^40 elements (chunked, nothing written);
- hdf5_bias_int.h5: bias:0 of block1_conv1 is int32;
- hdf5_bias_unwritten.h5: bias:0 of block1_conv1 is declared [4] but its storage never written;
- hdf5_deflate_bomb.h5: bias:0 of block1_conv1 is resizable, in one gzip chunk of 2^24 floats that inflates to 64 MiB
  of zeros (64 KiB in the file) for its 4 values.
"""
import os
import zlib
import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(25)
W = {"block1_conv1": (rng.normal(size=(3, 3, 3, 4)).astype(np.float32), rng.normal(size=4).astype(np.float32)),
     "block1_conv2": (rng.normal(size=(3, 3, 4, 4)).astype(np.float32), rng.normal(size=4).astype(np.float32))}
KERNEL = "block1_conv1/block1_conv1/kernel:0"
BIAS = "block1_conv1/block1_conv1/bias:0"


def keras2(name, change=None, compress=False, **kw):
    with h5py.File(os.path.join(HERE, name), "w", **kw) as f:
        f.attrs["layer_names"] = np.array([n.encode() for n in W])
        f.attrs["backend"] = b"tensorflow"
        f.attrs["keras_version"] = b"2.15.0"
        for n, (k, b) in W.items():
            g = f.create_group(n)
            g.attrs["weight_names"] = np.array([f"{n}/kernel:0".encode(), f"{n}/bias:0".encode()])
            opts = dict(chunks=True, shuffle=True, compression="gzip") if compress else {}
            g.create_dataset(f"{n}/kernel:0", data=k, **opts)
            g.create_dataset(f"{n}/bias:0", data=b, **opts)
        if change:
            change(f)


def replace(f, path, make):
    parent, leaf = path.rsplit("/", 1)
    del f[path]
    make(f[parent], leaf)


keras2("hdf5_base.h5")
keras2("hdf5_gzip.h5", compress=True)


def external_link(f):
    del f["block1_conv1"]
    f["block1_conv1"] = h5py.ExternalLink("hdf5_base.h5", "/block1_conv1")


keras2("hdf5_external_link.h5", external_link)
keras2("hdf5_external_link_dataset.h5", lambda f: replace(f, KERNEL, lambda g, n: g.__setitem__(n, h5py.ExternalLink("hdf5_base.h5", "/" + KERNEL))))
W["block1_conv1"][0].tofile(os.path.join(HERE, "hdf5_external_storage.raw"))
keras2("hdf5_external_storage.h5", lambda f: replace(f, KERNEL, lambda g, n: g.create_dataset(
    n, shape=(3, 3, 3, 4), dtype="<f4", external=[("hdf5_external_storage.raw", 0, 3 * 3 * 3 * 4 * 4)])))


def virtual(f):
    layout = h5py.VirtualLayout(shape=(3, 3, 3, 4), dtype="<f4")
    layout[...] = h5py.VirtualSource("hdf5_base.h5", "/" + KERNEL, shape=(3, 3, 3, 4))
    replace(f, KERNEL, lambda g, n: g.create_virtual_dataset(n, layout))


keras2("hdf5_virtual.h5", virtual, libver="latest")


def soft_self(f):
    del f["block1_conv1"]
    f["block1_conv1"] = h5py.SoftLink("/block1_conv1")


keras2("hdf5_soft_self.h5", soft_self)


def soft_cycle(f):
    replace(f, KERNEL, lambda g, n: g.__setitem__(n, h5py.SoftLink("/a")))
    f["a"] = h5py.SoftLink("b/c")
    f.create_group("b")
    f["b/c"] = h5py.SoftLink("/" + KERNEL)


keras2("hdf5_soft_cycle.h5", soft_cycle)


def soft_ok(f):
    f.create_group("store").create_dataset("k", data=W["block1_conv1"][0])
    replace(f, KERNEL, lambda g, n: g.__setitem__(n, h5py.SoftLink("/store/k")))


keras2("hdf5_soft_ok.h5", soft_ok)
keras2("hdf5_hard_cycle.h5", lambda f: f["block1_conv1/block1_conv1"].__setitem__("loop", f["block1_conv1"]))
keras2("hdf5_bias_huge.h5", lambda f: replace(f, BIAS, lambda g, n: g.create_dataset(n, shape=(2 ** 40,), dtype="<f4", chunks=(1024,))))
keras2("hdf5_bias_int.h5", lambda f: replace(f, BIAS, lambda g, n: g.create_dataset(n, data=np.arange(4, dtype=np.int32))))
keras2("hdf5_bias_unwritten.h5", lambda f: replace(f, BIAS, lambda g, n: g.create_dataset(n, shape=(4,), dtype="<f4")))


def deflate_bomb(g, n):
    d = g.create_dataset(n, shape=(4,), maxshape=(None,), dtype="<f4", chunks=(1 << 24,), compression="gzip")
    d.id.write_direct_chunk((0,), zlib.compress(bytes(1 << 26), 9), filter_mask=0)


keras2("hdf5_deflate_bomb.h5", lambda f: replace(f, BIAS, deflate_bomb))
np.savez(os.path.join(HERE, "hdf5_expected.npz"), **{f"{n}.{k}": v for n, kb in W.items() for k, v in zip(("kernel", "bias"), kb)})
print("wrote", sorted(f for f in os.listdir(HERE) if f.startswith("hdf5_")))
