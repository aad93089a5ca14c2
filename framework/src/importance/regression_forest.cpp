#include "importance/regression_forest.hpp"

#include <tbb/parallel_for.h>

#include <algorithm>
#include <cfloat>
#include <limits>
#include <numeric>
#include <string>

#include "nnlab/error.hpp"
#include "nnlab/random.hpp"

namespace nnlab {
namespace {

// scikit-learn treats two values closer than this as one when it looks for split points
// (FEATURE_THRESHOLD in its splitter), and a node whose impurity is at most DBL_EPSILON as pure.
// Kept, so that a forest here splits where Optuna's would.
constexpr double kSameValue = 1e-7;

/// Grows one tree on the distinct samples of a bootstrap draw, each weighted by how often it was
/// drawn (scikit-learn's own way of fitting a bootstrap sample).
class TreeBuilder {
 public:
  TreeBuilder(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, std::vector<double> weights,
              const RegressionForestOptions& options, Rng& rng)
      : x_(x), y_(y), weights_(std::move(weights)), options_(options), rng_(rng) {
    for (Eigen::Index i = 0; i < x.rows(); ++i) {
      if (weights_[static_cast<std::size_t>(i)] > 0) samples_.push_back(static_cast<int>(i));
    }
    features_.resize(static_cast<std::size_t>(x.cols()));
    std::iota(features_.begin(), features_.end(), 0);
  }

  RegressionTree grow() {
    build(0, static_cast<int>(samples_.size()), 0);
    return RegressionTree(std::move(nodes_));
  }

 private:
  double w(int i) const { return weights_[static_cast<std::size_t>(i)]; }

  int build(int begin, int end, int depth) {
    const int node = static_cast<int>(nodes_.size());
    nodes_.emplace_back();
    double total_weight = 0, total_sum = 0;
    for (int k = begin; k < end; ++k) {
      const int i = samples_[static_cast<std::size_t>(k)];
      total_weight += w(i);
      total_sum += w(i) * y_[i];
    }
    const double mean = total_sum / total_weight;
    double impurity = 0;  // two passes: a constant target gives exactly 0, not rounding noise
    for (int k = begin; k < end; ++k) {
      const int i = samples_[static_cast<std::size_t>(k)];
      impurity += w(i) * (y_[i] - mean) * (y_[i] - mean);
    }
    impurity /= total_weight;
    nodes_[static_cast<std::size_t>(node)].value = mean;
    const int count = end - begin;
    if (depth >= options_.max_depth || count < options_.min_samples_split ||
        count < 2 * options_.min_samples_leaf || impurity <= DBL_EPSILON) {
      return node;
    }

    // Every feature, in a random order (scikit-learn's max_features = all): the order only
    // decides between splits that reduce the squared error equally.
    std::shuffle(features_.begin(), features_.end(), rng_);
    double best_proxy = -std::numeric_limits<double>::infinity();
    int best_feature = -1;
    double best_threshold = 0;
    std::vector<int> sorted(samples_.begin() + begin, samples_.begin() + end);
    for (const int f : features_) {
      std::sort(sorted.begin(), sorted.end(), [&](int a, int b) {
        return x_(a, f) < x_(b, f) || (x_(a, f) == x_(b, f) && a < b);
      });
      if (x_(sorted.back(), f) <= x_(sorted.front(), f) + kSameValue) continue;  // constant here
      double left_weight = 0, left_sum = 0;
      for (int p = 1; p < count; ++p) {
        const int previous = sorted[static_cast<std::size_t>(p - 1)];
        const int current = sorted[static_cast<std::size_t>(p)];
        left_weight += w(previous);
        left_sum += w(previous) * y_[previous];
        if (x_(current, f) <= x_(previous, f) + kSameValue) continue;
        if (p < options_.min_samples_leaf || count - p < options_.min_samples_leaf) continue;
        const double right_weight = total_weight - left_weight;
        const double right_sum = total_sum - left_sum;
        // Maximizing sum_L²/w_L + sum_R²/w_R minimizes the children's weighted squared error.
        const double proxy =
            left_sum * left_sum / left_weight + right_sum * right_sum / right_weight;
        if (proxy > best_proxy) {
          best_proxy = proxy;
          best_feature = f;
          best_threshold = x_(previous, f) / 2 + x_(current, f) / 2;
          if (best_threshold >= x_(current, f)) best_threshold = x_(previous, f);
        }
      }
    }
    if (best_feature < 0) return node;

    const auto middle =
        std::stable_partition(samples_.begin() + begin, samples_.begin() + end,
                              [&](int i) { return x_(i, best_feature) <= best_threshold; });
    const int split = static_cast<int>(middle - samples_.begin());
    const int left = build(begin, split, depth + 1);
    const int right = build(split, end, depth + 1);
    RegressionTreeNode& n = nodes_[static_cast<std::size_t>(node)];
    n.feature = best_feature;
    n.threshold = best_threshold;
    n.left = left;
    n.right = right;
    return node;
  }

  const Eigen::MatrixXd& x_;
  const Eigen::VectorXd& y_;
  std::vector<double> weights_;
  const RegressionForestOptions& options_;
  Rng& rng_;
  std::vector<int> samples_, features_;
  std::vector<RegressionTreeNode> nodes_;
};

}  // namespace

double RegressionTree::predict(const Eigen::Ref<const Eigen::RowVectorXd>& x) const {
  int node = 0;
  while (nodes_[static_cast<std::size_t>(node)].feature >= 0) {
    const RegressionTreeNode& n = nodes_[static_cast<std::size_t>(node)];
    node = x[n.feature] <= n.threshold ? n.left : n.right;
  }
  return nodes_[static_cast<std::size_t>(node)].value;
}

RegressionForest::RegressionForest(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                                   const RegressionForestOptions& options) {
  if (x.rows() == 0 || x.rows() != y.size()) {
    throw Error("regression forest: expected one target per sample, got " +
                std::to_string(x.rows()) + " samples and " + std::to_string(y.size()) + " targets");
  }
  if (options.trees < 1 || options.max_depth < 0 || options.min_samples_leaf < 1) {
    throw Error("regression forest: trees and min_samples_leaf must be positive, max_depth >= 0");
  }
  trees_.resize(static_cast<std::size_t>(options.trees), RegressionTree({}));
  // Tree t draws from its own stream, derived from (seed, t): the forest is the same at any
  // thread count and in any order the trees are grown.
  tbb::parallel_for(0, options.trees, [&](int t) {
    Rng rng(derive_seed(options.seed, "forest/tree" + std::to_string(t)));
    std::vector<double> weights(static_cast<std::size_t>(x.rows()), 0.0);
    std::uniform_int_distribution<Eigen::Index> draw(0, x.rows() - 1);
    for (Eigen::Index k = 0; k < x.rows(); ++k) weights[static_cast<std::size_t>(draw(rng))] += 1;
    trees_[static_cast<std::size_t>(t)] =
        TreeBuilder(x, y, std::move(weights), options, rng).grow();
  });
}

double RegressionForest::predict(const Eigen::Ref<const Eigen::RowVectorXd>& x) const {
  double sum = 0;
  for (const auto& tree : trees_) sum += tree.predict(x);
  return sum / static_cast<double>(trees_.size());
}

}  // namespace nnlab
