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
import resource
import subprocess
import tempfile
import time

from trivial_sweep import TRIVIAL

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NNLAB = os.path.join(ROOT, "build/bin/nnlab")
E9 = os.path.join(ROOT, "experiments/hyperparameter_search.yaml")



def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def sweep_seconds(path, out, parallel, isolation):
    """Wall seconds and CPU seconds (the sweep's and its reaped workers', user + system)."""
    cpu, start = children_cpu(), time.perf_counter()
    subprocess.run([NNLAB, "sweep", path, "--out", out, "--overwrite", "-q", "--parallel", str(parallel),
                    "--isolation", isolation], capture_output=True, text=True, check=True)
    return time.perf_counter() - start, children_cpu() - cpu


def compare(label, path, trials, parallel, repeats, tmp):
    # Alternated, so a neighbour's load on a shared machine falls on both modes alike.
    thread, process = [], []
    for _ in range(repeats):
        thread.append(sweep_seconds(path, os.path.join(tmp, "t"), parallel, "thread"))
        process.append(sweep_seconds(path, os.path.join(tmp, "p"), parallel, "process"))
    t_wall, t_cpu = min(w for w, _ in thread), min(c for _, c in thread)
    p_wall, p_cpu = min(w for w, _ in process), min(c for _, c in process)
    print(f"{label:34}{parallel:7d}{t_wall:10.3f}{p_wall:10.3f}{p_wall / t_wall:8.3f}x"
          f"{1e3 * (p_wall - t_wall) / trials * parallel:11.3f}"
          f"{t_cpu:9.3f}{p_cpu:9.3f}{1e3 * (p_cpu - t_cpu) / trials:11.3f}")


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
        print(f"best of {args.repeats}, alternated; '+wall ms' is a slot's extra time per trial "
              f"(wall difference x slots / trials), '+cpu ms' the extra CPU time per trial (all "
              f"processes), which a busy shared machine disturbs less")
        print(f"{'sweep':34}{'slots':>7}{'thread s':>10}{'process s':>10}{'ratio':>9}"
              f"{'+wall ms':>11}{'cpu t s':>9}{'cpu p s':>9}{'+cpu ms':>11}")
        for parallel in sorted({1, cores}):
            compare(f"{args.trials} trivial trials", trivial, args.trials, parallel, args.repeats, tmp)
        if args.e9:
            compare("E9 random search, 100 trials", E9, 100, cores, args.repeats, tmp)


if __name__ == "__main__":
    main()
