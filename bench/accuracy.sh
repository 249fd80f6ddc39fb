#!/usr/bin/env bash
# Trains every 28x28 built-in model on the full Fashion-MNIST and prints a Markdown table
# (the README's results table). Needs `apt-get install dataset-fashion-mnist` and the build.
# Usage: bench/accuracy.sh [DATA_DIR]   (one model at a time, nothing else running: timings are real)
set -euo pipefail
cd "$(dirname "$0")/.."
DATA="${1:-/usr/share/datasets/fashion-mnist}"
OUT="bench/results/accuracy-$(date -u +%Y%m%d-%H%M).jsonl"
run() {  # name, args...
  local name="$1"; shift
  ./tfgraph train --data "$DATA" --quiet "$@" | tail -1 | python3 -c "import json,sys; d=json.load(sys.stdin); d['run']='$name'; d['args']='$*'; print(json.dumps(d))" | tee -a "$OUT"
}
run cnn            --model cnn --epochs 5
run softexp-mlp    --model softexp-mlp --epochs 30 --schedule cosine
run prototype-net  --model prototype-net --epochs 15 --schedule cosine
run taylor-cnn     --model taylor-cnn --epochs 15 --schedule cosine
run ib-cnn         --model ib-cnn --epochs 15 --schedule cosine
python3 bench/table.py "$OUT"
