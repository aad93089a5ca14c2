#!/usr/bin/python3
"""How much of a policy search's reward the policy explains (issue 12, E10's choice of reward).

Reads a finished sweep over `augment.policy` slots (trials.csv and curves.csv) and fits, for each
of the last-evaluation metrics val_acc and val_loss, a ridge regression of the metric on the
policy: per operation, the chance an image gets it (sum of its slots' p / sub-policies) and that
chance times its magnitude / 10. Prints the out-of-sample R^2 (5-fold cross-validation, the best
ridge penalty of a few): the share of the trials' spread a learner could attribute to the policy.
The rest is seed noise, which is what a controller's gradient has to average away.

  /usr/bin/python3 tests/bench/reward_signal.py results/learned_augmentation_autoaugment
"""
import csv
import re
import sys

import numpy as np

SLOT = re.compile(r"augment\.policy\[(\d+)\]\[(\d+)\]\.op$")


def last_values(curves_path):
    """trial -> metric -> value at the last evaluation."""
    last = {}
    for row in csv.DictReader(open(curves_path)):
        epoch = int(row["epoch"])
        entry = last.setdefault(int(row["trial"]), {}).get(row["metric"])
        if entry is None or epoch >= entry[0]:
            last[int(row["trial"])][row["metric"]] = (epoch, float(row["value"]))
    return {t: {m: v for m, (_, v) in metrics.items()} for t, metrics in last.items()}


def features(rows):
    slots = sorted({SLOT.match(k).groups() for k in rows[0] if SLOT.match(k)})
    sub_policies = len({s for s, _ in slots})
    ops = sorted({r[f"augment.policy[{s}][{o}].op"] for r in rows for s, o in slots})
    x = np.zeros((len(rows), 2 * len(ops)))
    for i, r in enumerate(rows):
        for s, o in slots:
            key = f"augment.policy[{s}][{o}]"
            j = ops.index(r[key + ".op"])
            chance = float(r[key + ".p"]) / sub_policies
            x[i, j] += chance
            x[i, len(ops) + j] += chance * float(r[key + ".magnitude"]) / 10
    return x


def cross_validated_r2(x, y, folds=5):
    order = np.random.default_rng(0).permutation(len(y))
    best = -np.inf
    for penalty in (0.01, 0.1, 0.3, 1.0, 3.0):
        error = 0.0
        for held in np.array_split(order, folds):
            fit = np.setdiff1d(order, held)
            mean = y[fit].mean()
            w = np.linalg.solve(x[fit].T @ x[fit] + penalty * np.eye(x.shape[1]),
                                x[fit].T @ (y[fit] - mean))
            error += ((y[held] - mean - x[held] @ w) ** 2).sum()
        best = max(best, 1 - error / len(y) / y.var())
    return best


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip().splitlines()[-1])
    folder = sys.argv[1]
    rows = [r for r in csv.DictReader(open(folder + "/trials.csv")) if r["state"] == "COMPLETE"]
    last = last_values(folder + "/curves.csv")
    x = features(rows)
    print(f"{folder}: {len(rows)} complete trials")
    for metric in ("val_acc", "val_loss"):
        y = np.array([last[int(r["trial"])][metric] for r in rows])
        print(f"  {metric:8s} mean {y.mean():.4f} sd {y.std():.4f}  "
              f"explained by the policy (out of sample): R^2 {cross_validated_r2(x, y):.2f}")


if __name__ == "__main__":
    main()
