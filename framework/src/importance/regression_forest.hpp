#pragma once
/// A regression random forest (Breiman 2001) as scikit-learn's RandomForestRegressor grows it with
/// its defaults: every tree on a bootstrap sample, every feature considered at every split,
/// squared-error splits at midpoints between neighbouring values, grown until a node is pure, holds
/// one distinct sample or reaches the depth limit. fANOVA (fanova.hpp) reads the trees' leaf boxes;
/// Optuna fits its fANOVA forest this way, so the same trials give comparable importances.
#include <Eigen/Core>
#include <cstdint>
#include <vector>

namespace nnlab {

struct RegressionForestOptions {
  int trees = 64;             ///< trees in the forest (Optuna's fANOVA: 64)
  int max_depth = 64;         ///< a node at this depth is a leaf (Optuna's fANOVA: 64)
  int min_samples_split = 2;  ///< distinct samples a node needs to be split (scikit-learn: 2)
  int min_samples_leaf = 1;   ///< distinct samples each child keeps (scikit-learn: 1)
  std::uint64_t seed = 0;     ///< seeds the bootstrap samples: the same seed, the same forest
};

/// One node of a tree: a split (feature >= 0) sends x[feature] <= threshold left, the rest right;
/// a leaf (feature < 0) predicts `value`, the weighted mean of its bootstrap samples.
struct RegressionTreeNode {
  int feature = -1;
  double threshold = 0;
  int left = -1, right = -1;
  double value = 0;
};

/// One fitted tree; node 0 is the root.
class RegressionTree {
 public:
  explicit RegressionTree(std::vector<RegressionTreeNode> nodes) : nodes_(std::move(nodes)) {}
  const std::vector<RegressionTreeNode>& nodes() const { return nodes_; }
  /// The leaf value that `x` (one value per feature) falls into.
  double predict(const Eigen::Ref<const Eigen::RowVectorXd>& x) const;

 private:
  std::vector<RegressionTreeNode> nodes_;
};

class RegressionForest {
 public:
  /// Fits the forest on `x` (one row per sample, one column per feature) and targets `y`.
  /// Throws Error for no samples or a size mismatch.
  RegressionForest(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                   const RegressionForestOptions& options = {});
  const std::vector<RegressionTree>& trees() const { return trees_; }
  /// The mean of the trees' predictions.
  double predict(const Eigen::Ref<const Eigen::RowVectorXd>& x) const;

 private:
  std::vector<RegressionTree> trees_;
};

}  // namespace nnlab
