"""The seed users' own programs (examples/keras): each of the four scripts trains on a slice of the
Fashion-MNIST subset the repository ships and saves its model, then round_trip.py serves every model with
tfgraph (export, predict, parity within 1e-4 of the output's scale) and continues one in Java and brings
it back to Keras.

Run on the TensorFlow backend only: the .keras files and the round trip through tfgraph do not depend on
the backend that trained them, and a second run would double the time. The round trip needs the
./tfgraph launcher's classes (built by `mvn -q -B -DskipTests package`; under Maven, tfgraph-cli is built
before these tests run); without them it is skipped, the scripts still run.
"""
import concurrent.futures
import json
import os
import pathlib
import subprocess
import sys

import keras
import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples" / "keras"
SCRIPTS = ("taylor_cnn", "prototype_net", "ib_cnn", "soft_exponential")
LIMIT = 256          # training and test examples per script: one epoch of 4 batches
BUILT = ("cli/target/classpath.txt", "cli/target/classes", "graph/target/classes", "layers/target/classes",
         "export/target/classes")

pytestmark = pytest.mark.skipif(keras.backend.backend() != "tensorflow",
                                reason="the examples run on the TensorFlow backend only: what they save and "
                                       "the round trip through tfgraph do not depend on the backend")


def run_script(name, out):
    env = dict(os.environ, KERAS_BACKEND="tensorflow", TF_CPP_MIN_LOG_LEVEL="2")
    r = subprocess.run([sys.executable, str(EXAMPLES / (name + ".py")), "--epochs", "1", "--limit", str(LIMIT),
                        "--out", str(out)], env=env, capture_output=True, text=True, timeout=600, check=False)
    assert r.returncode == 0, "%s.py failed:\n%s" % (name, r.stderr[-3000:])
    return json.loads(r.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def examples(tmp_path_factory):
    """Runs the four scripts, two at a time; {name: the JSON line each printed}, and their --out folder."""
    out = tmp_path_factory.mktemp("keras-examples")
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        summaries = dict(zip(SCRIPTS, pool.map(lambda n: run_script(n, out), SCRIPTS)))
    return out, summaries


@pytest.mark.parametrize("name", SCRIPTS)
def test_each_script_trains_saves_and_records_keras_predictions(examples, name):
    out, summaries = examples
    s = summaries[name]
    assert (s["model"], s["epochs"], s["train_examples"], s["test_examples"]) == (name, 1, LIMIT, LIMIT)
    assert s["test_accuracy"] > 0.15, "no better than chance (0.1) after one epoch: %s" % s
    model = keras.saving.load_model(out / (name + ".keras"))      # tfgraph_keras registered by conftest
    x, y = np.load(out / (name + ".x.npy")), np.load(out / (name + ".keras_y.npy"))
    assert x.shape == (32, 28, 28, 1) and x.dtype == np.float32 and 0 <= x.min() and x.max() <= 1
    assert y.shape == (32, 10)
    np.testing.assert_allclose(y.sum(axis=1), 1, atol=1e-5)
    np.testing.assert_allclose(model.predict(x, verbose=0), y, rtol=0, atol=1e-6)


def test_round_trip_serves_every_example_with_parity_and_brings_one_back(examples):
    missing = [p for p in BUILT if not (ROOT / p).exists()]
    if missing:
        pytest.skip("./tfgraph is not built (%s absent): build it with mvn -q -B -DskipTests package" % missing[0])
    out, _ = examples
    sys.path.insert(0, str(EXAMPLES))
    try:
        import round_trip
    finally:
        sys.path.remove(str(EXAMPLES))
    results = round_trip.check(out, SCRIPTS, cont="soft_exponential", max_steps=5)
    assert [r["model"] for r in results] == list(SCRIPTS) + ["soft_exponential"]
    for r in results[:4]:
        assert r["parity"] and r["scaled_error"] <= 1e-4, r
    back = results[4]
    assert back["continued_in_java"] and back["java_steps"] == 5, back
    assert back["weights_moved"], "training in Java changed no weight"
    assert back["weights_bit_identical"], "back.keras does not hold the weights Java trained"
    assert back["scaled_error"] <= 1e-4, back

    # the parity check can fail: Keras' predictions moved by 1e-3 of their scale are refused
    want = np.load(out / "soft_exponential.keras_y.npy")
    np.save(out / "moved.npy", want + 1e-3 * np.abs(want).max() * (np.arange(want.size) % 2).reshape(want.shape))
    r = round_trip.Tfgraph(ROOT / "tfgraph")("parity", "--trusted", "--model", out / "serving" / "soft_exponential",
                                            "--input", out / "soft_exponential.x.npy", "--expected",
                                            out / "moved.npy", "--scale-tol", 1e-4)
    assert r.returncode == 1, r.stdout
