#include "importance/fanova.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "nnlab/error.hpp"

namespace nnlab {
namespace {

/// The weighted mean and variance of `values`.
double weighted_variance(const std::vector<double>& values, const std::vector<double>& weights) {
  double total = 0, sum = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    total += weights[i];
    sum += weights[i] * values[i];
  }
  if (total <= 0) return 0;
  const double mean = sum / total;
  double variance = 0;
  for (std::size_t i = 0; i < values.size(); ++i) {
    variance += weights[i] * (values[i] - mean) * (values[i] - mean);
  }
  return variance / total;
}

}  // namespace

FanovaTree::FanovaTree(const RegressionTree& tree,
                       const std::vector<std::pair<double, double>>& bounds)
    : bounds_(bounds), split_values_(bounds.size()) {
  const auto& nodes = tree.nodes();
  // Walk the tree carrying each node's box; a split narrows its feature's side of the box.
  struct Pending {
    int node;
    std::vector<double> low, high;
  };
  std::vector<Pending> stack;
  Pending root{0, {}, {}};
  for (const auto& [low, high] : bounds) {
    root.low.push_back(low);
    root.high.push_back(high);
  }
  stack.push_back(std::move(root));
  while (!stack.empty()) {
    Pending p = std::move(stack.back());
    stack.pop_back();
    const RegressionTreeNode& n = nodes[static_cast<std::size_t>(p.node)];
    if (n.feature < 0) {
      leaves_.push_back({n.value, std::move(p.low), std::move(p.high)});
      continue;
    }
    const auto f = static_cast<std::size_t>(n.feature);
    // A threshold outside the box (a trial outside today's space) cuts nothing off.
    const double cut = std::clamp(n.threshold, bounds_[f].first, bounds_[f].second);
    if (cut > bounds_[f].first && cut < bounds_[f].second) split_values_[f].push_back(cut);
    Pending left{n.left, p.low, p.high};
    left.high[f] = std::min(left.high[f], cut);
    Pending right{n.right, std::move(p.low), std::move(p.high)};
    right.low[f] = std::max(right.low[f], cut);
    stack.push_back(std::move(left));
    stack.push_back(std::move(right));
  }
  for (auto& values : split_values_) {
    std::sort(values.begin(), values.end());
    values.erase(std::unique(values.begin(), values.end()), values.end());
  }
  // The tree's variance under the uniform measure on the box: leaves weighted by their volume.
  std::vector<double> values, volumes;
  for (const Leaf& leaf : leaves_) {
    double volume = 1;
    for (std::size_t c = 0; c < bounds_.size(); ++c) volume *= leaf.high[c] - leaf.low[c];
    values.push_back(leaf.value);
    volumes.push_back(volume);
  }
  variance_ = weighted_variance(values, volumes);
}

double FanovaTree::marginal_variance(const std::vector<int>& columns) const {
  // The marginal over `columns` is constant on each cell of the grid their split values make; a
  // cell's value is the mean of the leaves whose box holds it, weighted by each box's volume in
  // the other columns (the uniform average over them).
  const std::size_t dims = columns.size();
  std::vector<std::vector<double>> midpoints(dims), sizes(dims);
  std::vector<std::size_t> stride(dims);
  std::size_t cells = 1;
  for (std::size_t g = 0; g < dims; ++g) {
    const auto c = static_cast<std::size_t>(columns[g]);
    std::vector<double> edges{bounds_[c].first};
    edges.insert(edges.end(), split_values_[c].begin(), split_values_[c].end());
    edges.push_back(bounds_[c].second);
    for (std::size_t k = 0; k + 1 < edges.size(); ++k) {
      midpoints[g].push_back(0.5 * (edges[k] + edges[k + 1]));
      sizes[g].push_back(edges[k + 1] - edges[k]);
    }
    stride[g] = cells;
    cells *= midpoints[g].size();
  }
  std::vector<bool> in_group(bounds_.size(), false);
  for (const int c : columns) in_group[static_cast<std::size_t>(c)] = true;

  std::vector<double> weighted_sum(cells, 0.0), weight(cells, 0.0);
  std::vector<std::size_t> first(dims), last(dims), at(dims);
  for (const Leaf& leaf : leaves_) {
    double other_volume = 1;
    for (std::size_t c = 0; c < bounds_.size(); ++c) {
      if (!in_group[c]) other_volume *= leaf.high[c] - leaf.low[c];
    }
    if (other_volume <= 0) continue;
    // The cells this leaf covers: those whose midpoint lies in its box, a block of the grid.
    bool empty = false;
    for (std::size_t g = 0; g < dims; ++g) {
      const auto c = static_cast<std::size_t>(columns[g]);
      const auto& m = midpoints[g];
      first[g] =
          static_cast<std::size_t>(std::lower_bound(m.begin(), m.end(), leaf.low[c]) - m.begin());
      last[g] =
          static_cast<std::size_t>(std::upper_bound(m.begin(), m.end(), leaf.high[c]) - m.begin());
      if (first[g] >= last[g]) empty = true;
      at[g] = first[g];
    }
    if (empty) continue;
    // Visit the block in mixed radix.
    while (true) {
      std::size_t cell = 0;
      for (std::size_t g = 0; g < dims; ++g) cell += at[g] * stride[g];
      weighted_sum[cell] += leaf.value * other_volume;
      weight[cell] += other_volume;
      std::size_t g = 0;
      while (g < dims && ++at[g] == last[g]) {
        at[g] = first[g];
        ++g;
      }
      if (g == dims) break;
    }
  }
  std::vector<double> marginal, cell_size;
  for (std::size_t cell = 0; cell < cells; ++cell) {
    if (weight[cell] <= 0) continue;
    double size = 1;
    for (std::size_t g = 0; g < dims; ++g) size *= sizes[g][(cell / stride[g]) % sizes[g].size()];
    marginal.push_back(weighted_sum[cell] / weight[cell]);
    cell_size.push_back(size);
  }
  return weighted_variance(marginal, cell_size);
}

std::vector<double> fanova_importances(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                                       const std::vector<std::pair<double, double>>& bounds,
                                       const std::vector<std::vector<int>>& groups,
                                       const FanovaOptions& options) {
  if (bounds.size() != static_cast<std::size_t>(x.cols())) {
    throw Error("fANOVA: " + std::to_string(x.cols()) + " columns but " +
                std::to_string(bounds.size()) + " bounds");
  }
  RegressionForestOptions forest_options;
  forest_options.trees = options.trees;
  forest_options.max_depth = options.max_depth;
  forest_options.seed = options.seed;
  const RegressionForest forest(x, y, forest_options);

  std::vector<double> importance(groups.size(), 0.0);
  int informative_trees = 0;
  for (const RegressionTree& tree : forest.trees()) {
    const FanovaTree boxes(tree, bounds);
    // A constant tree (its bootstrap sample saw one objective value) apportions nothing; Optuna
    // leaves such trees out of the mean too.
    if (!(boxes.variance() > 0)) continue;
    ++informative_trees;
    for (std::size_t g = 0; g < groups.size(); ++g) {
      importance[g] += std::max(0.0, boxes.marginal_variance(groups[g])) / boxes.variance();
    }
  }
  if (informative_trees == 0) {
    throw Error(
        "fANOVA: the forest predicts one value everywhere (are all objectives equal?): "
        "no variance to apportion");
  }
  double total = 0;
  for (double& value : importance) {
    value /= informative_trees;
    total += value;
  }
  if (total > 0) {
    for (double& value : importance) value /= total;
  }
  return importance;
}

}  // namespace nnlab
