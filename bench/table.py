#!/usr/bin/env python3
"""Renders bench/accuracy.sh's JSON lines as the README's Markdown table."""
import json, sys
TARGET = {"cnn": 0.91, "taylor-cnn": 0.92, "ib-cnn": 0.93, "softexp-mlp": 0.89, "prototype-net": 0.85}
print("| model | test accuracy | target | epochs | s/epoch | ms/step (batch 128) | command |")
print("|---|---|---|---|---|---|---|")
for line in open(sys.argv[1]):
    d = json.loads(line)
    t = TARGET.get(d["run"])
    ok = "" if t is None else (" ✓" if d["test_accuracy"] >= t else f" ✗ ({d['test_accuracy'] - t:+.3f})")
    print(f"| {d['run']} | {d['test_accuracy']:.4f}{ok} | {t} | {d['epochs']} | {d['seconds'] / d['epochs']:.1f} | "
          f"{d['ms_per_step']:.1f} | `./tfgraph train {d['args']} --data DIR` |")
