#!/usr/bin/env python3
"""Throughput of data-parallel training on TF's gRPC runtime, on this machine, against one process.

Alternates, ROUNDS times, at the same global batch:
  local        one process, TF's default threads (both cores)
  local-half   one process, 1 thread, half the batch: one replica's share of the compute on one core
  1w+1ps       chief (= worker 0, 2 threads) + a parameter server (1 thread)
  2w+1ps       chief + worker 1 (1 thread each) + a parameter server (1 thread)
Every task is a `./tfgraph` process on loopback. Prints a table, then a projection to N machines
from the measured figures (see README, "Distributed training"). Writes bench/results/cluster-*.jsonl.

Usage: bench/cluster.py [--rounds 3] [--model cnn] [--batch 128] [--steps 60] [--gbit 10]
"""
import argparse, json, os, socket, statistics as st, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TFG = os.path.join(ROOT, "tfgraph")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(cluster, task, threads, logdir):
    log = open(os.path.join(logdir, task.replace(":", "-") + ".log"), "w")
    p = subprocess.Popen([TFG, "worker", "--cluster", cluster, "--task", task, "--threads", str(threads)],
                         stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline:
        if '"serving"' in open(log.name).read():
            return p
        if p.poll() is not None:
            sys.exit(f"{task} exited: " + open(log.name).read())
        time.sleep(0.1)
    sys.exit(f"{task} did not serve in 60 s")


def train(args, extra, batch):
    cmd = [TFG, "train", "--model", args.model, "--batch-size", str(batch), "--max-steps", str(args.steps), "--quiet"] + extra
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    if out.returncode != 0:
        sys.exit(" ".join(cmd) + " failed: " + out.stderr[-2000:])
    return json.loads(out.stdout.strip().splitlines()[-1])


def cpu_seconds(task, cluster):
    """CPU time used so far by the java process serving `task` of `cluster` (utime + stime)."""
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            cmd = open(f"/proc/{pid}/cmdline", "rb").read().split(b"\0")
            if b"java" in os.path.basename(cmd[0]) and cluster.encode() in cmd and task.encode() in cmd:
                f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
                return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError):
            pass
    return float("nan")


def distributed(args, workers, logdir, weights=None):
    spec = {"cluster": {"worker": [f"127.0.0.1:{free_port()}" for _ in range(workers)], "ps": [f"127.0.0.1:{free_port()}"]}}
    path = os.path.join(logdir, f"cluster-{workers}.json")
    json.dump(spec, open(path, "w"))
    procs = [serve(path, "ps:0", 1, logdir)] + [serve(path, f"worker:{i}", 1, logdir) for i in range(1, workers)]
    try:
        extra = ["--cluster", path, "--threads", "2" if workers == 1 else "1"]
        if weights: extra += ["--save-weights", weights]
        tasks = ["ps:0"] + [f"worker:{i}" for i in range(1, workers)]
        before = {t: cpu_seconds(t, path) for t in tasks}
        d = train(args, extra, args.batch)
        # where the work went: CPU seconds each serving task spent during the chief's run
        d["cpu_s"] = {t: round(cpu_seconds(t, path) - before[t], 2) for t in tasks}
        return d
    finally:
        for p in procs:
            p.kill()
            p.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--model", default="cnn")
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--steps", type=int, default=60)
    ap.add_argument("--gbit", type=float, default=10.0, help="network bandwidth assumed for the projection")
    ap.add_argument("--project-batch", type=int, default=0, help="also project at this global batch (compute assumed linear in the batch)")
    ap.add_argument("--summarize", metavar="FILE.jsonl", help="only print the tables of an earlier run")
    args = ap.parse_args()
    if args.summarize:
        return summarize(args.summarize, args)
    os.makedirs(os.path.join(ROOT, "bench", "results"), exist_ok=True)
    out = os.path.join(ROOT, "bench", "results", time.strftime("cluster-%Y%m%d-%H%M.jsonl", time.gmtime()))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        wfile = os.path.join(tmp, "w.npz")
        for r in range(args.rounds):
            for name in ["local", "local-half", "1w+1ps", "2w+1ps"]:
                if name == "local": d = train(args, [], args.batch)
                elif name == "local-half": d = train(args, ["--threads", "1"], args.batch // 2)
                elif name == "1w+1ps": d = distributed(args, 1, tmp, wfile if r == 0 else None)
                else: d = distributed(args, 2, tmp)
                d.update(config=name, round=r + 1, global_batch=args.batch, steps_asked=args.steps)
                rows.append(d)
                with open(out, "a") as f: f.write(json.dumps(d) + "\n")
                print(f"round {r + 1} {name}: {d['ms_per_step']:.1f} ms/step {d.get('cpu_s', '')}", file=sys.stderr)
        import numpy as np
        sizes = [int(a.size) for a in np.load(wfile).values()]   # in the model's order, as Placement sees them
        with open(out, "a") as f: f.write(json.dumps({"config": "variable_sizes", "sizes": sizes}) + "\n")
    summarize(out, args)


def greedy_max_share(sizes, k):
    """The largest share of the bytes one of k parameter servers holds under tfgraph's greedy placement."""
    load = [0] * k
    for s in sizes:
        i = min(range(k), key=lambda j: (load[j], j))
        load[i] += s
    return max(load) / sum(sizes)


def summarize(out, args):
    rows = [json.loads(l) for l in open(out)]
    sizes = next(r["sizes"] for r in rows if r["config"] == "variable_sizes")
    rows = [r for r in rows if r["config"] != "variable_sizes"]
    args.model = rows[0]["model"]
    args.batch, args.steps = rows[0]["global_batch"], rows[0]["steps_asked"]
    params = sum(sizes)
    ms = {c: st.median([x["ms_per_step"] for x in rows if x["config"] == c]) for c in ["local", "local-half", "1w+1ps", "2w+1ps"]}
    span = {c: (min(x["ms_per_step"] for x in rows if x["config"] == c), max(x["ms_per_step"] for x in rows if x["config"] == c)) for c in ms}
    rounds = max(r["round"] for r in rows)
    print(f"\n{args.model}, global batch {args.batch}, {args.steps} steps, {rounds} rounds (median, min–max); results in {os.path.relpath(out, ROOT)}\n")
    print("| configuration | ms/step | examples/s | vs one process | CPU s of ps:0 / worker:1 during the run |")
    print("|---|---|---|---|---|")
    for c in ms:
        b = args.batch // 2 if c == "local-half" else args.batch
        cpu = [r.get("cpu_s") for r in rows if r["config"] == c and r.get("cpu_s")]
        cell = " / ".join(f"{st.median([x[t] for x in cpu]):.2f}" for t in cpu[0]) if cpu else "–"
        print(f"| {c} | {ms[c]:.1f} ({span[c][0]:.1f}–{span[c][1]:.1f}) | {b / ms[c] * 1000:.0f} | {ms['local'] / ms[c] * (b / args.batch):.2f}× | {cell} |")
    mb = params * 4 / 1e6
    comm = ms["1w+1ps"] - ms["local"]          # moving weights in and gradients out over loopback gRPC, per step
    print(f"\nparameters {params:,} ({mb:.1f} MB float32); per replica and step: {mb:.1f} MB of weights in, {mb:.1f} MB of gradients out")
    print(f"measured cost of the parameter-server round trip for one replica on loopback: {comm:.1f} ms/step "
          f"({2 * mb / max(comm, 1e-9) * 1000:.0f} MB/s effective)")
    # Projection to N machines like this one (2 cores each): compute is the one-process step time
    # scaled by the batch share B/N; the parameter servers carry 2·P·4 bytes per replica per step.
    per_ex = (ms["local"] - 0) / args.batch                     # 2-core machine, ms per example
    fixed_loop = comm                                            # serialization cost of one replica's round trip
    bw = args.gbit * 1e9 / 8 / 1e6                               # MB/s
    for gb in [args.batch] + ([args.project_batch] if args.project_batch else []):
        project(ms, per_ex, mb, fixed_loop, bw, gb, args, sizes)


def project(ms, per_ex, mb, fixed_loop, bw, gb, args, sizes):
    base = per_ex * gb
    print(f"\nprojection (machines of 2 cores like this one, {args.gbit:g} Gbit/s links, global batch {gb}):")
    print("| N machines | parameter servers | busiest server's share | compute ms | PS link ms | step ms | speed-up vs 1 process |")
    print("|---|---|---|---|---|---|---|")
    for n in [1, 2, 4, 8, 16]:
        for k in sorted({1, max(1, n // 2)}):
            compute = per_ex * gb / n
            # no overlap assumed: every replica's weights out and gradients in pass through the servers,
            # each byte costing wire time plus the serialization measured on loopback; the busiest server
            # (greedy placement of whole variables: one big kernel cannot be split) sets the pace
            share = greedy_max_share(sizes, k)
            link = n * (2 * mb / bw * 1000 + fixed_loop) * share
            step = compute + link
            print(f"| {n} | {k} | {share:.0%} | {compute:.1f} | {link:.1f} | {step:.1f} | {base / step:.2f}× |")


if __name__ == "__main__":
    main()
