#!/usr/bin/env bash
# ./tfgraph with this project's layer through TFGRAPH_CLASSPATH: spec, train, weights, export.
set -euo pipefail
ROOT="$1"; OUT="$2"
rm -rf "$OUT"; mkdir -p "$OUT"
: "${TFGRAPH_CLASSPATH:?TFGRAPH_CLASSPATH must name the classes of this project}"
cat > "$OUT/spec.json" <<'JSON'
{"name": "swish-mlp", "input": {"name": "x", "shape": [null, 28, 28, 1], "dtype": "float32"},
 "layers": [{"type": "Flatten", "name": "flat"},
            {"type": "Dense", "name": "fc", "units": 32, "activation": "mish"},
            {"type": "Swish", "name": "swish", "beta_init": 1.0},
            {"type": "Dense", "name": "head", "units": 10, "activation": "softmax"}]}
JSON
"$ROOT/tfgraph" spec --spec "$OUT/spec.json" --summary
"$ROOT/tfgraph" train --spec "$OUT/spec.json" --epochs 1 --max-steps 20 --quiet \
  --save-weights "$OUT/w.npz" --export "$OUT/serving" > "$OUT/train.json"
tail -1 "$OUT/train.json"
# the project's own loss and metric, registered like its layer
"$ROOT/tfgraph" train --spec "$OUT/spec.json" --epochs 1 --max-steps 20 --quiet --loss sparse_focal \
  --metrics accuracy,true_class_confidence > "$OUT/focal.json"
grep -q '"loss":"sparse_focal"' "$OUT/focal.json"
grep -q '"train_true_class_confidence":0\.[0-9]' "$OUT/focal.json"
grep -q '"test_true_class_confidence":0\.[0-9]' "$OUT/focal.json"
# the project's own optimizer
"$ROOT/tfgraph" train --spec "$OUT/spec.json" --epochs 1 --max-steps 5 --quiet --optimizer sign_sgd --learning-rate 0.001 \
  > "$OUT/sign.json"
grep -q '"train_loss":[0-9]' "$OUT/sign.json"
"$ROOT/tfgraph" weights --model "$OUT/serving" --out "$OUT/w2.npz"
"$ROOT/tfgraph" export --spec "$OUT/spec.json" --weights "$OUT/w2.npz" --out "$OUT/serving"
test -f "$OUT/serving/2/saved_model.pb"
# a Keras model whose custom layer is registered as MyPkg>Swish imports through this project's kerasNames()
KERAS="$(dirname "$0")/resources/keras/custom_user.keras"
"$ROOT/tfgraph" spec --keras "$KERAS" | grep -q '"type" : "Swish"'
"$ROOT/tfgraph" export --keras "$KERAS" --out "$OUT/keras-serving"
test -f "$OUT/keras-serving/1/saved_model.pb"
# and without the class path, its activation is unknown: exit 2 with one line naming it
set +e
TFGRAPH_CLASSPATH= "$ROOT/tfgraph" spec --spec "$OUT/spec.json" 2> "$OUT/err.txt"
code=$?
set -e
test "$code" = 2 && grep -q 'received "mish"' "$OUT/err.txt"
echo "tfgraph CLI with a user layer: ok"
