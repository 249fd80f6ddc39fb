#!/usr/bin/env bash
# Side by side: `./tfgraph bench` and the same architectures in PyTorch (bench/models_torch.py, Debian
# python3-torch), ROUNDS rounds each, on this machine; within a case the side that goes first alternates
# from round to round, so drift hits both alike. Prints a ratio table with spread (also written as .md).
# Usage: bench/compare_pytorch.sh [ROUNDS] [BATCH]     (nothing else running: timings are real)
#        CASES="ib-cnn-4conv taylor-cnn" bench/compare_pytorch.sh 5    (only those cases)
# A case is a built-in model NAME, NAME:SQRT (ib-cnn's square root), or ib-cnn-4conv (the issue-15 anchor:
# tfgraph runs the spec bench/ib-cnn-4conv.json, PyTorch models_torch.py's "ib-cnn-4conv").
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${1:-3}"; BATCH="${2:-128}"
STAMP="$(date -u +%Y%m%d-%H%M)"
OUT="bench/results/compare-$STAMP.jsonl"
read -r -a CASES <<< "${CASES:-ib-cnn-4conv cnn taylor-cnn softexp-mlp prototype-net ib-cnn:newton_schulz ib-cnn:eigh ib-cnn:svd}"
tag() {  # adds side, round, the case's name and the 1-minute load average (other work on the machine) to bench's JSON line
  python3 -c "import json,sys; d=json.loads(sys.stdin.read().strip().splitlines()[-1]); d['side']='$1'; d['round']=$2; d['model']='$3'; d['load1']=float(open('/proc/loadavg').read().split()[0]); print(json.dumps(d))"
}
run_tfgraph() {  # case round
  local m="${1%%:*}" s="${1#*:}"; [[ "$s" == "$1" ]] && s=""
  local what=(--model "$m")
  [[ "$m" == "ib-cnn-4conv" ]] && what=(--spec bench/ib-cnn-4conv.json)
  ./tfgraph bench "${what[@]}" ${s:+--sqrt "$s"} --batch-size "$BATCH" --steps 20 2>/dev/null | tag tfgraph "$2" "$1" >> "$OUT"
}
run_pytorch() {  # case round
  local m="${1%%:*}" s="${1#*:}"; [[ "$s" == "$1" ]] && s=""
  [[ "$s" == "svd" ]] && return 0   # PyTorch has no SVD-gradient variant worth timing (same as eigh)
  /usr/bin/python3 bench/models_torch.py "$m" ${s:+--sqrt "$s"} --batch-size "$BATCH" --steps 20 | tag pytorch "$2" "$1" >> "$OUT"
}
for r in $(seq "$ROUNDS"); do
  for c in "${CASES[@]}"; do
    if (( r % 2 )); then run_tfgraph "$c" "$r"; run_pytorch "$c" "$r"; else run_pytorch "$c" "$r"; run_tfgraph "$c" "$r"; fi
  done
done
python3 - "$OUT" <<'PY' | tee "${OUT%.jsonl}.md"
import json, os, sys, statistics as st
rows = [json.loads(l) for l in open(sys.argv[1])]
targets = {"ib-cnn-4conv": 0.8, "taylor-cnn": 0.7, "softexp-mlp": 1.0, "prototype-net": 1.0}
loads = [r["load1"] for r in rows if "load1" in r]
loaded = bool(loads) and st.median(loads) > (os.cpu_count() or 2) + 1   # other work shared the CPUs: no verdict
models = []
for r in rows:
    if r["model"] not in models: models.append(r["model"])
print("| model | tfgraph ms/step median (min–max) | PyTorch ms/step median (min–max) | ratio tfgraph/PyTorch (medians) | ratio min–max (per round) | target | tfgraph overhead vs bare Session.run |")
print("|---|---|---|---|---|---|---|")
for m in models:
    t = [r["ms_per_step"] for r in rows if r["model"] == m and r["side"] == "tfgraph"]
    p = [r["ms_per_step"] for r in rows if r["model"] == m and r["side"] == "pytorch"]
    o = [r["overhead_pct"] for r in rows if r["model"] == m and r["side"] == "tfgraph"]
    rt = {r["round"]: r["ms_per_step"] for r in rows if r["model"] == m and r["side"] == "tfgraph"}
    rp = {r["round"]: r["ms_per_step"] for r in rows if r["model"] == m and r["side"] == "pytorch"}
    per_round = [rt[k] / rp[k] for k in rt if k in rp]
    torch_cell = f"{st.median(p):.1f} ({min(p):.1f}–{max(p):.1f})" if p else "–"
    ratio = st.median(t) / st.median(p) if p else None
    ratio_cell = f"{ratio:.2f}" if p else "–"
    spread = f"{min(per_round):.2f}–{max(per_round):.2f}" if per_round else "–"
    goal = targets.get(m)
    goal_cell = "–" if goal is None or ratio is None else f"≤ {goal} " + ("(machine loaded: no verdict)" if loaded else "✓" if ratio <= goal else "✗")
    print(f"| {m} | {st.median(t):.1f} ({min(t):.1f}–{max(t):.1f}) | {torch_cell} | {ratio_cell} | {spread} | {goal_cell} | {st.median(o):+.1f}% |")
if loads:
    print(f"\n1-minute load average while timing: median {st.median(loads):.2f} (min {min(loads):.2f}, max {max(loads):.2f}) on {os.cpu_count()} CPUs, sampled as each run ended (the timed run itself accounts for about 2: well above that, other work shared the CPUs).")
PY
echo "rows: $OUT" >&2
