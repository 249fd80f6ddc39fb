#!/usr/bin/env python3
"""ResNet50 training steps in PyTorch (python3-torch 1.13, torchvision 0.14), timed as `./tfgraph bench` times
bench/resnet50-gap10.json: the ResNet50 base + global average pooling + Dense(10) (torchvision's avgpool + fc),
224x224x3 synthetic images in [0, 1], random labels, cross-entropy, Adam (lr 1e-3, eps 1e-7, as tfgraph's),
BatchNorm in training mode, 2 threads, median ms per step after a warm-up. Prints one JSON line.

--variant keras-v1 (default): torchvision's ResNet50 changed to Keras' layout, the arithmetic tfgraph's runs
    (a stage's first block strides on its first 1x1 conv, convs have biases, BatchNorm eps 1.001e-5;
    testdata/resnet/gen_resnet.py's to_keras_v1);
--variant torchvision: torchvision.models.resnet50 as shipped (v1.5: the stride on the 3x3 conv, which costs
    about 5% more FLOPs; no conv biases).
Usage: bench/resnet_torch.py [--batch-size 16] [--steps 10] [--warmup 3] [--variant keras-v1|torchvision]"""
import argparse
import json
import os
import statistics
import sys
import time

import torch
import torch.nn as nn

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "testdata", "resnet"))
from gen_resnet import resnet50, to_keras_v1  # noqa: E402
from torch_env import require_openblas  # noqa: E402

require_openblas()
torch.set_num_threads(2)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--size", type=int, default=224)
    ap.add_argument("--variant", choices=["keras-v1", "torchvision"], default="keras-v1")
    a = ap.parse_args()
    torch.manual_seed(0)
    m = resnet50(1)
    if a.variant == "keras-v1":
        m = to_keras_v1(m)
    m.fc = nn.Linear(2048, 10)
    m.train()
    opt = torch.optim.Adam(m.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.rand(a.batch_size, 3, a.size, a.size)
    y = torch.randint(0, 10, (a.batch_size,))

    def step():
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(m(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    for _ in range(a.warmup):
        step()
    times = []
    for _ in range(a.steps):
        t = time.perf_counter()
        step()
        times.append((time.perf_counter() - t) * 1e3)
    ms = statistics.median(times)
    print(json.dumps({"model": "resnet50-gap10", "variant": a.variant, "batch_size": a.batch_size, "steps": a.steps,
                      "ms_per_step": round(ms, 3), "ms_per_step_min": round(min(times), 3),
                      "ms_per_step_max": round(max(times), 3), "examples_per_s": round(a.batch_size / ms * 1e3, 2),
                      "torch": torch.__version__, "threads": torch.get_num_threads()}))


if __name__ == "__main__":
    main()
