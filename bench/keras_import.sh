#!/usr/bin/env bash
# Keras ResNet50 (224x224x3, weights=None, classifier_activation=None, random biases and BatchNorm statistics)
# through tfgraph's Keras import, against Keras 3.15.1 on TensorFlow 2.21 as the baseline, in one run:
#   1. Keras builds the model and saves it as .keras (timed); `./tfgraph export --keras FILE --out BASE` once,
#      then `./tfgraph predict` on 32 images in ResNet50's pixel range (caffe: BGR less the ImageNet mean)
#      against Keras' predict: max |got - want| <= 1e-4 * max |want|, else exit 1 before any timing;
#   2. ROUNDS rounds, alternating which side goes first, each side in fresh processes:
#      Keras: a Python process imports Keras and load_model()s the file (timed), then times at batch 32 and 1
#      (3 warm-up runs, then medians of RUNS32 / RUNS1 runs) model.predict, the direct call
#      model(x, training=False), and tfgraph's export run by TF 2.21 in Python (tf.saved_model.load: the
#      same graph on Keras' runtime); tfgraph: `./tfgraph export --keras` again, the whole process timed
#      (import, export and the export's verification in a child JVM), then `./tfgraph bench-predict` at
#      batch 32 and 1 (20 warm-up runs, then Predictor and bare Session.run alternating, RUNS32 / RUNS1 each).
#   Python sets intra- and inter-op threads to nproc; tfgraph leaves TensorFlow's default, which is nproc
#   too. oneDNN on for both. Ratios are taken within a round, then their median over rounds.
# Prints two tables and writes them, with the machine and its load, to bench/results/keras-import-STAMP.md
# (raw JSON lines beside it, .jsonl).
# Python: KERAS_PYTHON (default python/target/pyenv/bin/python, the environment the test command
#   makes with Keras 3.15.1 and TensorFlow 2.21: python/run_tests.sh python/target/pyenv)
# Build tfgraph first: mvn -q -B -o -DskipTests package
# Usage: bench/keras_import.sh [ROUNDS] [RUNS32] [RUNS1]   defaults 3 5 21
#        (nothing else running: check uptime first; 13 minutes on a loaded 2-CPU VM, 2026-12-07)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${1:-3}"; R32="${2:-5}"; R1="${3:-21}"
PY="${KERAS_PYTHON:-python/target/pyenv/bin/python}"
if ! "$PY" -c 'import keras, tensorflow' 2> /dev/null; then
  echo "keras_import.sh: $PY has no Keras and TensorFlow; make it with: python/run_tests.sh python/target/pyenv" \
    "(or set KERAS_PYTHON)" >&2
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

tag() { jq -c --argjson r "$1" '. + {round: $r}'; }   # adds the round to each JSON line
secs_since() { awk -v a="$1" -v b="$(now)" 'BEGIN {printf "%.3f", b - a}'; }
keras_round() { py keras "$WORK" "$WORK/base-1/1" "$N" "$R32" "$R1" | tag "$1" >> "$RAW"; }
tfgraph_round() {
  local t; t=$(now)
  ./tfgraph export --keras "$WORK/resnet50.keras" --out "$WORK/round-$1" > "$WORK/export.log" 2>&1 || { cat "$WORK/export.log" >&2; exit 1; }
  echo "{\"step\": \"tfgraph_export\", \"wall_s\": $(secs_since "$t"), \"said\": $(jq -Rs . < "$WORK/export.log")}" | tag "$1" >> "$RAW"
  for b in 32 1; do
    runs=$R32; [[ $b == 1 ]] && runs=$R1
    ./tfgraph bench-predict --model "$WORK/round-$1" --batch-sizes "$b" --iterations "$runs" 2> /dev/null \
      | jq -c '{step: "tfgraph_bench_predict"} + .' | tag "$1" >> "$RAW"
  done
}

py write "$WORK" | tag 0 >> "$RAW"
t=$(now)
./tfgraph export --keras "$WORK/resnet50.keras" --out "$WORK/base-1" > "$WORK/export.log" 2>&1 || { cat "$WORK/export.log" >&2; exit 1; }
echo "{\"step\": \"tfgraph_export\", \"wall_s\": $(secs_since "$t"), \"said\": $(jq -Rs . < "$WORK/export.log")}" | tag 0 >> "$RAW"
./tfgraph predict --model "$WORK/base-1" --input "$WORK/x.npy" --output "$WORK/got.npy" --batch-size 32 > /dev/null
py check "$WORK" | tag 0 | tee -a "$RAW" | jq -e .ok > /dev/null || {
  echo "keras_import.sh: tfgraph's export does not predict what Keras predicts: $(tail -1 "$RAW")" >&2
  exit 1
}
for ((r = 1; r <= ROUNDS; r++)); do   # alternating which side goes first
  if ((r % 2)); then keras_round "$r"; tfgraph_round "$r"; else tfgraph_round "$r"; keras_round "$r"; fi
done
ELAPSED=$((SECONDS - START))
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

{
  echo "# Keras ResNet50 import and inference, $(date -u '+%Y-%m-%d %H:%M') UTC"
  echo
  echo "Machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $N CPUs;" \
    "AVX-512: $(grep -qw avx512f /proc/cpuinfo && echo yes || echo no); load before: $LOAD_BEFORE, after: $LOAD_AFTER;" \
    "Keras $("$PY" -c 'import keras; print(keras.__version__)' 2> /dev/null), TensorFlow $("$PY" -c 'import tensorflow as tf; print(tf.__version__)' 2> /dev/null) (Python);" \
    "tfgraph on TF-Java $(grep -o 'tensorflow-core-api/[0-9.]*' cli/target/classpath.txt | head -1 | cut -d/ -f2);" \
    "command: bench/keras_import.sh $ROUNDS $R32 $R1; whole script ${ELAPSED} s"
  echo
  "$PY" - "$RAW" <<'PY'
import json, sys, statistics as st
rows = [json.loads(l) for l in open(sys.argv[1])]
rounds = sorted({r["round"] for r in rows if r["round"] > 0})
def get(step, key, r, b=None):
    return next(x[key] for x in rows if x["step"] == step and x["round"] == r and x.get("batch", x.get("batch_size")) == b)
def cell(v, fmt):
    return (fmt % st.median(v)) + (" (" + fmt % min(v) + "–" + fmt % max(v) + ")" if len(v) > 1 else "")
w, c = get("write", "params", 0), get("check", "scaled_error", 0)
print(f"ResNet50, {w:,} parameters, .keras file {get('write', 'file_mb', 0)} MB, saved by Keras in {get('write', 'save_s', 0):.2f} s; "
      f"tfgraph's export against Keras' predict on 32 images: max |got - want| / max |want| = {c:.2e} (tolerance 1e-4). "
      f"Medians over {len(rounds)} rounds (min–max); ratios are medians of the per-round ratios.\n")
exp = [get("tfgraph_export", "wall_s", r) for r in rounds]
print("| load | seconds | tfgraph export / this |")
print("|---|---:|---:|")
for label, key in (("Keras keras.saving.load_model", "load_model_s"), ("Keras import + load_model (fresh Python process)", "import_and_load_s")):
    v = [get("keras_load", key, r) for r in rounds]
    print(f"| {label} | {cell(v, '%.2f')} | {st.median([e / k for e, k in zip(exp, v)]):.2f} |")
print(f"| tfgraph export --keras (whole process: import, export, verification) | {cell(exp, '%.2f')} | 1.00 |")
said = next(x["said"] for x in rows if x["step"] == "tfgraph_export" and x["round"] == rounds[0])
said = [l for l in said.splitlines() if "verified" in l] or said.strip().splitlines()[-1:]
print(f"\ntfgraph export said: {said[0].strip()}\n")
print("| inference, ms per batch | batch 32 | batch 1 |")
print("|---|---:|---:|")
sides = [("Keras model.predict", "keras_predict", "ms"), ("Keras model(x, training=False)", "keras_call", "ms"),
         ("tfgraph Predictor (bench-predict)", "tfgraph_bench_predict", "predictor_p50_ms"),
         ("tfgraph bare Session.run (bench-predict)", "tfgraph_bench_predict", "bare_p50_ms"),
         ("tfgraph's export in TF 2.21 Python (tf.saved_model.load)", "saved_model_tf_python", "ms")]
series = lambda step, key, b: [get(step, key, r, b) for r in rounds]
for label, step, key in sides:
    print(f"| {label} | {cell(series(step, key, 32), '%.1f')} | {cell(series(step, key, 1), '%.1f')} |")
for label, step in (("predict", "keras_predict"), ("direct call", "keras_call")):
    ratio = [st.median([t / k for t, k in zip(series("tfgraph_bench_predict", "predictor_p50_ms", b), series(step, "ms", b))]) for b in (32, 1)]
    print(f"| ratio tfgraph Predictor / Keras {label} | {ratio[0]:.2f} | {ratio[1]:.2f} |")
PY
} | tee "$OUT"
echo "written: $OUT (raw: $RAW)" >&2
