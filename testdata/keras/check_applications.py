#!/usr/bin/env python3
"""keras.applications backbones through tfgraph's Keras import: Keras' predict against tfgraph's export.

Too large to commit as fixtures, so this script builds them, with Keras 3 on TensorFlow:

    # a Python with Keras 3 and TensorFlow: the test command makes one: python/run_tests.sh python/target/pyenv
    KERAS_BACKEND=tensorflow python/target/pyenv/bin/python testdata/keras/check_applications.py [--size 64] [--work DIR] [NAME ...]

from the repository root, after `mvn -q -B -o -DskipTests package` (it runs ./tfgraph). For each model
(default: all of MODELS) it builds keras.applications.NAME(weights=None, include_top=True,
classifier_activation=None, input_shape=(size, size, 3)), draws every bias, BatchNormalization gamma, beta
and moving statistics at random (kernels keep Keras' glorot draw), saves NAME.keras, predicts on two random
images, then runs `./tfgraph export --keras NAME.keras --out DIR/NAME` and `./tfgraph predict`, and prints
one row per model: parameters, the scaled error max |got - want| / max |want| (an import must keep it <= 1e-4) and
the seconds of each step. Exit 1 when a model fails or exceeds the tolerance.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np
import keras

MODELS = ["VGG16", "VGG19", "ResNet50", "ResNet101", "ResNet152", "ResNet50V2", "ResNet101V2", "ResNet152V2",
          "DenseNet121", "DenseNet169", "DenseNet201"]
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def randomise(model, rng):
    for layer in model.layers:
        ws = layer.get_weights()
        if not ws:
            continue
        names = [w.name for w in layer.weights]
        new = []
        for n, v in zip(names, ws):
            if n == "moving_variance":
                v = rng.uniform(0.5, 2.0, v.shape)
            elif n == "gamma":
                v = rng.uniform(0.5, 1.5, v.shape)
            elif n in ("beta", "bias", "moving_mean"):
                v = rng.normal(0, 0.1, v.shape)
            new.append(v.astype(np.float32))
        layer.set_weights(new)


def run(cmd):
    t = time.time()
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(" ".join(cmd) + " -> exit " + str(r.returncode) + ": " + r.stderr.strip()[-500:])
    return time.time() - t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=64)
    ap.add_argument("--work", default=None)
    ap.add_argument("names", nargs="*", default=MODELS)
    a = ap.parse_args()
    work = a.work or tempfile.mkdtemp(prefix="tfgraph-apps-")
    os.makedirs(work, exist_ok=True)
    rng = np.random.default_rng(26)
    keras.utils.set_random_seed(26)
    print("| model | params | scaled error | keras save+predict s | tfgraph export s | tfgraph predict s |")
    print("|---|---:|---:|---:|---:|---:|")
    bad = 0
    for name in a.names:
        try:
            t = time.time()
            m = getattr(keras.applications, name)(weights=None, include_top=True, classifier_activation=None,
                                                  input_shape=(a.size, a.size, 3))
            randomise(m, rng)
            path = os.path.join(work, name + ".keras")
            m.save(path)
            x = rng.uniform(0, 1, (2, a.size, a.size, 3)).astype(np.float32)
            want = m.predict(x, verbose=0)
            np.save(os.path.join(work, name + ".x.npy"), x)
            keras_s = time.time() - t
            base = os.path.join(work, name)
            shutil.rmtree(base, ignore_errors=True)
            export_s = run(["./tfgraph", "export", "--keras", path, "--out", base])
            out = os.path.join(work, name + ".got.npy")
            predict_s = run(["./tfgraph", "predict", "--model", base, "--input", os.path.join(work, name + ".x.npy"), "--output", out])
            got = np.load(out)
            err = float(np.max(np.abs(got - want)) / np.max(np.abs(want)))
            bad += err > 1e-4
            print("| %s | %s | %.2e | %.1f | %.1f | %.1f |" % (name, format(m.count_params(), ","), err, keras_s, export_s, predict_s), flush=True)
            shutil.rmtree(base, ignore_errors=True)
            os.remove(path)
        except Exception as e:   # one row per model, failures included
            bad += 1
            print("| %s | - | FAILED: %s | | | |" % (name, str(e).replace("\n", " ")[:300]), flush=True)
        keras.backend.clear_session()
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
