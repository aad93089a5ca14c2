#include "importance/ped_anova.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "nnlab/error.hpp"

namespace nnlab {
namespace {

/// P(a < Z < b) for a standard normal Z, accurate in both tails.
double gauss_mass(double a, double b) {
  if (a > 0) return 0.5 * (std::erfc(a / std::sqrt(2.0)) - std::erfc(b / std::sqrt(2.0)));
  if (b < 0) return 0.5 * (std::erfc(-b / std::sqrt(2.0)) - std::erfc(-a / std::sqrt(2.0)));
  return 1 - 0.5 * std::erfc(-a / std::sqrt(2.0)) - 0.5 * std::erfc(b / std::sqrt(2.0));
}

/// How a numeric parameter's range is cut into grid points, and where each trial falls.
struct Grid {
  int points = 0;
  std::vector<int> index;  ///< per trial
};

Grid numeric_grid(const PedAnovaParameter& p, int grid_points) {
  const auto scale = [&](double v) { return p.log ? std::log(v) : v; };
  int points = grid_points;
  // A quantized range has no more grid points than values.
  if (p.step > 0 && !p.log) {
    points = std::min(static_cast<int>(std::lround((p.high - p.low) / p.step)) + 1, grid_points);
  }
  Grid grid;
  grid.points = std::max(points, 1);
  if (grid.points == 1) {
    grid.index.assign(p.values.size(), 0);
    return grid;
  }
  const double first = scale(p.low), last = scale(p.high);
  const double spacing = (last - first) / (grid.points - 1);
  for (const double v : p.values) {
    // The nearest grid point (a tie goes to the lower one); a value outside the range (a trial
    // from before the space was narrowed) counts at its nearer end. Clamped before the cast, so
    // that a far-off value cannot overflow an int.
    const double position = (scale(v) - first) / spacing;
    const double k = std::clamp(std::ceil(position - 0.5), 0.0, grid.points - 1.0);
    grid.index.push_back(static_cast<int>(k));
  }
  return grid;
}

/// The Parzen estimator of a numeric parameter on grid points 0..n-1 from the trials' counts per
/// point: a discretized Gaussian per occupied point (Scott's rule bandwidth, at least half a grid
/// step within 1.64 sigma), plus a prior kernel as wide as the grid at its centre. Returns the
/// probability of each grid point.
std::vector<double> numeric_density(const std::vector<double>& counts, double prior_weight) {
  const int n = static_cast<int>(counts.size());
  std::vector<double> mus, weights;
  double total = 0;
  for (int k = 0; k < n; ++k) {
    if (counts[static_cast<std::size_t>(k)] > 0) {
      mus.push_back(k);
      weights.push_back(counts[static_cast<std::size_t>(k)]);
      total += counts[static_cast<std::size_t>(k)];
    }
  }
  double mean = 0;
  for (std::size_t i = 0; i < mus.size(); ++i) mean += mus[i] * weights[i] / total;
  double squares = 0;
  for (std::size_t i = 0; i < mus.size(); ++i)
    squares += weights[i] * (mus[i] - mean) * (mus[i] - mean);
  const double sigma_sample = std::sqrt(squares / std::max(1.0, total - 1));
  // The interquartile range from the cumulative counts.
  std::vector<double> cumulative(weights.size());
  std::partial_sum(weights.begin(), weights.end(), cumulative.begin());
  const double q25 = std::floor(total / 4), q75 = std::floor(total * 3 / 4);
  const auto i25 = static_cast<std::size_t>(
      std::lower_bound(cumulative.begin(), cumulative.end(), q25) - cumulative.begin());
  const auto i75 = static_cast<std::size_t>(
      std::upper_bound(cumulative.begin(), cumulative.end(), q75) - cumulative.begin());
  const double iqr = mus[std::min(mus.size() - 1, i75)] - mus[std::min(mus.size() - 1, i25)];
  double sigma = 1.059 * std::min(iqr / 1.34, sigma_sample) * std::pow(total, -0.2);
  sigma = std::max(sigma, 0.5 / 1.64);
  std::vector<double> sigmas(mus.size(), sigma);
  mus.push_back(0.5 * (n - 1));
  sigmas.push_back(n);
  weights.push_back(prior_weight);
  const double weight_total = std::accumulate(weights.begin(), weights.end(), 0.0);

  std::vector<double> density(static_cast<std::size_t>(n), 0.0);
  for (std::size_t i = 0; i < mus.size(); ++i) {
    // Truncated to [-0.5, n-0.5], each grid point holding the mass within half a step.
    const double accepted = gauss_mass((-0.5 - mus[i]) / sigmas[i], (n - 0.5 - mus[i]) / sigmas[i]);
    for (int k = 0; k < n; ++k) {
      const double mass =
          gauss_mass((k - 0.5 - mus[i]) / sigmas[i], (k + 0.5 - mus[i]) / sigmas[i]);
      density[static_cast<std::size_t>(k)] += weights[i] / weight_total * mass / accepted;
    }
  }
  return density;
}

/// The Parzen estimator of a categorical parameter: per observed choice a kernel that puts weight
/// 1 on it and prior_weight/(kernels) on every choice, plus a uniform prior kernel.
std::vector<double> categorical_density(const std::vector<double>& counts, double prior_weight) {
  const std::size_t n = counts.size();
  std::size_t observed = 0;
  double total = 0;
  for (const double c : counts) {
    if (c > 0) ++observed;
    total += c;
  }
  const double kernels = static_cast<double>(observed + 1);
  const double floor_weight = prior_weight / kernels;
  const double row_total = floor_weight * static_cast<double>(n) + 1;
  const double weight_total = total + prior_weight;
  std::vector<double> density(n, 0.0);
  for (std::size_t k = 0; k < n; ++k) {
    density[k] += prior_weight / weight_total / static_cast<double>(n);
    for (std::size_t j = 0; j < n; ++j) {
      if (counts[j] <= 0) continue;
      const double kernel = (floor_weight + (j == k ? 1.0 : 0.0)) / row_total;
      density[k] += counts[j] / weight_total * kernel;
    }
  }
  return density;
}

std::vector<double> density(const PedAnovaParameter& p, const std::vector<int>& index, int points,
                            const std::vector<std::size_t>& trials, double prior_weight) {
  std::vector<double> counts(static_cast<std::size_t>(points), 0.0);
  for (const std::size_t t : trials) counts[static_cast<std::size_t>(index[t])] += 1;
  return p.categorical ? categorical_density(counts, prior_weight)
                       : numeric_density(counts, prior_weight);
}

}  // namespace

std::vector<double> ped_anova_importances(const std::vector<PedAnovaParameter>& parameters,
                                          const std::vector<double>& objectives, bool maximize,
                                          const PedAnovaOptions& options) {
  if (!(options.quantile > 0 && options.quantile <= 1)) {
    throw Error("PED-ANOVA: the quantile must be in (0, 1], got " +
                std::to_string(options.quantile));
  }
  for (const auto& p : parameters) {
    if (p.values.size() != objectives.size()) {
      throw Error("PED-ANOVA: a parameter has " + std::to_string(p.values.size()) + " values for " +
                  std::to_string(objectives.size()) + " objectives");
    }
  }
  const std::size_t n = objectives.size();
  const std::vector<double> equal(parameters.size(), 1.0 / static_cast<double>(parameters.size()));
  const auto min_top = static_cast<std::size_t>(std::max(1, options.min_top_trials));
  if (parameters.empty() || n <= min_top) return equal;

  // The top trials: every trial at least as good as the quantile's cut (ties stay in), and at
  // least min_top_trials of them.
  std::vector<double> loss(n);
  for (std::size_t i = 0; i < n; ++i) loss[i] = maximize ? -objectives[i] : objectives[i];
  std::vector<double> sorted = loss;
  std::sort(sorted.begin(), sorted.end());
  const auto at_quantile =
      static_cast<std::size_t>(std::ceil(options.quantile * static_cast<double>(n))) - 1;
  const double cutoff = std::max(sorted[min_top - 1], sorted[std::min(at_quantile, n - 1)]);
  std::vector<std::size_t> top, all(n);
  std::iota(all.begin(), all.end(), 0);
  for (std::size_t i = 0; i < n; ++i) {
    if (loss[i] <= cutoff) top.push_back(i);
  }

  std::vector<double> importance;
  double total = 0;
  for (const auto& p : parameters) {
    std::vector<int> index;
    int points = 0;
    if (p.categorical) {
      points = p.choices;
      for (const double v : p.values) index.push_back(static_cast<int>(v));
    } else {
      Grid grid = numeric_grid(p, options.grid_points);
      points = grid.points;
      index = std::move(grid.index);
    }
    const auto top_density = density(p, index, points, top, options.prior_weight);
    const auto all_density = density(p, index, points, all, options.prior_weight);
    // Pearson divergence of the top density from all trials', on the grid; the 1e-12 keeps empty
    // points finite, as Optuna's.
    double divergence = 0;
    for (std::size_t k = 0; k < top_density.size(); ++k) {
      const double q = all_density[k] + 1e-12, r = (top_density[k] + 1e-12) / q - 1;
      divergence += q * r * r;
    }
    importance.push_back(divergence);
    total += divergence;
  }
  if (!(total > 0)) return equal;
  for (double& value : importance) value /= total;
  return importance;
}

}  // namespace nnlab
