#!/usr/bin/python3
"""Search strategies against each other and against Optuna, at equal budgets, over many seeds.

Part 1, analytic objectives (Branin, Hartmann-6, Rosenbrock; minimize): nnlab's random, sobol, tpe,
bayes and cmaes (build/bin/strategy_bench) and Optuna 3.1's RandomSampler, TPESampler and
CmaEsSampler (defaults), each run one trial at a time; the table gives the median best value after
10..N trials, then, for each nnlab strategy run with the Optuna sampler of its name, the p-value of
a two-sided Mann-Whitney U test of the seeds' best values after N trials (seed noise or not). The
issue's CMA-ES check: --budget 200 --seeds 30 --strategies cmaes --samplers cmaes --skip-e9.

Part 2, the seed's E9 search (maximize val_acc): nnlab sweeps of experiments/hyperparameter_search.yaml
with random, sobol, tpe, bayes and cmaes, and random search with the asha and hyperband pruners, plus
Optuna's RandomSampler and TPESampler driving PyTorch (e9_optuna_torch.py); the median best
val_acc, and for nnlab the median of the optimizer updates a sweep spent (early stopping's saving).

Part 3, with --pareto (then exits): multi-objective search on ZDT1 and ZDT2 (30 variables in
[0, 1], both objectives minimized): nnlab's nsga2 and random against Optuna 3.1's NSGAIISampler
(defaults: population 50) and RandomSampler, the median over the seeds of the hypervolume up to the
reference point (5, 5) after 50..N trials. The issue's check: --pareto --budget 500 --seeds 10,
nnlab's nsga2 within 5 % of Optuna's.

Needs python3-optuna (and python3-torch for the Optuna E9 rows). Usage:
  python3 tests/bench/strategy_bench.py [--seeds 10] [--budget 50] [--e9-trials 50] [--skip-e9]
      [--strategies random,sobol,tpe,bayes,cmaes] [--samplers random,tpe,cmaes]
      [--proposal-times 50,200,1000]  (bayes's seconds per proposal on Hartmann-6, then exits)
      [--pareto]  (part 3 only: --budget is then the evaluations per run, e.g. 500)
"""
import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile

import numpy as np
import optuna
import scipy.stats

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUDGETS = [10, 20, 30, 50, 75, 100, 150, 200, 300, 500, 1000]


def branin(x1, x2):
    b, c, t = 5.1 / (4 * np.pi ** 2), 5 / np.pi, 1 / (8 * np.pi)
    return (x2 - b * x1 ** 2 + c * x1 - 6) ** 2 + 10 * (1 - t) * np.cos(x1) + 10


HARTMANN_A = np.array([[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14],
                       [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]])
HARTMANN_P = np.array([[0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886],
                       [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
                       [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650],
                       [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381]])
HARTMANN_ALPHA = np.array([1.0, 1.2, 3.0, 3.2])


def hartmann6(*x):
    x = np.array(x)
    return -float(np.sum(HARTMANN_ALPHA * np.exp(-np.sum(HARTMANN_A * (x - HARTMANN_P) ** 2, axis=1))))


def rosenbrock(x1, x2):
    return 100 * (x2 - x1 ** 2) ** 2 + (1 - x1) ** 2


OBJECTIVES = {
    "branin": (branin, [(-5, 10), (0, 15)]),
    "hartmann6": (hartmann6, [(0, 1)] * 6),
    "rosenbrock": (rosenbrock, [(-2, 2), (-2, 2)]),
}


PARETO_BUDGETS = [50, 100, 200, 300, 500, 1000]
PARETO_REFERENCE = (5.0, 5.0)


def zdt(kind, x):
    g = 1 + 9 * sum(x[1:]) / (len(x) - 1)
    r = x[0] / g
    return x[0], g * (1 - (np.sqrt(r) if kind == "zdt1" else r * r))


def hypervolume_2d(points, reference):
    """Exact 2-D hypervolume (both minimized) of the points better than `reference`."""
    inside = sorted((p for p in points if p[0] < reference[0] and p[1] < reference[1]),
                    key=lambda p: (p[1], p[0]))
    volume, lowest = 0.0, reference[0]
    for i, (x, y) in enumerate(inside):
        lowest = min(lowest, x)
        top = inside[i + 1][1] if i + 1 < len(inside) else reference[1]
        volume += (reference[0] - lowest) * (top - y)
    return volume


def optuna_pareto(kind, sampler_name, seeds, budget):
    runs = []
    for seed in range(1, seeds + 1):
        sampler = {"nsga2": optuna.samplers.NSGAIISampler,
                   "random": optuna.samplers.RandomSampler}[sampler_name](seed=seed)
        study = optuna.create_study(directions=["minimize", "minimize"], sampler=sampler)
        study.optimize(lambda t: zdt(kind, [t.suggest_float(f"x{i + 1}", 0, 1) for i in range(30)]),
                       n_trials=budget)
        runs.append([tuple(t.values) for t in study.trials])
    return {str(b): float(np.median([hypervolume_2d(r[:b], PARETO_REFERENCE) for r in runs]))
            for b in PARETO_BUDGETS if b <= budget}


def pareto(bench, seeds, budget):
    out = subprocess.run([bench, "--pareto", "zdt1,zdt2", "--budget", str(budget), "--seeds",
                          str(seeds), "--strategies", "nsga2,random"],
                         check=True, capture_output=True, text=True).stdout
    rows = [json.loads(line) for line in out.splitlines()]
    for kind in ["zdt1", "zdt2"]:
        for sampler in ["nsga2", "random"]:
            rows.append({"objective": kind, "strategy": f"optuna {sampler}",
                         "hypervolume": optuna_pareto(kind, sampler, seeds, budget)})
    budgets = [b for b in PARETO_BUDGETS if b <= budget]
    print(f"median hypervolume over {seeds} seeds, reference point {PARETO_REFERENCE} "
          f"(higher is better)")
    print(f"{'objective':<10} {'strategy':<14}" + "".join(f"{b:>10}" for b in budgets))
    for row in sorted(rows, key=lambda r: (r["objective"], r["strategy"])):
        print(f"{row['objective']:<10} {row['strategy']:<14}" +
              "".join(f"{row['hypervolume'][str(b)]:>10.4f}" for b in budgets))
    last = str(budgets[-1])
    for kind in ["zdt1", "zdt2"]:
        ours = next(r for r in rows if r["objective"] == kind and r["strategy"] == "nnlab nsga2")
        theirs = next(r for r in rows if r["objective"] == kind and r["strategy"] == "optuna nsga2")
        ratio = ours["hypervolume"][last] / theirs["hypervolume"][last]
        print(f"{kind}: nnlab nsga2 / optuna nsga2 after {last} trials = {ratio:.4f} "
              f"({'within' if abs(ratio - 1) <= 0.05 else 'NOT within'} 5 %)")


def optuna_medians(name, sampler_name, seeds, budget):
    f, bounds = OBJECTIVES[name]
    runs = []
    for seed in range(1, seeds + 1):
        sampler = {"tpe": optuna.samplers.TPESampler, "cmaes": optuna.samplers.CmaEsSampler,
                   "random": optuna.samplers.RandomSampler}[sampler_name](seed=seed)
        study = optuna.create_study(sampler=sampler)
        study.optimize(lambda t: f(*[t.suggest_float(f"x{i + 1}", lo, hi)
                                     for i, (lo, hi) in enumerate(bounds)]), n_trials=budget)
        values = [t.value for t in study.trials]
        runs.append(np.minimum.accumulate(values))
    return ({str(b): float(np.median([r[b - 1] for r in runs])) for b in BUDGETS if b <= budget},
            [float(r[-1]) for r in runs])


def e9_nnlab(kind, pruner, seeds, trials):
    bests, updates = [], []
    for seed in range(1, seeds + 1):
        with tempfile.TemporaryDirectory() as out:
            command = [os.path.join(ROOT, "build/bin/nnlab"), "sweep",
                       os.path.join(ROOT, "experiments/hyperparameter_search.yaml"), "--out", out,
                       "-q", "--seed", str(seed), "--set", f"search.kind={kind}",
                       "--set", f"search.trials={trials}"]
            if pruner:
                command += ["--set", f"search.pruner.kind={pruner}"]
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
            with open(os.path.join(out, "trials.csv")) as f:
                rows = list(csv.DictReader(f))
            complete = [float(r["objective"]) for r in rows if r["state"] == "COMPLETE"]
            bests.append(max(complete))
            updates.append(sum(int(r["updates"]) for r in rows))
    return statistics.median(bests), statistics.median(updates), bests


def e9_optuna(sampler, seeds, trials):
    bests = []
    for seed in range(1, seeds + 1):
        out = subprocess.run([sys.executable, os.path.join(ROOT, "tests/bench/e9_optuna_torch.py"),
                              "--trials", str(trials), "--seed", str(seed), "--sampler", sampler,
                              "--jobs", "1"], check=True, capture_output=True, text=True).stdout
        bests.append(float(out.split("best:")[1].split()[0]))
    return statistics.median(bests), bests


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--budget", type=int, default=50)
    parser.add_argument("--e9-trials", type=int, default=50)
    parser.add_argument("--skip-e9", action="store_true")
    parser.add_argument("--skip-optuna-e9", action="store_true")
    parser.add_argument("--strategies", default="random,sobol,tpe,bayes,cmaes")
    parser.add_argument("--samplers", default="random,tpe,cmaes")
    parser.add_argument("--proposal-times", default="")
    parser.add_argument("--pareto", action="store_true")
    args = parser.parse_args()
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    bench = os.path.join(ROOT, "build/bin/strategy_bench")

    if args.pareto:
        pareto(bench, args.seeds, args.budget)
        return

    if args.proposal_times:
        out = subprocess.run([bench, "--strategies", "bayes", "--proposal-times",
                              args.proposal_times], check=True, capture_output=True, text=True).stdout
        for row in map(json.loads, out.splitlines()):
            print(f"{row['strategy']} on Hartmann-6 (seed 1), ms per proposal over the 10 "
                  f"proposals up to each count (best {row['best']:.4f}):")
            for count, t in row["proposal_ms"].items():
                print(f"  {count:>5} trials: mean {t['mean']:9.1f}  max {t['max']:9.1f}")
        return

    rows = []
    out = subprocess.run([bench, "--budget", str(args.budget), "--seeds", str(args.seeds),
                          "--strategies", args.strategies],
                         check=True, capture_output=True, text=True).stdout
    rows += [json.loads(line) for line in out.splitlines()]
    for name in OBJECTIVES:
        for sampler in args.samplers.split(","):
            medians, final = optuna_medians(name, sampler, args.seeds, args.budget)
            rows.append({"objective": name, "strategy": f"optuna {sampler}", "median": medians,
                         "final": final})
    budgets = [b for b in BUDGETS if b <= args.budget]
    print(f"median best value over {args.seeds} seeds (minimize; lower is better)")
    print(f"{'objective':<11} {'strategy':<14}" + "".join(f"{b:>10}" for b in budgets))
    for row in sorted(rows, key=lambda r: (r["objective"], r["strategy"])):
        print(f"{row['objective']:<11} {row['strategy']:<14}" +
              "".join(f"{row['median'][str(b)]:>10.4f}" for b in budgets))
    # Whether a gap between two medians is more than seed noise: a two-sided Mann-Whitney U test
    # of the seeds' best values at the budget, nnlab's strategy against Optuna's sampler of the
    # same name (the seeds are independent runs, so the samples are unpaired).
    for name in OBJECTIVES:
        for sampler in args.samplers.split(","):
            ours = next((r for r in rows if r["objective"] == name
                         and r["strategy"] == f"nnlab {sampler}"), None)
            theirs = next(r for r in rows if r["objective"] == name
                          and r["strategy"] == f"optuna {sampler}")
            if ours is None:
                continue
            p = scipy.stats.mannwhitneyu(ours["final"], theirs["final"]).pvalue
            print(f"{name}: nnlab {sampler} vs optuna {sampler} after {args.budget} trials, "
                  f"Mann-Whitney U p = {p:.2f}")

    if args.skip_e9:
        return
    print(f"\nE9 (val_acc, maximize): median over {args.seeds} seeds of the best of {args.e9_trials} trials")
    print(f"{'strategy':<26}{'best val_acc':>14}{'updates':>12}")
    for kind, pruner in [("random", None), ("sobol", None), ("tpe", None), ("bayes", None),
                         ("cmaes", None), ("random", "asha"), ("random", "hyperband")]:
        best, updates, _ = e9_nnlab(kind, pruner, args.seeds, args.e9_trials)
        label = f"nnlab {kind}" + (f" + {pruner}" if pruner else "")
        print(f"{label:<26}{best:>14.4f}{updates:>12.0f}", flush=True)
    if not args.skip_optuna_e9:
        for sampler in ["random", "tpe"]:
            best, _ = e9_optuna(sampler, args.seeds, args.e9_trials)
            print(f"{'optuna ' + sampler + ' + torch':<26}{best:>14.4f}{'':>12}", flush=True)


if __name__ == "__main__":
    main()
