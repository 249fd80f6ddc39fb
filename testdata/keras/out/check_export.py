"""Loads the .keras files tfgraph wrote here in real Keras and writes Keras' predictions.

The files <name>.keras and the inputs <name>.x.npy (one input) or <name>.x_<input>.npy (several) are written
by tfgraph (KerasExportTest.regenerate); this script opens each .keras with keras.saving.load_model, after
importing tfgraph_keras for tfgraph's own layers, checks that every weight Keras loaded is the one in the
file, predicts on the inputs and writes <name>.y.npy. KerasExportTest then checks that tfgraph's prediction
on the same file is within 1e-4 of the output's scale of Keras'.

Regenerate (from the repository root; Keras 3.15.1 and TensorFlow as backend):
    mvn -B -o -q -pl graph,layers,export,cli,testkit -am verify -Dtest=KerasExportTest \
        -Dsurefire.failIfNoSpecifiedTests=false -Dforbiddenapis.skip=true -Dtfgraph.regenerate=true
    pip install ./python
    python testdata/keras/out/check_export.py
"""
import glob
import json
import os
import sys
import zipfile

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import h5py  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402

import tfgraph_keras  # noqa: E402,F401  registers tfgraph>TYPE

HERE = os.path.dirname(os.path.abspath(__file__))


def stored_weights(path):
    """The datasets of model.weights.h5, by the name attribute of their vars group, in order."""
    with zipfile.ZipFile(path) as z:
        tmp = os.path.join(HERE, ".check_weights.h5")
        with open(tmp, "wb") as f:
            f.write(z.read("model.weights.h5"))
    out = {}
    try:
        with h5py.File(tmp, "r") as h5:
            def visit(name, obj):
                if isinstance(obj, h5py.Group) and name.endswith("/vars"):
                    n = obj.attrs["name"]
                    out[n.decode() if isinstance(n, bytes) else str(n)] = [np.array(obj[str(i)]) for i in range(len(obj))]
            h5.visititems(visit)
    finally:
        os.remove(tmp)
    return out


def main():
    files = sorted(glob.glob(os.path.join(HERE, "*.keras")))
    if not files:
        sys.exit("no .keras files in " + HERE)
    for path in files:
        name = os.path.basename(path)[:-len(".keras")]
        model = keras.saving.load_model(path)
        stored = stored_weights(path)
        for layer in model.layers:
            own = {}
            layer.save_own_variables(own)   # the layer's own order in a .keras file
            got = [np.asarray(own[str(i)]) for i in range(len(own))]
            want = stored.get(layer.name, [])
            assert len(got) == len(want), (name, layer.name, len(got), len(want))
            for g, w in zip(got, want):
                assert np.array_equal(g, w), (name, layer.name)
        names = [t.name for t in model.inputs]
        one = os.path.join(HERE, name + ".x.npy")
        xs = [np.load(one)] if os.path.exists(one) else [np.load(os.path.join(HERE, "%s.x_%s.npy" % (name, n))) for n in names]
        y = model.predict(xs[0] if len(xs) == 1 else xs, verbose=0)
        np.save(os.path.join(HERE, name + ".y.npy"), y.astype("float32"))
        with zipfile.ZipFile(path) as z:
            meta = json.loads(z.read("metadata.json"))
        print("%-14s %d layers, %d weights, output %s, labels %s" % (name, len(model.layers), len(model.weights), y.shape,
                                                                  meta.get("tfgraph", {}).get("labels")))


if __name__ == "__main__":
    main()
