#!/usr/bin/env bash
# Keras ResNet50 (224x224x3, weights=None, classifier_activation=None, random biases and BatchNorm statistics)
# through tfgraph's Keras import, against Keras 3.15.1 on TensorFlow 2.21 as the baseline, in one run:
#   1. Keras builds the model and saves it as .keras (timed); a fresh Python process imports Keras and
#      load_model()s the file (timed), checks it predicts what the saved model predicted;
#   2. `./tfgraph export --keras FILE --out BASE`, the whole process timed (import, export and the export's
#      verification in a child JVM included); ratios to load_model and to the Python process's import + load;
#   3. outputs checked: `./tfgraph predict` on 32 images in ResNet50's pixel range (caffe: BGR less the ImageNet
#      mean) against Keras' predict, max |got - want| <= 1e-4 * max |want|, else exit 1 before any timing;
#   4. inference at batch 32 and batch 1, warm-up excluded, medians: Keras' model.predict and direct call
#      model(x, training=False); tfgraph's Predictor and a bare Session.run (`./tfgraph bench-predict`,
#      20 warm-up runs, then the two alternating); tfgraph's export run by TF 2.21 in Python
#      (tf.saved_model.load), which separates the graph from the runtime. Python sets intra- and inter-op
#      threads to nproc; tfgraph leaves TensorFlow's default, which is nproc too. oneDNN on for both.
# Prints two tables and writes them, with the machine and its load, to bench/results/keras-import-STAMP.md
# (raw JSON lines beside it, .jsonl).
# Python: KERAS_PYTHON (default /tmp/kenv/bin/python), with Keras 3 and TensorFlow, made by
#   python3 -m venv /tmp/kenv && /tmp/kenv/bin/pip install keras==3.15.1 tensorflow-cpu==2.21.0
# Build tfgraph first: mvn -q -B -o -DskipTests package
# Usage: bench/keras_import.sh [RUNS32] [RUNS1]   timed runs per side at batch 32 (default 7) and 1 (default 31)
#        (nothing else running: check uptime first; takes about 4 minutes on a 2-core VM)
set -euo pipefail
cd "$(dirname "$0")/.."
R32="${1:-7}"; R1="${2:-31}"
PY="${KERAS_PYTHON:-/tmp/kenv/bin/python}"
if ! "$PY" -c 'import keras, tensorflow' 2> /dev/null; then
  echo "keras_import.sh: $PY has no Keras and TensorFlow; make it with: python3 -m venv /tmp/kenv &&" \
    "/tmp/kenv/bin/pip install keras==3.15.1 tensorflow-cpu==2.21.0 (or set KERAS_PYTHON)" >&2
  exit 2
fi
STAMP="$(date -u +%Y%m%d-%H%M)"
OUT="bench/results/keras-import-$STAMP.md"
RAW="bench/results/keras-import-$STAMP.jsonl"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
export TFGRAPH_CACHE_DIR="$WORK/cache"
N="$(nproc)"
START=$SECONDS
now() { date +%s.%N; }
LOAD_BEFORE="$(cut -d' ' -f1-3 /proc/loadavg)"
py() {   # the Python side; TensorFlow's start-up notices go to a log, shown when a step fails
  "$PY" bench/keras_import.py "$@" 2>> "$WORK/python.log" || { tail -20 "$WORK/python.log" >&2; exit 1; }
}

py write "$WORK" >> "$RAW"
py keras "$WORK" "$N" "$R32" "$R1" >> "$RAW"

t=$(now)
./tfgraph export --keras "$WORK/resnet50.keras" --out "$WORK/base" > "$WORK/export.log" 2>&1 || { cat "$WORK/export.log" >&2; exit 1; }
echo "{\"step\": \"tfgraph_export\", \"wall_s\": $(awk -v a="$t" -v b="$(now)" 'BEGIN {printf "%.3f", b - a}'), \"said\": $(jq -Rs . < "$WORK/export.log")}" >> "$RAW"

./tfgraph predict --model "$WORK/base" --input "$WORK/x.npy" --output "$WORK/got.npy" --batch-size 32 > /dev/null
py check "$WORK" | tee -a "$RAW" | jq -e .ok > /dev/null || {
  echo "keras_import.sh: tfgraph's export does not predict what Keras predicts: $(tail -1 "$RAW")" >&2
  exit 1
}

for b in 32 1; do
  runs=$R32; [[ $b == 1 ]] && runs=$R1
  ./tfgraph bench-predict --model "$WORK/base" --batch-sizes "$b" --iterations "$runs" 2> /dev/null \
    | jq -c '{step: "tfgraph_bench_predict"} + .' >> "$RAW"
done
py saved "$WORK/base/1" "$WORK" "$N" "$R32" "$R1" >> "$RAW"
ELAPSED=$((SECONDS - START))
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

{
  echo "# Keras ResNet50 import and inference, $(date -u '+%Y-%m-%d %H:%M') UTC"
  echo
  echo "Machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $N CPUs;" \
    "AVX-512: $(grep -qw avx512f /proc/cpuinfo && echo yes || echo no); load before: $LOAD_BEFORE, after: $LOAD_AFTER;" \
    "Keras $("$PY" -c 'import keras; print(keras.__version__)' 2> /dev/null), TensorFlow $("$PY" -c 'import tensorflow as tf; print(tf.__version__)' 2> /dev/null) (Python);" \
    "tfgraph on TF-Java $(grep -o 'tensorflow-core-api/[0-9.]*' cli/target/classpath.txt | head -1 | cut -d/ -f2);" \
    "command: bench/keras_import.sh $R32 $R1; whole script ${ELAPSED} s"
  echo
  "$PY" - "$RAW" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
one = lambda step: next(r for r in rows if r["step"] == step)
def ms(step, b, key="ms"):
    return next(r[key] for r in rows if r["step"] == step and r.get("batch", r.get("batch_size")) == b)
w, k, e, c = one("write"), one("keras_load"), one("tfgraph_export"), one("check")
print(f"ResNet50, {w['params']:,} parameters, .keras file {w['file_mb']} MB; tfgraph's export against Keras' predict: "
      f"max |got - want| / max |want| = {c['scaled_error']:.2e} (tolerance 1e-4)\n")
print("| load | seconds | tfgraph export / this |")
print("|---|---:|---:|")
print(f"| Keras save (model.save) | {w['save_s']:.2f} | |")
print(f"| Keras keras.saving.load_model | {k['load_model_s']:.2f} | {e['wall_s'] / k['load_model_s']:.2f} |")
print(f"| Keras import + load_model (fresh Python process) | {k['import_and_load_s']:.2f} | {e['wall_s'] / k['import_and_load_s']:.2f} |")
print(f"| tfgraph export --keras (whole process: import, export, verification) | {e['wall_s']:.2f} | 1.00 |")
print(f"\ntfgraph export said: {e['said'].strip().splitlines()[-1]}\n")
print("| inference, ms per batch (median) | batch 32 | batch 1 |")
print("|---|---:|---:|")
sides = [("Keras model.predict", "keras_predict", "ms"), ("Keras model(x, training=False)", "keras_call", "ms"),
         ("tfgraph Predictor (bench-predict)", "tfgraph_bench_predict", "predictor_p50_ms"),
         ("tfgraph bare Session.run (bench-predict)", "tfgraph_bench_predict", "bare_p50_ms"),
         ("tfgraph's export in TF 2.21 Python (tf.saved_model.load)", "saved_model_tf_python", "ms")]
for label, step, key in sides:
    print(f"| {label} | {ms(step, 32, key):.1f} | {ms(step, 1, key):.1f} |")
for label, step in (("predict", "keras_predict"), ("direct call", "keras_call")):
    r = [ms("tfgraph_bench_predict", b, "predictor_p50_ms") / ms(step, b) for b in (32, 1)]
    print(f"| ratio tfgraph Predictor / Keras {label} | {r[0]:.2f} | {r[1]:.2f} |")
PY
} | tee "$OUT"
echo "written: $OUT (raw: $RAW)" >&2
