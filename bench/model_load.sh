#!/usr/bin/env bash
# Model-loading commands side by side, whole process (start-up included): each command on a model that
# this user's tfgraph has verified (no child JVM: the record under the cache directory), with --trusted
# (no child JVM, no record), and untrusted with no record (the child-JVM probe, as at a first load).
# The three run in turn, RUNS times; medians of wall seconds (/usr/bin/time) and the ratio
# verified / trusted. The model is ib-cnn (testdata/parity weights) exported with --image-input;
# predict reads one JPEG. Results go to bench/results/model-load-STAMP.md with the machine and its load.
# Usage: bench/model_load.sh [RUNS]     (nothing else running: check uptime first)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS="${1:-5}"
OUT="bench/results/model-load-$(date -u +%Y%m%d-%H%M).md"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
export TFGRAPH_CACHE_DIR="$WORK/cache"
C=testdata/parity/model-ib-cnn
./tfgraph export --spec "$C/spec.json" --weights "$C/weights.npz" --out "$WORK/m" --image-input > /dev/null 2>&1
IMG=testdata/images/photos/test/dog/dog_01.jpg

declare -A CMDS=(
  [predict]="predict --model $WORK/m --images $IMG --output $WORK/y.npy"
  [parity]="parity --model $WORK/m --input $C/x.npy --expected $C/expected.npy"
  [inspect]="inspect --model $WORK/m"
  [evaluate]="evaluate --model $WORK/m"
)

secs() {   # wall seconds of one run; the command's own output is dropped
  /usr/bin/time -f %e -o "$WORK/t" "$@" > /dev/null 2>&1 || true
  tail -1 "$WORK/t"
}
median() { sort -g | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

{
  echo "# model loading, $(date -u '+%Y-%m-%d %H:%M') UTC"
  echo
  echo "Machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) CPUs; load before: $(cut -d' ' -f1-3 /proc/loadavg);" \
    "model folder $(du -sh "$WORK/m" | cut -f1), $RUNS runs each, medians of wall seconds"
  echo
  echo "| command | verified before (no probe) | --trusted | untrusted, first load (probe) | verified / trusted |"
  echo "|---|---|---|---|---|"
  for name in predict parity inspect evaluate; do
    read -r -a args <<< "${CMDS[$name]}"
    : > "$WORK/a"; : > "$WORK/b"; : > "$WORK/c"
    ./tfgraph "${args[@]}" > /dev/null 2>&1   # records the folder (already recorded by the export)
    for ((i = 0; i < RUNS; i++)); do
      secs ./tfgraph "${args[@]}" >> "$WORK/a"
      secs ./tfgraph "${args[@]}" --trusted >> "$WORK/b"
      rm -rf "$WORK/fresh"
      TFGRAPH_CACHE_DIR="$WORK/fresh" secs ./tfgraph "${args[@]}" >> "$WORK/c"
    done
    a=$(median < "$WORK/a"); b=$(median < "$WORK/b"); c=$(median < "$WORK/c")
    echo "| $name | $a s | $b s | $c s | $(awk -v a="$a" -v b="$b" 'BEGIN {printf "%.2f", a / b}') |"
  done
} | tee "$OUT"
echo "written: $OUT" >&2
