#!/usr/bin/env bash
# The issue-15 benchmark in one side-by-side run: ib-cnn-4conv and taylor-cnn against the same
# architectures in PyTorch 1.13 (bench/compare_pytorch.sh, ROUNDS rounds, batch 128), then ResNet50
# forward + backward + Adam at batch 16, 224x224, against PyTorch on the same architecture and
# torchvision's resnet50 (bench/compare_resnet.sh, 3 rounds). Both tables go to one file,
# bench/results/issue15-STAMP.md, with the machine and the load average.
# Usage: bench/issue15.sh [ROUNDS]     (nothing else running: check uptime first)
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS="${1:-5}"
OUT="bench/results/issue15-$(date -u +%Y%m%d-%H%M).md"
{
  echo "# issue-15 benchmark, $(date -u '+%Y-%m-%d %H:%M') UTC"
  echo
  echo "Machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) CPUs;" \
    "AVX-512: $(grep -qw avx512f /proc/cpuinfo && echo yes || echo no); load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo
  echo "## ib-cnn-4conv and taylor-cnn, batch 128, $ROUNDS rounds"
  echo
  CASES="ib-cnn-4conv taylor-cnn" bench/compare_pytorch.sh "$ROUNDS" 128 2>&1
  echo
  echo "## ResNet50, batch 16, 224x224, 3 rounds"
  echo
  bench/compare_resnet.sh 3 16 10 2>&1
} | tee "$OUT"
echo "written: $OUT" >&2
