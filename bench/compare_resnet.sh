#!/usr/bin/env bash
# ResNet50 forward + backward + Adam, batch B (default 16), 224x224x3: `./tfgraph bench --spec bench/resnet50-gap10.json`
# (Keras' ResNet50 base + avg_pool + Dense 10) against PyTorch on the same architecture (bench/resnet_torch.py,
# Keras' v1 layout) and torchvision's resnet50 as shipped (v1.5), alternating, ROUNDS rounds (default 3).
# bench/resnet50-gap10.json is `./tfgraph spec --model ib-resnet50` cut to its 174 ResNet50 layers (conv1_pad's
# inbound x, all trainable, no preprocessing) + avg_pool (GlobalAveragePooling2D) + predictions (Dense 10, softmax).
# Each record carries the 1-minute load average read just before it ran. Prints a ratio table.
# Usage: bench/compare_resnet.sh [ROUNDS] [BATCH] [STEPS]     (nothing else running: check uptime first)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${1:-3}"; BATCH="${2:-16}"; STEPS="${3:-10}"
OUT="bench/results/resnet50-$(date -u +%Y%m%d-%H%M).jsonl"
tag() {  # adds side, round and the load average before the run to a JSON line
  /usr/bin/python3 -c "import json,sys; d=json.loads(sys.stdin.read().strip().splitlines()[-1]); d.update(side='$1', round=$2, load1_before=$3); print(json.dumps(d))"
}
load1() { cut -d' ' -f1 /proc/loadavg; }
for r in $(seq "$ROUNDS"); do
  l=$(load1); ./tfgraph bench --spec bench/resnet50-gap10.json --batch-size "$BATCH" --steps "$STEPS" --warmup 3 2>/dev/null | tag tfgraph "$r" "$l" >> "$OUT"
  l=$(load1); /usr/bin/python3 bench/resnet_torch.py --batch-size "$BATCH" --steps "$STEPS" --warmup 3 --variant keras-v1 | tag pytorch "$r" "$l" >> "$OUT"
  l=$(load1); /usr/bin/python3 bench/resnet_torch.py --batch-size "$BATCH" --steps "$STEPS" --warmup 3 --variant torchvision | tag pytorch-v1.5 "$r" "$l" >> "$OUT"
done
echo "$OUT"
/usr/bin/python3 - "$OUT" <<'PY'
import json, sys, statistics as st
rows = [json.loads(l) for l in open(sys.argv[1])]
def ms(side): return [r["ms_per_step"] for r in rows if r["side"] == side]
t, p, v = ms("tfgraph"), ms("pytorch"), ms("pytorch-v1.5")
cell = lambda x: f"{st.median(x):.0f} ({min(x):.0f}–{max(x):.0f})"
print(f"| batch {rows[0]['batch_size']}, 224x224 | ms/step median (min–max of {len(t)} rounds) | tfgraph / this |")
print("|---|---|---|")
print(f"| tfgraph (Keras ResNet50 v1) | {cell(t)} | 1.00 |")
print(f"| PyTorch, same architecture (v1, conv biases) | {cell(p)} | {st.median(t) / st.median(p):.2f} |")
print(f"| PyTorch, torchvision resnet50 (v1.5) | {cell(v)} | {st.median(t) / st.median(v):.2f} |")
o = [r["overhead_pct"] for r in rows if r["side"] == "tfgraph"]
print(f"\ntfgraph overhead vs bare Session.run: {st.median(o):+.1f}% (median); load average before runs: "
      f"{min(r['load1_before'] for r in rows):.2f}–{max(r['load1_before'] for r in rows):.2f}")
PY
