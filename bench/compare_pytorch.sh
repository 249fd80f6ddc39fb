#!/usr/bin/env bash
# Side by side: `./tfgraph bench` and the same architectures in PyTorch (bench/models_torch.py, Debian
# python3-torch), alternating, ROUNDS rounds each, on this machine. Prints a ratio table with spread.
# Usage: bench/compare_pytorch.sh [ROUNDS] [BATCH]     (nothing else running: timings are real)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${1:-3}"; BATCH="${2:-128}"
OUT="bench/results/compare-$(date -u +%Y%m%d-%H%M).jsonl"
CASES=("cnn" "taylor-cnn" "softexp-mlp" "prototype-net" "ib-cnn:newton_schulz" "ib-cnn:eigh" "ib-cnn:svd")
for r in $(seq "$ROUNDS"); do
  for c in "${CASES[@]}"; do
    m="${c%%:*}"; s="${c#*:}"; [[ "$s" == "$c" ]] && s=""
    ./tfgraph bench --model "$m" ${s:+--sqrt "$s"} --batch-size "$BATCH" --steps 20 2>/dev/null | tail -1 \
      | python3 -c "import json,sys; d=json.load(sys.stdin); d['side']='tfgraph'; d['round']=$r; print(json.dumps(d))" >> "$OUT"
    if [[ "$s" != "svd" ]]; then   # PyTorch has no SVD-gradient variant worth timing (same as eigh)
      /usr/bin/python3 bench/models_torch.py "$m" ${s:+--sqrt "$s"} --batch-size "$BATCH" --steps 20 \
        | python3 -c "import json,sys; d=json.load(sys.stdin); d['side']='pytorch'; d['round']=$r; print(json.dumps(d))" >> "$OUT"
    fi
  done
done
python3 - "$OUT" <<'PY'
import json, sys, statistics as st
rows = [json.loads(l) for l in open(sys.argv[1])]
models = []
for r in rows:
    if r["model"] not in models: models.append(r["model"])
print("| model | tfgraph ms/step (min–max) | PyTorch ms/step (min–max) | ratio tfgraph/PyTorch | tfgraph overhead vs bare Session.run |")
print("|---|---|---|---|---|")
for m in models:
    t = [r["ms_per_step"] for r in rows if r["model"] == m and r["side"] == "tfgraph"]
    p = [r["ms_per_step"] for r in rows if r["model"] == m and r["side"] == "pytorch"]
    o = [r["overhead_pct"] for r in rows if r["model"] == m and r["side"] == "tfgraph"]
    torch_cell = f"{st.median(p):.1f} ({min(p):.1f}–{max(p):.1f})" if p else "–"
    ratio = f"{st.median(t) / st.median(p):.2f}" if p else "–"
    print(f"| {m} | {st.median(t):.1f} ({min(t):.1f}–{max(t):.1f}) | {torch_cell} | {ratio} | {st.median(o):+.1f}% |")
PY
