"""Optuna's parameter importances for trials that a C++ test hands over, for side-by-side checks.

usage: optuna_importance.py TRIALS_JSON
TRIALS_JSON: {"direction": "maximize"|"minimize", "method": "fanova"|"ped-anova",
              "seeds": [int, ...], "assess": null or [name, ...] (get_param_importances'
              params: judged on the trials where all of them are active),
              "params": [{"name", "kind": uniform|log_uniform|integer|categorical,
                          "low", "high", "step", "choices"}],
              "trials": [{"objective": float, "values": {name: text}}]}   (COMPLETE trials only;
              an inactive parameter is absent from "values")
Prints one "name<TAB>importance" line per parameter, most important first: Optuna's default
evaluator, fANOVA, averaged over the forests of the given seeds; or PED-ANOVA with its defaults.
Exits 3 when optuna or scikit-learn cannot be imported, 4 when this Optuna has no PED-ANOVA
(Debian 12's is 3.1; PYTHONPATH=<a newer optuna source tree> runs against that one instead).
"""
import json
import sys

try:
    import optuna
    import sklearn  # noqa: F401  (Optuna's fANOVA needs it)
except ImportError as e:
    print(f"unavailable: {e}", file=sys.stderr)
    sys.exit(3)


def distribution(p):
    if p["kind"] == "categorical":
        return optuna.distributions.CategoricalDistribution(p["choices"])
    if p["kind"] == "integer":
        return optuna.distributions.IntDistribution(
            int(p["low"]), int(p["high"]), step=int(p["step"] or 1))
    if p["kind"] == "log_uniform":
        return optuna.distributions.FloatDistribution(p["low"], p["high"], log=True)
    return optuna.distributions.FloatDistribution(p["low"], p["high"], step=p["step"] or None)


def value(p, text):
    if p["kind"] == "categorical":
        return text
    if p["kind"] == "integer":
        return int(float(text))
    return float(text)


def main():
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    optuna.logging.set_verbosity(optuna.logging.ERROR)
    study = optuna.create_study(direction=spec["direction"])
    params = {p["name"]: p for p in spec["params"]}
    for t in spec["trials"]:
        active = {name: text for name, text in t["values"].items()}
        study.add_trial(optuna.trial.create_trial(
            params={name: value(params[name], text) for name, text in active.items()},
            distributions={name: distribution(params[name]) for name in active},
            value=t["objective"]))
    if spec["method"] == "ped-anova":
        if not hasattr(optuna.importance, "PedAnovaImportanceEvaluator"):
            print(f"unavailable: Optuna {optuna.__version__} has no PED-ANOVA (3.6 and later)",
                  file=sys.stderr)
            sys.exit(4)
        evaluator = optuna.importance.PedAnovaImportanceEvaluator()
        for name, importance in optuna.importance.get_param_importances(
                study, params=spec.get("assess"), evaluator=evaluator).items():
            print(f"{name}\t{importance!r}")
        return
    total = {}
    for seed in spec["seeds"]:
        evaluator = optuna.importance.FanovaImportanceEvaluator(seed=seed)
        for name, importance in optuna.importance.get_param_importances(
                study, params=spec.get("assess"), evaluator=evaluator).items():
            total[name] = total.get(name, 0.0) + importance / len(spec["seeds"])
    for name, importance in sorted(total.items(), key=lambda item: -item[1]):
        print(f"{name}\t{importance!r}")


if __name__ == "__main__":
    main()
