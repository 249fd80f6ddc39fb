"""What the four examples share: the Fashion-MNIST subset this repository ships, their command line,
and what each one saves for tfgraph to check.

The subset is testdata/fashion (6,000 training and 1,000 test images, IDX files, gzip-compressed). It is
read as tfgraph reads an IDX folder: pixels / 255 as float32 [n, 28, 28, 1], integer labels.
"""
import argparse
import gzip
import json
import os
import pathlib
import struct

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
FASHION = ROOT / "testdata" / "fashion"


def read_idx(path):
    """An IDX array (MNIST's format) from a .gz file, as uint8."""
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, = struct.unpack(">I", data[:4])
    if magic >> 8 != 0x08:
        raise ValueError("%s: IDX type 0x%02x, expected 0x08 (unsigned bytes)" % (path, magic >> 8))
    ndim = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(dims)


def fashion_mnist(limit=None, folder=FASHION):
    """(x_train, y_train), (x_test, y_test); limit keeps the first N of each split."""
    def split(prefix):
        x = read_idx(folder / (prefix + "-images-idx3-ubyte.gz"))[:limit]
        y = read_idx(folder / (prefix + "-labels-idx1-ubyte.gz"))[:limit]
        return (x.astype("float32") / 255.0)[..., None], y.astype("int64")
    return split("train"), split("t10k")


def arguments(description, epochs=2):
    """The options every example takes."""
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--epochs", type=int, default=epochs, help="training epochs (default %(default)s)")
    p.add_argument("--out", default="out/keras-examples", help="folder for NAME.keras and the check files")
    p.add_argument("--limit", type=int, default=None, help="use only the first N training and N test examples")
    p.add_argument("--batch-size", type=int, default=64, help="default %(default)s")
    p.add_argument("--seed", type=int, default=0, help="Keras' seed (initial weights, shuffling, dropout)")
    p.add_argument("--samples", type=int, default=32, help="test inputs saved with Keras' predictions")
    return p


def train(model, args, data, learning_rate=1e-3):
    """Compiles with Adam and sparse categorical cross-entropy, fits, returns the test accuracy."""
    (x_train, y_train), (x_test, y_test) = data
    model.compile(keras.optimizers.Adam(learning_rate), "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x_train, y_train, epochs=args.epochs, batch_size=args.batch_size, verbose=2)
    return float(model.evaluate(x_test, y_test, verbose=0)[1])


def save(name, model, args, data, accuracy):
    """Saves OUT/NAME.keras, then the first test inputs (NAME.x.npy) and the saved file's predictions on
    them (NAME.keras_y.npy); prints the test accuracy and one JSON line (the last line of stdout)."""
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    path = out / (name + ".keras")
    model.save(path)
    x = data[1][0][:args.samples]
    y = keras.saving.load_model(path).predict(x, verbose=0)    # what the file predicts, not the object
    np.save(out / (name + ".x.npy"), x)
    np.save(out / (name + ".keras_y.npy"), y)
    print("test accuracy: %.4f" % accuracy)
    print(json.dumps({"model": name, "file": str(path), "epochs": args.epochs, "train_examples": len(data[0][0]),
                      "test_examples": len(data[1][0]), "test_accuracy": round(accuracy, 4),
                      "backend": keras.backend.backend()}))
