#!/usr/bin/env python3
"""Benchmark: the seed's E7 overfitting run in nnlab against PyTorch, measured in the same run.

    python3 tests/bench/overfit_bench.py [--threads 1] [--repeats 3]

Needs a Release build in build/, Debian's python3-torch and an optimised BLAS for it
(libopenblas0-pthread; with Debian's default reference BLAS PyTorch is ~30x slower, no fair peer).
Runs each contender --repeats times and takes the best (least disturbed) time. Every contender gets
the same thread budget (OMP_NUM_THREADS, OPENBLAS_NUM_THREADS, torch.set_num_threads). PyTorch runs
three ways:
  - as this machine's environment runs it (it may pin OPENBLAS_CORETYPE, e.g. to Haswell kernels);
  - with OpenBLAS free to pick its best kernels (OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE unset);
  - the same with glibc's heap trimming off (MALLOC_TRIM_THRESHOLD_/MALLOC_TOP_PAD_): no page-fault churn.
The floor is the run's matmul work at oneDNN's measured single-core rate (170 GFLOP/s per core).
Prints times and ratios; asserts nothing (speed is reported, not unit-tested).
"""
import argparse
import os
import re
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FLOP = 5.8e11  # 201 evaluations of 10300 images + 601 updates of 100, 2 FLOP per multiply-add
CORE_RATE = 170e9


def run(command, env=None):
    started = time.perf_counter()
    out = subprocess.run(command, capture_output=True, text=True, env=env, check=True).stdout
    return out, time.perf_counter() - started


def nnlab(threads, out_dir):
    out, wall = run([os.path.join(ROOT, "build/bin/nnlab"), "run", os.path.join(ROOT, "experiments/overfit.yaml"),
                     "--out", out_dir, "--overwrite", "-q", "--threads", str(threads)])
    m = re.search(r"updates in ([0-9.]+) s \(([0-9.]+) GFLOP/s\).*test_acc ([0-9.]+)", out)
    return float(m.group(1)), wall, float(m.group(3)), float(m.group(2))


def torch(python, threads, best_kernels, no_trim):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads))
    if best_kernels:
        env.pop("OPENBLAS_CORETYPE", None)
        env.pop("OPENBLAS_L2_SIZE", None)
    if no_trim:
        env.update(MALLOC_TRIM_THRESHOLD_=str(1 << 30), MALLOC_TOP_PAD_=str(1 << 30))
    out, wall = run([python, os.path.join(ROOT, "tests/bench/overfit_torch.py"), "--threads", str(threads)], env)
    values = dict(line.split(": ") for line in out.strip().splitlines())
    return float(values["seconds"]), wall, float(values["test_acc"])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--python", default="/usr/bin/python3", help="a Python with torch (Debian's python3-torch)")
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.repeats):
            for name, fn in (("nnlab", lambda: nnlab(args.threads, tmp)),
                             ("pytorch, env as is", lambda: torch(args.python, args.threads, False, False)),
                             ("pytorch, best BLAS", lambda: torch(args.python, args.threads, True, False)),
                             ("pytorch, best, no trim", lambda: torch(args.python, args.threads, True, True))):
                r = fn()
                if name not in results or r[0] < results[name][0]:
                    results[name] = r
    floor = FLOP / (CORE_RATE * args.threads)
    print(f"E7 overfitting run (201 epochs, 601 updates), {args.threads} thread(s), best of {args.repeats}")
    coretype = os.environ.get("OPENBLAS_CORETYPE", "unset")
    print(f"(this environment's OPENBLAS_CORETYPE: {coretype})")
    print(f"{'':24}{'train s':>9}{'process s':>11}{'test_acc':>10}{'vs nnlab':>10}")
    base = results["nnlab"][0]
    for name, r in results.items():
        print(f"{name:24}{r[0]:9.2f}{r[1]:11.2f}{r[2]:10.4f}{r[0] / base:9.2f}x")
    print(f"nnlab: {results['nnlab'][3]:.1f} GFLOP/s; floor {floor:.2f} s at {CORE_RATE / 1e9:.0f} GFLOP/s per core; "
          f"nnlab / floor = {base / floor:.2f}")


if __name__ == "__main__":
    main()
