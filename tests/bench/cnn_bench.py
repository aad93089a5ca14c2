#!/usr/bin/env python3
"""Benchmark: chapter 7's SimpleConvNet run (experiments/simple_convnet.yaml) in nnlab and in
PyTorch (tests/bench/cnn_torch.py), at 1 and 2 threads, measured in the same run.

    python3 tests/bench/cnn_bench.py [--repeats 1] [--threads 1 2] [--net simple]

Needs a Release build in build/, Debian's python3-torch and libopenblas0-pthread (see
overfit_bench.py). Each contender gets the same thread budget (nnlab --threads; OMP_NUM_THREADS,
OPENBLAS_NUM_THREADS and torch.set_num_threads for PyTorch) and runs --repeats times; the best
(least disturbed) training time is kept, with the peak resident size of that child process
(getrusage of the child: ru_maxrss, so PyTorch's includes the interpreter and its libraries).
Training time excludes loading the data in both (nnlab's 'done:' line; the peer's 'seconds:').
Prints times, ratios and peak RSS; asserts nothing (speed is reported, not unit-tested).

For the SimpleConvNet it also prints nnlab's distance from the floor: milliseconds per training
step against build/bin/cnn_floor (tests/bench/cnn_floor.cpp: the same oneDNN primitives at the same
shapes, timed alone in a loop). nnlab's side is the experiment's 1000 updates with evaluations
of only 100 test images, so what is timed is training steps (with primitive creation amortized
as in a real run); the aim is at most 1.3x.
"""
import argparse
import os
import re
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXPERIMENT = {"simple": "experiments/simple_convnet.yaml", "deep": "experiments/deep_convnet.yaml"}


def run(command, env=None):
    """stdout, wall seconds and peak RSS (MiB) of one child: wait4 gives that child's own rusage."""
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    out, err = child.stdout.read(), child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise RuntimeError(f"{command[0]} failed ({child.returncode}): {err.strip()[-500:]}")
    return out, time.perf_counter() - started, usage.ru_maxrss / 1024


def nnlab(net, threads, out_dir):
    out, wall, rss = run([os.path.join(ROOT, "build/bin/nnlab"), "run", os.path.join(ROOT, EXPERIMENT[net]),
                          "--out", out_dir, "--overwrite", "-q", "--threads", str(threads)])
    m = re.search(r"updates in ([0-9.]+) s .*test_acc ([0-9.]+)", out)
    return float(m.group(1)), wall, float(m.group(2)), rss


def floor(threads, out_dir):
    """(nnlab ms per training step, floor ms per step) at `threads`."""
    out, _, _ = run([os.path.join(ROOT, "build/bin/nnlab"), "run", os.path.join(ROOT, EXPERIMENT["simple"]),
                     "--out", out_dir, "--overwrite", "-q", "--threads", str(threads),
                     "--set", "train.eval=[test]", "--set", "data.test_limit=100"])
    m = re.search(r"done: ([0-9]+) updates in ([0-9.]+) s", out)
    nnlab_ms = 1000 * float(m.group(2)) / int(m.group(1))
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    out, _, _ = run([os.path.join(ROOT, "build/bin/cnn_floor"), "--steps", "200"], env)
    return nnlab_ms, float(re.search(r"ms_per_step: ([0-9.]+)", out).group(1))


def torch(python, net, threads):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads))
    out, wall, rss = run([python, os.path.join(ROOT, "tests/bench/cnn_torch.py"), "--net", net,
                          "--threads", str(threads)], env)
    values = dict(line.split(": ", 1) for line in out.strip().splitlines())
    return float(values["seconds"]), wall, float(values["test_acc"]), rss


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--net", choices=sorted(EXPERIMENT), default="simple")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--python", default="/usr/bin/python3", help="a Python with torch (Debian's python3-torch)")
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.repeats):
            for threads in args.threads:
                for name, fn in ((f"nnlab, {threads} thr", lambda: nnlab(args.net, threads, tmp)),
                                 (f"pytorch, {threads} thr", lambda: torch(args.python, args.net, threads))):
                    r = fn()
                    if name not in results or r[0] < results[name][0]:
                        results[name] = r
                if args.net == "simple":
                    r = floor(threads, tmp)
                    key = f"floor, {threads} thr"
                    if key not in results or r[0] < results[key][0]:
                        results[key] = r
    print(f"{EXPERIMENT[args.net]}: best of {args.repeats}; "
          f"OPENBLAS_CORETYPE {os.environ.get('OPENBLAS_CORETYPE', 'unset')}")
    print(f"{'':18}{'train s':>9}{'process s':>11}{'test_acc':>10}{'vs nnlab':>10}{'peak RSS MiB':>14}")
    for threads in args.threads:
        base = results[f"nnlab, {threads} thr"][0]
        for name in (f"nnlab, {threads} thr", f"pytorch, {threads} thr"):
            r = results[name]
            print(f"{name:18}{r[0]:9.2f}{r[1]:11.2f}{r[2]:10.4f}{r[0] / base:9.2f}x{r[3]:14.1f}")
    if args.net == "simple":
        print(f"{'training step':18}{'nnlab ms':>9}{'floor ms':>11}{'nnlab/floor':>13}")
        for threads in args.threads:
            nn, fl = results[f"floor, {threads} thr"]
            print(f"{threads} thr{'':13}{nn:9.2f}{fl:11.2f}{nn / fl:12.2f}x")
    if len(args.threads) > 1:
        lo, hi = min(args.threads), max(args.threads)
        for who in ("nnlab", "pytorch"):
            speedup = results[f"{who}, {lo} thr"][0] / results[f"{who}, {hi} thr"][0]
            print(f"{who}: {lo} -> {hi} threads is {speedup:.2f}x faster")


if __name__ == "__main__":
    main()
