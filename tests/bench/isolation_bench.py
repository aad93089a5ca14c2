#!/usr/bin/env python3
"""Benchmark: the cost of process isolation. The same sweep of trivial trials (one epoch on four
rows: almost all of a trial is the framework's own work) in thread mode and in process mode, one
trial at a time and one per core; the per-trial overhead of the worker processes is the difference
of the two wall times over the trial count (the aim is at most 2 ms), and the ratio says what it is
worth against a trial that does real work. With --e9 it also runs the seed's E9 random search (100
trials) both ways, the issue's second aim (at most 2 % of its wall time).

    /usr/bin/python3 tests/bench/isolation_bench.py [--trials 1000] [--repeats 3] [--e9]

Needs a Release build in build/. Both modes run the same trials with the same results; process mode
also starts its workers (one per slot) and prepares the data once into shared memory, which this
counts. Prints, asserts nothing.
"""
import argparse
import os
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NNLAB = os.path.join(ROOT, "build/bin/nnlab")
E9 = os.path.join(ROOT, "experiments/hyperparameter_search.yaml")

TRIVIAL = """name: trivial
seed: 1
data: {kind: synthetic, classes: 2, features: 2, train: 4, test: 4}
model: {layers: [{kind: dense, units: 2}], loss: {kind: softmax_cross_entropy}}
optimizer: {kind: sgd}
train: {epochs: 1, batch_size: 4, eval: [train]}
search:
  kind: random
  trials: %d
  objective: {metric: train_acc, mode: max}
  space: {optimizer.lr: {distribution: log_uniform, min: 1.0e-4, max: 1.0}}
"""


def sweep_seconds(path, out, parallel, isolation):
    start = time.perf_counter()
    subprocess.run([NNLAB, "sweep", path, "--out", out, "--overwrite", "-q", "--parallel", str(parallel),
                    "--isolation", isolation], capture_output=True, text=True, check=True)
    return time.perf_counter() - start


def best_of(repeats, fn):
    return min(fn() for _ in range(repeats))


def compare(label, path, trials, parallel, repeats, tmp):
    thread = best_of(repeats, lambda: sweep_seconds(path, os.path.join(tmp, "t"), parallel, "thread"))
    process = best_of(repeats, lambda: sweep_seconds(path, os.path.join(tmp, "p"), parallel, "process"))
    per_trial_ms = 1e3 * (process - thread) / trials * parallel
    print(f"{label:34}{parallel:9d}{thread:10.3f}{process:10.3f}{process / thread:8.3f}x"
          f"{1e3 * thread / trials * parallel:11.3f}{per_trial_ms:11.3f}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--e9", action="store_true", help="also E9 (100 real trials; minutes)")
    args = parser.parse_args()
    cores = os.cpu_count()
    with tempfile.TemporaryDirectory() as tmp:
        trivial = os.path.join(tmp, "trivial.yaml")
        with open(trivial, "w") as f:
            f.write(TRIVIAL % args.trials)
        print(f"best of {args.repeats}; 'ms/trial' is a slot's time per trial (wall x slots / trials)")
        print(f"{'sweep':34}{'slots':>9}{'thread s':>10}{'process s':>10}{'ratio':>9}"
              f"{'ms/trial':>11}{'+ms/trial':>11}")
        for parallel in sorted({1, cores}):
            compare(f"{args.trials} trivial trials", trivial, args.trials, parallel, args.repeats, tmp)
        if args.e9:
            compare("E9 random search, 100 trials", E9, 100, cores, 1, tmp)


if __name__ == "__main__":
    main()
