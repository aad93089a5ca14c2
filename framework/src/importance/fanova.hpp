#pragma once
/// fANOVA (Hutter, Hoos & Leyton-Brown 2014, "An Efficient Approach for Assessing Hyperparameter
/// Importance"): a regression forest predicts the objective from the parameters; each tree is a
/// piecewise-constant function over boxes of the search space, so its functional-ANOVA
/// decomposition is exact. A parameter's importance is the variance of the tree's marginal over
/// that parameter (the other parameters averaged out, uniformly over their ranges) as a fraction
/// of the tree's total variance, averaged over the trees, then normalized to sum to 1. The same
/// as Optuna's FanovaImportanceEvaluator: 64 trees, depth 64, main effects only.
#include <Eigen/Core>
#include <cstdint>
#include <utility>
#include <vector>

#include "importance/regression_forest.hpp"

namespace nnlab {

struct FanovaOptions {
  int trees = 64;          ///< forest size (Optuna: 64)
  int max_depth = 64;      ///< tree depth limit (Optuna: 64)
  std::uint64_t seed = 0;  ///< seeds the forest's bootstrap samples
};

/// One tree seen as boxes: its leaves, each with its value and its box in the search space.
class FanovaTree {
 public:
  /// `bounds`: each column's [low, high], the box the trees' splits cut up.
  FanovaTree(const RegressionTree& tree, const std::vector<std::pair<double, double>>& bounds);
  /// The variance of the tree's prediction over the whole box (uniform measure).
  double variance() const { return variance_; }
  /// The variance of the marginal over `columns` (one parameter: one column, or a categorical
  /// parameter's one-hot columns together), the other columns averaged out.
  double marginal_variance(const std::vector<int>& columns) const;

 private:
  struct Leaf {
    double value = 0;
    std::vector<double> low, high;
  };
  std::vector<std::pair<double, double>> bounds_;
  std::vector<Leaf> leaves_;
  std::vector<std::vector<double>> split_values_;  ///< per column: sorted distinct thresholds
  double variance_ = 0;
};

/// Each parameter's share of the objective's variance explained by its main effect.
/// @param x       one row per trial, one column per encoded feature
/// @param y       the objective per trial
/// @param bounds  each column's [low, high] (the search space, in the same encoding)
/// @param groups  each parameter's columns
/// @return one importance per group, summing to 1 (all 0 when no main effect explains anything)
/// Throws Error when every tree is constant (all objectives equal): nothing can be apportioned.
std::vector<double> fanova_importances(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                                       const std::vector<std::pair<double, double>>& bounds,
                                       const std::vector<std::vector<int>>& groups,
                                       const FanovaOptions& options = {});

}  // namespace nnlab
