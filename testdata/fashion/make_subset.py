#!/usr/bin/env python3
"""Writes the stratified Fashion-MNIST subset that tfgraph ships as its default data.

Regenerate (from the repository root, after `apt-get install dataset-fashion-mnist`):
    python3 testdata/fashion/make_subset.py /usr/share/datasets/fashion-mnist
Takes the first 600 training images of each class (6,000 in all) and the first 100 test images
of each class (1,000), in their original order, and writes them in the same IDX .gz format.
"""
import gzip, struct, sys
import numpy as np

def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    ndim = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(dims)

def write_idx(path, arr):
    header = struct.pack(">I", 0x0800 | arr.ndim) + struct.pack(">" + "I" * arr.ndim, *arr.shape)
    with gzip.GzipFile(path, "wb", mtime=0) as f:
        f.write(header + arr.astype(np.uint8).tobytes())

def subset(images, labels, per_class):
    keep = np.sort(np.concatenate([np.flatnonzero(labels == c)[:per_class] for c in range(10)]))
    return images[keep], labels[keep]

src = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist"
for split, per_class in (("train", 600), ("t10k", 100)):
    x, y = subset(read_idx(f"{src}/{split}-images-idx3-ubyte.gz"), read_idx(f"{src}/{split}-labels-idx1-ubyte.gz"), per_class)
    write_idx(f"{split}-images-idx3-ubyte.gz", x)
    write_idx(f"{split}-labels-idx1-ubyte.gz", y)
    print(split, x.shape, np.bincount(y))
