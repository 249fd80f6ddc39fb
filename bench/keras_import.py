#!/usr/bin/env python3
"""The Keras side of bench/keras_import.sh (run by it; see that script and docs/benchmarks-keras.md).

    PY bench/keras_import.py write DIR                    builds ResNet50, saves DIR/resnet50.keras, DIR/x.npy, DIR/want.npy
    PY bench/keras_import.py keras DIR VERSION THREADS R32 R1   a fresh process: import and load_model timed, then at
                                                          each batch size Keras' predict, its direct call and tfgraph's
                                                          export (VERSION: its version folder) run by TF in Python
    PY bench/keras_import.py check DIR                    max |got - want| / max |want| of DIR/got.npy against DIR/want.npy

PY is a Python with Keras 3 and TensorFlow (python/target/pyenv/bin/python, which the test command makes
with Keras 3.15.1 and TensorFlow 2.21). Each command prints one JSON line per measurement. Times are wall seconds (time.perf_counter);
inference times are medians of R32 runs at batch 32 and R1 runs at batch 1, after 3 untimed warm-up runs.
"""
import json
import os
import sys
import time

T0 = time.perf_counter()   # before TensorFlow is imported: "keras" reports import + load_model from here
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")   # as ./tfgraph sets it
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "testdata", "keras"))
WARMUP = 3
CAFFE_MEAN_BGR = np.array([103.939, 116.779, 123.68], np.float32)


def emit(**kw):
    print(json.dumps(kw), flush=True)


def threads(n):
    import tensorflow as tf
    tf.config.threading.set_intra_op_parallelism_threads(n)
    tf.config.threading.set_inter_op_parallelism_threads(n)


def median_ms(fn, runs):
    for _ in range(WARMUP):
        fn()
    ts = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        ts.append((time.perf_counter() - t) * 1e3)
    return float(np.median(ts)), float(min(ts)), float(max(ts))


def write(d):
    import keras
    from check_applications import randomise   # random biases, BatchNorm gamma/beta and moving statistics
    keras.utils.set_random_seed(26)
    rng = np.random.default_rng(26)
    m = keras.applications.ResNet50(weights=None, input_shape=(224, 224, 3), classifier_activation=None)
    randomise(m, rng)
    path = os.path.join(d, "resnet50.keras")
    t = time.perf_counter()
    m.save(path)
    save_s = time.perf_counter() - t
    # ResNet50's own pixels: caffe preprocessing (BGR, 0-255 less the ImageNet mean), no preprocessing layer inside
    x = (rng.uniform(0, 255, (32, 224, 224, 3)) - CAFFE_MEAN_BGR).astype(np.float32)
    np.save(os.path.join(d, "x.npy"), x)
    np.save(os.path.join(d, "want.npy"), m.predict(x, batch_size=32, verbose=0))
    emit(step="write", params=int(m.count_params()), save_s=round(save_s, 3),
         file_mb=round(os.path.getsize(path) / 2**20, 1))


def keras_side(d, version_dir, n, r32, r1):
    import keras
    import tensorflow as tf
    threads(n)
    import_s = time.perf_counter() - T0
    t = time.perf_counter()
    m = keras.saving.load_model(os.path.join(d, "resnet50.keras"))
    load_s = time.perf_counter() - t
    emit(step="keras_load", import_s=round(import_s, 3), load_model_s=round(load_s, 3),
         import_and_load_s=round(time.perf_counter() - T0, 3))
    x = np.load(os.path.join(d, "x.npy"))
    err = scaled_error(m.predict(x, batch_size=32, verbose=0), np.load(os.path.join(d, "want.npy")))
    emit(step="keras_reload_check", scaled_error=err)
    f = tf.saved_model.load(version_dir).signatures["serving_default"]   # tfgraph's export, same process and threads
    name = list(f.structured_input_signature[1].keys())[0]
    for b, runs in ((32, r32), (1, r1)):
        xb = x[:b]
        med, lo, hi = median_ms(lambda: m.predict(xb, batch_size=b, verbose=0), runs)
        emit(step="keras_predict", batch=b, runs=runs, ms=round(med, 2), min_ms=round(lo, 2), max_ms=round(hi, 2))
        med, lo, hi = median_ms(lambda: m(xb, training=False).numpy(), runs)
        emit(step="keras_call", batch=b, runs=runs, ms=round(med, 2), min_ms=round(lo, 2), max_ms=round(hi, 2))
        xt = tf.constant(xb)
        med, lo, hi = median_ms(lambda: f(**{name: xt})["output"].numpy(), runs)
        emit(step="saved_model_tf_python", batch=b, runs=runs, ms=round(med, 2), min_ms=round(lo, 2), max_ms=round(hi, 2))


def scaled_error(got, want):
    return float(np.max(np.abs(got - want)) / np.max(np.abs(want)))


def main(a):
    if a[0] == "write":
        write(a[1])
    elif a[0] == "keras":
        keras_side(a[1], a[2], int(a[3]), int(a[4]), int(a[5]))
    elif a[0] == "check":
        got, want = np.load(os.path.join(a[1], "got.npy")), np.load(os.path.join(a[1], "want.npy"))
        err = scaled_error(got, want)
        emit(step="check", shape=list(got.shape), scaled_error=err, ok=bool(got.shape == want.shape and err <= 1e-4))
    else:
        sys.exit("unknown command " + a[0] + ": expected write, keras or check")


if __name__ == "__main__":
    main(sys.argv[1:])
