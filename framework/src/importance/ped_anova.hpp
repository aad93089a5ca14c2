#pragma once
/// PED-ANOVA (Watanabe, Bansal & Hutter 2023, "PED-ANOVA: Efficiently Quantifying Hyperparameter
/// Importance in Arbitrary Subspaces"): a parameter matters as much as the distribution of its
/// values among the top-quantile trials differs from its distribution among all trials. Each
/// distribution is a Parzen estimator on a grid of the parameter's range (Scott's-rule bandwidth,
/// plus a wide prior kernel); the difference is their Pearson divergence. No model is fitted, so it
/// costs microseconds where fANOVA costs seconds. As Optuna's PedAnovaImportanceEvaluator with its
/// defaults (evaluate_on_local: the trials' own distribution is the baseline).
#include <cstdint>
#include <vector>

namespace nnlab {

/// One parameter's values over the trials, as PED-ANOVA sees it.
struct PedAnovaParameter {
  bool categorical = false;
  int choices = 0;             ///< categorical: how many; `values` hold choice indices
  double low = 0, high = 0;    ///< numeric: the range, in real units
  double step = 0;             ///< numeric: the quantization step (integers: 1; 0: continuous)
  bool log = false;            ///< numeric: the grid is uniform in log(value)
  std::vector<double> values;  ///< one per trial
};

struct PedAnovaOptions {
  double quantile = 0.1;    ///< the top fraction of trials compared with all (Optuna: 0.1)
  int grid_points = 50;     ///< points on a continuous range (Optuna: 50)
  double prior_weight = 1;  ///< the prior kernel's weight against one trial's (Optuna: 1)
  int min_top_trials = 2;   ///< the top set holds at least this many trials (Optuna: 2)
};

/// Each parameter's importance, summing to 1.
/// @param objectives one per trial (the same trials as every parameter's `values`)
/// @param maximize   whether larger objectives are better
/// Equal shares when there are too few trials to pick a top set from, or when no parameter's
/// distribution differs (as Optuna). Throws Error for a bad quantile or mismatched sizes.
std::vector<double> ped_anova_importances(const std::vector<PedAnovaParameter>& parameters,
                                          const std::vector<double>& objectives, bool maximize,
                                          const PedAnovaOptions& options = {});

}  // namespace nnlab
