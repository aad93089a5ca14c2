#!/usr/bin/env python3
"""Benchmark: sweeps. The seed's E9 random search (100 trials) in nnlab and in Optuna + PyTorch, in
one run; the speed-up from 1 to all cores; and the cost per trial of trivial trials.

    python3 tests/bench/sweep_bench.py [--repeats 2]

Needs a Release build in build/, and for the peer Debian's python3-optuna, python3-torch and
libopenblas0-pthread. Every contender gets one thread per trial and one trial per core. The floor
is the search's matmul work (2.2e12 FLOP) at oneDNN's 170 GFLOP/s per core. Prints, asserts nothing.
"""
import argparse
import os
import re
import subprocess
import tempfile
import time

from trivial_sweep import TRIVIAL

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NNLAB = os.path.join(ROOT, "build/bin/nnlab")
E9 = os.path.join(ROOT, "experiments/hyperparameter_search.yaml")
FLOP = 2.2e12
CORE_RATE = 170e9



def timed(command, env=None):
    start = time.perf_counter()
    out = subprocess.run(command, capture_output=True, text=True, check=True, env=env).stdout
    return time.perf_counter() - start, out


def nnlab_sweep(path, out, parallel):
    seconds, text = timed([NNLAB, "sweep", path, "--out", out, "--overwrite", "-q", "--parallel", str(parallel)])
    best = re.search(r"best \S+ ([0-9.]+)", text)
    return seconds, float(best.group(1)) if best else float("nan")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--python", default="/usr/bin/python3")
    parser.add_argument("--trivial-trials", type=int, default=2000)
    args = parser.parse_args()
    cores = os.cpu_count()
    best = {}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.repeats):
            runs = {
                f"nnlab, {cores} trials at once": lambda: nnlab_sweep(E9, os.path.join(tmp, "n"), cores),
                "nnlab, 1 trial at a time": lambda: nnlab_sweep(E9, os.path.join(tmp, "n1"), 1),
            }
            if os.path.exists(args.python):
                env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
                env.pop("OPENBLAS_CORETYPE", None)
                env.pop("OPENBLAS_L2_SIZE", None)

                def optuna_run():
                    _, text = timed([args.python, os.path.join(ROOT, "tests/bench/e9_optuna_torch.py"), "--jobs", str(cores)], env)
                    values = dict(line.split(": ") for line in text.strip().splitlines())
                    return float(values["seconds"]), float(values["best"])

                runs[f"Optuna + PyTorch, n_jobs={cores}"] = optuna_run
            for name, fn in runs.items():
                r = fn()
                if name not in best or r[0] < best[name][0]:
                    best[name] = r
        trivial = os.path.join(tmp, "trivial.yaml")
        with open(trivial, "w") as f:
            f.write(TRIVIAL % args.trivial_trials)
        trivial_s, _ = nnlab_sweep(trivial, os.path.join(tmp, "t"), cores)

    floor = FLOP / (CORE_RATE * cores)
    base = best[f"nnlab, {cores} trials at once"][0]
    print(f"E9 random search, 100 trials, {cores} cores, best of {args.repeats}")
    print(f"{'':34}{'seconds':>9}{'best val':>10}{'vs nnlab':>10}")
    for name, (seconds, value) in best.items():
        print(f"{name:34}{seconds:9.2f}{value:10.4f}{seconds / base:9.2f}x")
    one = best["nnlab, 1 trial at a time"][0]
    print(f"floor {floor:.2f} s; nnlab / floor = {base / floor:.2f}")
    print(f"speed-up 1 -> {cores} cores: {one / base:.2f}x ({100 * one / base / cores:.0f}% of linear)")
    print(f"{args.trivial_trials} trivial trials (whole sweep, process start included): "
          f"{1e6 * trivial_s / args.trivial_trials:.0f} us per trial; scheduler alone: build/bin/scheduler_overhead")


if __name__ == "__main__":
    main()
