#!/usr/bin/python3
"""Issue 16's data benchmark, side by side on this machine (Debian python3-pil, python3-torch, python3-torchvision).

For a folder of N JPEGs in 10 class folders at SIZE x SIZE (stored at 1.25 x SIZE, so that the resize
works), one epoch of a model too small to matter (GlobalAveragePooling2D + Dense: the data path is what
is timed), batch 64, W decoding workers each side:
  - tfgraph streamed      ./tfgraph train --data DIR --data-workers W
  - tfgraph in memory     ./tfgraph train --data DIR --in-memory (decodes everything first, one thread)
  - PyTorch               torchvision ImageFolder + DataLoader(num_workers=W), Resize + ToTensor
Images/s is examples / the epoch's seconds (tfgraph: the training loop's "seconds"; in memory: the whole
command, which includes decoding; PyTorch: the loop), wait % the time the loop waited for a batch over
the time in steps (tfgraph's data_wait_pct; PyTorch measured the same way), peak resident memory of the
whole process tree (PyTorch's worker processes included) sampled every 0.2 s. The streamed side runs with a
fixed, pre-touched 1 GB heap, so that its peak shows what the data path holds rather than how far the JVM
grew its heap (by default up to a quarter of RAM, lazily); in memory keeps the default heap.

Usage: bench/data_stream.py [--sizes 64,224] [--counts 2000,20000] [--workers 2] [--root /tmp/tfgraph-data]
Prints a Markdown table and writes bench/results/data-stream-<stamp>.md.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def make_folder(path, n, size):
    """n JPEGs, n/10 per class, smooth colour fields plus noise (realistic JPEG sizes), seeded."""
    from PIL import Image
    if os.path.exists(os.path.join(path, "done")):
        return
    rng = np.random.default_rng(n + size)
    s = int(size * 1.25)
    yy, xx = np.mgrid[0:s, 0:s] / s
    for i in range(n):
        c = i % 10
        d = os.path.join(path, "class%d" % c)
        os.makedirs(d, exist_ok=True)
        base = np.stack([np.sin(xx * (c + 1) * 3 + k) * 0.5 + 0.5 for k in range(3)], -1)
        img = np.clip(base * 200 + rng.normal(0, 20, (s, s, 3)), 0, 255).astype(np.uint8)
        Image.fromarray(img).save(os.path.join(d, "%06d.jpg" % i), quality=90)
    open(os.path.join(path, "done"), "w").close()


def spec(size):
    return json.dumps({"format_version": 1, "name": "gap%d" % size, "input": {"name": "image", "shape": [None, size, size, 3]},
                       "layers": [{"type": "GlobalAveragePooling2D", "name": "gap"},
                                  {"type": "Dense", "name": "head", "units": 10, "activation": "softmax"}]})


def tree_rss_mib(root):
    """Resident memory of a process and all its descendants (DataLoader workers, the JVM under the launcher), MiB."""
    parents = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                stat = open("/proc/%s/stat" % d).read()
                parents.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(d))
            except OSError:
                pass
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo += parents.get(pid, [])
        try:
            for line in open("/proc/%d/status" % pid):
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def timed(cmd, env=None):
    """Runs cmd: (stdout, wall seconds, peak resident MiB of its whole process tree, sampled every 0.2 s)."""
    t0 = time.time()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    peak = 0.0
    while p.poll() is None:
        peak = max(peak, tree_rss_mib(p.pid))
        time.sleep(0.2)
    out, err = p.communicate()
    wall = time.time() - t0
    if p.returncode != 0:
        raise RuntimeError("%s failed: %s" % (" ".join(cmd), err[-2000:]))
    return out, wall, peak


def tfgraph(folder, size, workers, in_memory, spec_file):
    cmd = [os.path.join(ROOT, "tfgraph"), "train", "--spec", spec_file, "--data", folder, "--epochs", "1", "--batch-size", "64",
           "--threads", str(workers), "--quiet"]
    cmd += ["--in-memory"] if in_memory else ["--data-workers", str(workers)]
    env = dict(os.environ)
    if not in_memory:   # a fixed, pre-touched heap: the peak then shows what the data path holds, not the JVM's heap sizing
        env["TFGRAPH_JAVA_OPTS"] = "-Xss4m -XX:+UseParallelGC -Xms1g -Xmx1g -XX:+AlwaysPreTouch"
    out, wall, rss = timed(cmd, env)
    j = json.loads(out.strip().splitlines()[-1])
    secs = wall if in_memory else j["seconds"]
    return {"images_s": j["examples"] / secs, "wait_pct": j["data_wait_pct"], "rss": rss, "wall": wall}


TORCH = r'''
import json, sys, time, torch, torchvision
from torchvision import transforms
folder, size, workers = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
torch.set_num_threads(workers); torch.manual_seed(0)
ds = torchvision.datasets.ImageFolder(folder, transforms.Compose([transforms.Resize((size, size)), transforms.ToTensor()]))
dl = torch.utils.data.DataLoader(ds, batch_size=64, shuffle=True, num_workers=workers)
m = torch.nn.Sequential(torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(), torch.nn.Linear(3, 10))
opt = torch.optim.Adam(m.parameters(), 1e-3)
wait = step = 0.0; n = 0
t0 = time.time(); it = iter(dl)
while True:
    tw = time.time()
    try: x, y = next(it)
    except StopIteration: break
    ts = time.time(); wait += ts - tw
    opt.zero_grad(); loss = torch.nn.functional.cross_entropy(m(x), y); loss.backward(); opt.step()
    step += time.time() - ts; n += len(y)
secs = time.time() - t0
print(json.dumps({"examples": n, "seconds": secs, "wait_pct": 100 * wait / max(step, 1e-9)}))
'''


def pytorch(folder, size, workers):
    out, wall, rss = timed(["/usr/bin/python3", "-c", TORCH, folder, str(size), str(workers)])
    j = json.loads(out.strip().splitlines()[-1])
    return {"images_s": j["examples"] / j["seconds"], "wait_pct": j["wait_pct"], "rss": rss, "wall": wall}


def main():
    a = argparse.ArgumentParser()
    a.add_argument("--sizes", default="64,224")
    a.add_argument("--counts", default="2000,20000")
    a.add_argument("--workers", type=int, default=2)
    a.add_argument("--root", default="/tmp/tfgraph-data")
    a.add_argument("--in-memory-max", type=int, default=2000, help="largest count run in memory at 224 (20,000 x 224 x 224 x 3 floats are 12 GB)")
    args = a.parse_args()
    rows = []
    for size in map(int, args.sizes.split(",")):
        spec_file = os.path.join(args.root, "gap%d.json" % size)
        os.makedirs(args.root, exist_ok=True)
        open(spec_file, "w").write(spec(size))
        for n in map(int, args.counts.split(",")):
            folder = os.path.join(args.root, "jpeg%d-%d" % (size, n))
            make_folder(folder, n, size)
            for side in ("tfgraph streamed", "tfgraph in memory", "PyTorch ImageFolder+DataLoader"):
                if side == "tfgraph in memory" and size >= 224 and n > args.in_memory_max:
                    rows.append((size, n, side, None))
                    continue
                if side.startswith("tfgraph"):
                    r = tfgraph(folder, size, args.workers, side.endswith("memory"), spec_file)
                else:
                    r = pytorch(folder, size, args.workers)
                rows.append((size, n, side, r))
                print(size, n, side, r, file=sys.stderr, flush=True)
    load = open("/proc/loadavg").read().split()[0]
    lines = ["| size | images | side | images/s | wait % | peak resident MiB | wall s |", "|---|---|---|---|---|---|---|"]
    for size, n, side, r in rows:
        if r is None:
            lines.append("| %d | %d | %s | not run: the decoded floats (%.1f GB) exceed the heap | | | |" % (size, n, side, n * size * size * 3 * 4 / 1e9))
        else:
            lines.append("| %d | %d | %s | %.0f | %.1f | %.0f | %.1f |" % (size, n, side, r["images_s"], r["wait_pct"], r["rss"], r["wall"]))
    table = "\n".join(lines) + "\n\n%d decoding workers a side, batch 64, %s, load average %s at the end\n" % (
        args.workers, time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), load)
    print(table)
    os.makedirs(os.path.join(HERE, "results"), exist_ok=True)
    with open(os.path.join(HERE, "results", "data-stream-%s.md" % time.strftime("%Y%m%d-%H%M", time.gmtime())), "w") as f:
        f.write(table)


if __name__ == "__main__":
    main()
