"""Serves the examples' Keras models with tfgraph, checks that tfgraph predicts what Keras predicted, then
continues one model's training in Java and brings it back to Keras.

    python examples/keras/round_trip.py --out out/keras-examples            # after the four examples

For each NAME.keras an example saved in OUT (with NAME.x.npy and NAME.keras_y.npy next to it):

    ./tfgraph export --keras OUT/NAME.keras --out OUT/serving/NAME
    ./tfgraph predict --model OUT/serving/NAME --input OUT/NAME.x.npy --output OUT/NAME.tfgraph_y.npy
    ./tfgraph parity --model OUT/serving/NAME --input OUT/NAME.x.npy --expected OUT/NAME.keras_y.npy --scale-tol 1e-4

Then, for the model named by --continue (default soft_exponential):

    ./tfgraph spec --keras OUT/NAME.keras > OUT/NAME.spec.json
    ./tfgraph train --keras OUT/NAME.keras --epochs 1 --save-weights OUT/NAME.java.npz --export OUT/serving/NAME_java
    ./tfgraph export --spec OUT/NAME.spec.json --weights OUT/NAME.java.npz --format keras --out OUT/NAME.back.keras
    ./tfgraph predict --model OUT/serving/NAME_java --input OUT/NAME.x.npy --output OUT/NAME.java_y.npy

and Keras opens NAME.back.keras: its weights must be those Java trained, bit for bit (and not those Keras
saved), and its predict must equal tfgraph's within 1e-4 of the output's scale. train uses the data the
repository ships (testdata/fashion). predict and parity run with --trusted: the folders are the ones
export just wrote and verified. Exit status 0 when every check passes, 1 otherwise; the last line of
stdout is a JSON summary.
"""
import argparse
import concurrent.futures
import json
import os
import pathlib
import subprocess
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402

import tfgraph_keras  # noqa: E402,F401  (registers tfgraph>TYPE, so that load_model opens the seed layers)

ROOT = pathlib.Path(__file__).resolve().parents[2]
NAMES = ("taylor_cnn", "prototype_net", "ib_cnn", "soft_exponential")
SCALE_TOL = 1e-4


class Tfgraph:
    """Runs the ./tfgraph launcher and keeps each command line in log (tasks run side by side). An exit
    status other than 0 is an error naming the command and its stderr, except 1 from parity (a check that
    failed), which the caller reads."""

    def __init__(self, launcher):
        self.launcher = str(launcher)
        self.log = []

    def __call__(self, *args, stdout=None):
        cmd = [self.launcher, *map(str, args)]
        self.log.append("$ tfgraph " + " ".join(cmd[1:]))
        r = subprocess.run(cmd, stdout=subprocess.PIPE if stdout is None else stdout, stderr=subprocess.PIPE,
                           text=True, check=False)
        if r.returncode != 0 and not (args[0] == "parity" and r.returncode == 1):
            raise RuntimeError("tfgraph %s: exit %d: %s" % (args[0], r.returncode, r.stderr.strip()))
        return r


def scaled_error(got, want):
    """max |got - want| / max |want|: the tolerance's measure."""
    got, want = np.asarray(got, "float64"), np.asarray(want, "float64")
    if got.shape != want.shape:
        raise ValueError("shape %s, expected %s" % (got.shape, want.shape))
    return float(np.max(np.abs(got - want)) / np.max(np.abs(want)))


def serve(tfgraph, out, name):
    """Exports NAME.keras as a SavedModel, predicts with it and checks parity with Keras' predictions."""
    model, x, want = out / (name + ".keras"), out / (name + ".x.npy"), out / (name + ".keras_y.npy")
    base, got = out / "serving" / name, out / (name + ".tfgraph_y.npy")
    tfgraph("export", "--keras", model, "--out", base)
    tfgraph("predict", "--trusted", "--model", base, "--input", x, "--output", got)
    parity = tfgraph("parity", "--trusted", "--model", base, "--input", x, "--expected", want,
                     "--scale-tol", SCALE_TOL)
    report = json.loads(parity.stdout.strip().splitlines()[-1])
    error = scaled_error(np.load(got), np.load(want))
    return {"model": name, "parity": report["pass"] and parity.returncode == 0, "scaled_error": error,
            "parity_scaled_error": report["scaled_error"]}


def keras_weights(model):
    """{<layer>.<weight>: array}, the names tfgraph gives them (a nested model's layers by their own names)."""
    found = {}
    for layer in model.layers:
        if isinstance(layer, keras.Model):
            found.update(keras_weights(layer))
        else:
            found.update({"%s.%s" % (layer.name, w.name): np.asarray(w.numpy()) for w in layer.weights})
    return found


def continue_in_java(tfgraph, out, name, max_steps):
    """Trains NAME.keras on in tfgraph, writes it back as .keras and checks Keras against tfgraph."""
    model, x = out / (name + ".keras"), out / (name + ".x.npy")
    spec, weights, back = out / (name + ".spec.json"), out / (name + ".java.npz"), out / (name + ".back.keras")
    base, got = out / "serving" / (name + "_java"), out / (name + ".java_y.npy")
    with open(spec, "w", encoding="utf-8") as f:
        tfgraph("spec", "--keras", model, stdout=f)
    steps = ["--max-steps", max_steps] if max_steps else []
    train = tfgraph("train", "--keras", model, "--epochs", 1, *steps, "--quiet", "--save-weights", weights,
                    "--export", base)
    summary = json.loads(train.stdout.strip().splitlines()[-1])
    tfgraph("export", "--spec", spec, "--weights", weights, "--format", "keras", "--out", back)
    tfgraph("predict", "--trusted", "--model", base, "--input", x, "--output", got)

    trained = dict(np.load(weights))
    came_back = keras.saving.load_model(back)
    loaded = keras_weights(came_back)
    same = sorted(loaded) == sorted(trained) and all(np.array_equal(loaded[k], trained[k]) for k in trained)
    before = keras_weights(keras.saving.load_model(model))
    moved = any(not np.array_equal(before[k], trained[k]) for k in trained if k in before)
    error = scaled_error(came_back.predict(np.load(x), verbose=0), np.load(got))
    return {"model": name, "continued_in_java": True, "java_steps": summary["steps"],
            "java_test_accuracy": summary["test_accuracy"], "weights_bit_identical": same, "weights_moved": moved,
            "scaled_error": error,
            "parity": same and moved and error <= SCALE_TOL}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--out", default="out/keras-examples", help="the examples' --out folder")
    p.add_argument("--models", default=",".join(NAMES), help="comma-separated (default: the four examples)")
    p.add_argument("--continue", dest="cont", default="soft_exponential",
                   help="the model trained on in Java (default %(default)s; empty: none)")
    p.add_argument("--max-steps", type=int, default=0, help="Java training steps (default 0: one whole epoch)")
    p.add_argument("--jobs", type=int, default=2, help="models checked side by side (default %(default)s)")
    p.add_argument("--tfgraph", default=str(ROOT / "tfgraph"), help="the launcher (default: the repository's)")
    args = p.parse_args(argv)
    results = check(args.out, [n for n in args.models.split(",") if n], args.cont, args.max_steps, args.jobs,
                    args.tfgraph)
    ok = all(r["parity"] for r in results)
    print(json.dumps({"pass": ok, "scale_tol": SCALE_TOL, "results": results}))
    return 0 if ok else 1


def check(out, names, cont=None, max_steps=0, jobs=2, launcher=ROOT / "tfgraph"):
    """serve() for each of names, continue_in_java() for cont (unless None or empty), jobs at a time;
    prints what each ran and found, returns their results in that order."""
    out = pathlib.Path(out).resolve()

    def task(step, name, *rest):
        tfgraph = Tfgraph(launcher)
        return tfgraph.log, step(tfgraph, out, name, *rest)

    with concurrent.futures.ThreadPoolExecutor(max(1, jobs)) as pool:
        futures = [pool.submit(task, serve, n) for n in names]
        if cont:
            futures.append(pool.submit(task, continue_in_java, cont, max_steps))
        results = []
        for f in futures:
            log, r = f.result()
            print("\n".join(log))
            print(describe(r), flush=True)
            results.append(r)
    return results


def describe(r):
    verdict = "PASS" if r["parity"] else "FAIL"
    if not r.get("continued_in_java"):
        return "%s: Keras -> tfgraph: max |tfgraph - keras| = %.2g of the output's scale, %s" % (
            r["model"], r["scaled_error"], verdict)
    return ("%s: trained on in Java (%d steps, test accuracy %.4f), back to Keras: weights %s, "
            "max |keras - tfgraph| = %.2g of the output's scale, %s" % (
                r["model"], r["java_steps"], r["java_test_accuracy"],
                "bit-identical" if r["weights_bit_identical"] else "DIFFERENT", r["scaled_error"], verdict))


if __name__ == "__main__":
    sys.exit(main())
