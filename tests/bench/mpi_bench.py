#!/usr/bin/env python3
"""Benchmark: the cost of a sweep across MPI ranks, and what it means for a cluster.

The same sweep of trivial trials (one epoch on four rows: almost all of a trial is the framework's
own work) runs in one process with 2 slots and under `mpiexec -np 2` with one slot per rank (rank
0's own, and rank 1's, reached over MPI), at two trial counts: the slope of wall time over trials
removes the fixed costs (mpiexec's start, loading plugins and data on each rank), and the
difference of the slopes, per trial that went over MPI, is what a remote trial costs rank 0 and
its slot: the request, the outcome, the bookkeeping and the polling back-off. E9's trial time is
measured here too, and the efficiency of E9-sized trials on M machines x C cores is projected from
both: a remote slot spends (trial + overhead) per trial, and rank 0 must keep up with all slots.

    /usr/bin/python3 tests/bench/mpi_bench.py [--trials 200 1000] [--machines 4] [--cores 16]

Needs a Release build in build/ and openmpi-bin. Prints, asserts nothing.
"""
import argparse
import csv
import os
import subprocess
import tempfile
import time

from trivial_sweep import TRIVIAL

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NNLAB = os.path.join(ROOT, "build/bin/nnlab")
E9 = os.path.join(ROOT, "experiments/hyperparameter_search.yaml")
ENV = dict(os.environ, OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")



def wall(command):
    start = time.perf_counter()
    subprocess.run(command, capture_output=True, text=True, check=True, env=ENV)
    return time.perf_counter() - start


def best_of(repeats, command):
    return min(wall(command) for _ in range(repeats))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, nargs=2, default=[200, 1000])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--machines", type=int, default=4)
    parser.add_argument("--cores", type=int, default=16)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        slopes = {}
        for mode in ("one process, 2 slots", "mpiexec -np 2, 1 slot each"):
            times = []
            for n in args.trials:
                path = os.path.join(tmp, "t%d.yaml" % n)
                with open(path, "w") as f:
                    f.write(TRIVIAL % n)
                out = os.path.join(tmp, "out")
                if mode.startswith("one"):
                    command = [NNLAB, "sweep", path, "--out", out, "--overwrite", "-q", "--parallel", "2"]
                else:
                    command = ["mpiexec", "--oversubscribe", "-np", "2", NNLAB, "sweep", path, "--out", out,
                               "--overwrite", "-q", "--parallel", "1"]
                times.append(best_of(args.repeats, command))
            slope = (times[1] - times[0]) / (args.trials[1] - args.trials[0])
            slopes[mode] = slope
            print("%-28s %d trials %.2f s, %d trials %.2f s: %.3f ms per trial (2 slots)"
                  % (mode, args.trials[0], times[0], args.trials[1], times[1], 1e3 * slope))
        local, remote = slopes["one process, 2 slots"], slopes["mpiexec -np 2, 1 slot each"]
        # Half the trials ran on rank 1: per remote trial, the extra slot time is twice the slope
        # difference (the two slots run side by side).
        overhead = max(0.0, 2 * (remote - local))
        print("a trial over MPI costs %.3f ms more than a local one (slot time)" % (1e3 * overhead))

        out = os.path.join(tmp, "e9")
        subprocess.run([NNLAB, "sweep", E9, "--out", out, "--set", "search.trials=8", "--parallel", "1",
                        "-q"], capture_output=True, text=True, check=True)
        with open(os.path.join(out, "trials.csv")) as f:
            durations = [float(r["duration_s"]) for r in csv.DictReader(f)]
        trial = sum(durations) / len(durations)
        slots = args.machines * args.cores
        # Each remote slot spends trial + overhead per trial; rank 0 handles every slot's trials one
        # at a time, at most `overhead` each, so it keeps up while slots * overhead < trial.
        per_slot = trial / (trial + overhead)
        coordinator = min(1.0, trial / (slots * overhead)) if overhead > 0 else 1.0
        print("E9 trial: %.3f s on one core; projected efficiency on %d x %d cores: %.1f %% "
              "(per slot %.2f %%, rank 0 keeping up: %.1f %%)"
              % (trial, args.machines, args.cores, 100 * per_slot * coordinator, 100 * per_slot,
                 100 * coordinator))


if __name__ == "__main__":
    main()
