#!/usr/bin/env python3
"""Draws docs/images/learning-curve.svg from a tfgraph history file (train --history FILE.json).

Standard library only (no plotting package needed). From the repository root:

    python3 docs/images/learning_curve.py docs/images/taylor-cnn-history.json docs/images/learning-curve.svg

The history shipped next to this script was written by

    ./tfgraph train --model taylor-cnn --epochs 12 --schedule cosine --seed 0 \
        --history docs/images/taylor-cnn-history.json

on the shipped Fashion-MNIST subset (6,000 training and 1,000 test images).
"""
import json
import sys

W, H = 760, 330
PANEL_W, PANEL_H = 300, 220
TOP, LEFT = 50, 70
GAP = 80
COLORS = {"train": "#1f77b4", "test": "#d62728"}


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def panel(x0, title, epochs, series, lo, hi, ticks, fmt):
    """One chart: axes, grid, tick labels, one polyline per series."""
    out = [f'<g transform="translate({x0},{TOP})">',
           f'<text x="{PANEL_W / 2}" y="-14" text-anchor="middle" font-size="14" font-weight="bold">{esc(title)}</text>',
           f'<rect x="0" y="0" width="{PANEL_W}" height="{PANEL_H}" fill="none" stroke="#444"/>']
    n = len(epochs)

    def px(i):
        return PANEL_W * (epochs[i] - epochs[0]) / max(1, epochs[-1] - epochs[0])

    def py(v):
        return PANEL_H * (1 - (v - lo) / (hi - lo))

    for t in ticks:
        y = py(t)
        out.append(f'<line x1="0" y1="{y:.1f}" x2="{PANEL_W}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(f'<text x="-6" y="{y + 4:.1f}" text-anchor="end" font-size="11">{fmt(t)}</text>')
    for i in range(n):
        if epochs[i] % 2 == 0 or n <= 6:
            out.append(f'<text x="{px(i):.1f}" y="{PANEL_H + 16}" text-anchor="middle" font-size="11">{epochs[i]}</text>')
    out.append(f'<text x="{PANEL_W / 2}" y="{PANEL_H + 34}" text-anchor="middle" font-size="12">epoch</text>')
    for name, values in series:
        pts = " ".join(f"{px(i):.1f},{py(v):.1f}" for i, v in enumerate(values) if v is not None)
        out.append(f'<polyline points="{pts}" fill="none" stroke="{COLORS[name]}" stroke-width="2"/>')
        for i, v in enumerate(values):
            if v is not None:
                out.append(f'<circle cx="{px(i):.1f}" cy="{py(v):.1f}" r="2.5" fill="{COLORS[name]}"/>')
    out.append("</g>")
    return out


def main(history_path, svg_path):
    with open(history_path, encoding="utf-8") as f:
        h = json.load(f)
    epochs = [e["epoch"] for e in h]
    loss = [e["loss"] for e in h]
    test_loss = [e.get("test_loss") for e in h]
    acc = [e["accuracy"] for e in h]
    test_acc = [e.get("test_accuracy") for e in h]
    svg = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" viewBox="0 0 {W} {H}" '
           'font-family="sans-serif">',
           f'<rect width="{W}" height="{H}" fill="white"/>']
    svg += panel(LEFT, "loss (cross-entropy)", epochs, [("train", loss), ("test", test_loss)],
                 0.0, 1.0, [0.0, 0.2, 0.4, 0.6, 0.8, 1.0], lambda t: f"{t:.1f}")
    svg += panel(LEFT + PANEL_W + GAP, "accuracy", epochs, [("train", acc), ("test", test_acc)],
                 0.6, 1.0, [0.6, 0.7, 0.8, 0.9, 1.0], lambda t: f"{t:.1f}")
    ly = TOP + PANEL_H + 52
    svg.append(f'<line x1="{LEFT + 200}" y1="{ly}" x2="{LEFT + 230}" y2="{ly}" stroke="{COLORS["train"]}" stroke-width="2"/>')
    svg.append(f'<text x="{LEFT + 236}" y="{ly + 4}" font-size="12">training (running mean over the epoch)</text>')
    svg.append(f'<line x1="{LEFT + 470}" y1="{ly}" x2="{LEFT + 500}" y2="{ly}" stroke="{COLORS["test"]}" stroke-width="2"/>')
    svg.append(f'<text x="{LEFT + 506}" y="{ly + 4}" font-size="12">test (1,000 images)</text>')
    svg.append("</svg>")
    with open(svg_path, "w", encoding="utf-8") as f:
        f.write("\n".join(svg) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: learning_curve.py HISTORY.json OUT.svg")
    main(sys.argv[1], sys.argv[2])
