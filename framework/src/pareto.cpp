#include "nnlab/pareto.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace nnlab {

std::vector<double> minimized(std::span<const double> values,
                              std::span<const Direction> directions) {
  std::vector<double> out(values.begin(), values.end());
  for (std::size_t i = 0; i < out.size() && i < directions.size(); ++i) {
    if (directions[i] == Direction::maximize) out[i] = -out[i];
  }
  return out;
}

bool dominates(std::span<const double> a, std::span<const double> b) {
  bool better = false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] > b[i]) return false;
    better = better || a[i] < b[i];
  }
  return better;
}

std::vector<std::vector<std::size_t>> non_dominated_sort(const ObjectivePoints& points) {
  // Deb et al.'s fast non-dominated sort: each point's count of dominators and list of points it
  // dominates, then fronts peeled off one at a time. O(M n^2).
  const std::size_t n = points.size();
  std::vector<std::size_t> dominated_by(n, 0);
  std::vector<std::vector<std::size_t>> dominated(n);
  for (std::size_t p = 0; p < n; ++p) {
    for (std::size_t q = p + 1; q < n; ++q) {
      if (dominates(points[p], points[q])) {
        dominated[p].push_back(q);
        ++dominated_by[q];
      } else if (dominates(points[q], points[p])) {
        dominated[q].push_back(p);
        ++dominated_by[p];
      }
    }
  }
  std::vector<std::vector<std::size_t>> fronts;
  std::vector<std::size_t> current;
  for (std::size_t p = 0; p < n; ++p) {
    if (dominated_by[p] == 0) current.push_back(p);
  }
  while (!current.empty()) {
    std::vector<std::size_t> next;
    for (const std::size_t p : current) {
      for (const std::size_t q : dominated[p]) {
        if (--dominated_by[q] == 0) next.push_back(q);
      }
    }
    std::sort(next.begin(), next.end());
    fronts.push_back(std::move(current));
    current = std::move(next);
  }
  return fronts;
}

std::vector<bool> pareto_optimal(const ObjectivePoints& points) {
  std::vector<bool> optimal(points.size(), true);
  for (std::size_t p = 0; p < points.size(); ++p) {
    for (std::size_t q = 0; q < points.size() && optimal[p]; ++q) {
      if (q != p && dominates(points[q], points[p])) optimal[p] = false;
    }
  }
  return optimal;
}

std::vector<double> crowding_distance(const ObjectivePoints& points,
                                      std::span<const std::size_t> front) {
  const double inf = std::numeric_limits<double>::infinity();
  std::vector<double> distance(front.size(), 0.0);
  if (front.empty()) return distance;
  std::vector<std::size_t> order(front.size());
  for (std::size_t m = 0; m < points[front[0]].size(); ++m) {
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return points[front[a]][m] < points[front[b]][m];
    });
    const auto at = [&](std::size_t i) { return points[front[order[i]]][m]; };
    const std::size_t n = order.size();
    if (at(0) == at(n - 1)) continue;  // the whole front agrees: no information
    // The range of the finite values; ends beyond the front are -inf and +inf (Optuna's).
    double low = inf, high = -inf;
    for (std::size_t i = 0; i < n; ++i) {
      if (std::isfinite(at(i))) {
        low = std::min(low, at(i));
        high = std::max(high, at(i));
      }
    }
    double width = high - low;
    if (!(width > 0)) width = 1.0;
    for (std::size_t i = 0; i < n; ++i) {
      const double below = i == 0 ? -inf : at(i - 1);
      const double above = i + 1 == n ? inf : at(i + 1);
      // inf - inf counts as no gap.
      const double gap = below == above ? 0.0 : above - below;
      distance[order[i]] += gap / width;
    }
  }
  return distance;
}

namespace {

/// Hypervolume by slicing along the last coordinate (the HSO recursion); `points` all strictly
/// dominate `reference`.
double slice_volume(ObjectivePoints points, std::span<const double> reference) {
  if (points.empty()) return 0;
  const std::size_t d = reference.size();
  if (d == 1) {
    double best = reference[0];
    for (const auto& p : points) best = std::min(best, p[0]);
    return reference[0] - best;
  }
  std::sort(points.begin(), points.end(),
            [d](const std::vector<double>& a, const std::vector<double>& b) {
              return a[d - 1] < b[d - 1];
            });
  if (d == 2) {
    // A staircase: walk up the second coordinate, adding the strip each new lowest first
    // coordinate opens.
    double volume = 0, lowest = reference[0];
    for (std::size_t i = 0; i < points.size(); ++i) {
      lowest = std::min(lowest, points[i][0]);
      const double top = i + 1 < points.size() ? points[i + 1][1] : reference[1];
      volume += (reference[0] - lowest) * (top - points[i][1]);
    }
    return volume;
  }
  double volume = 0;
  ObjectivePoints slab;
  for (std::size_t i = 0; i < points.size(); ++i) {
    slab.emplace_back(points[i].begin(), points[i].end() - 1);
    const double top = i + 1 < points.size() ? points[i + 1][d - 1] : reference[d - 1];
    if (top > points[i][d - 1])
      volume += slice_volume(slab, reference.first(d - 1)) * (top - points[i][d - 1]);
  }
  return volume;
}

}  // namespace

double hypervolume(const ObjectivePoints& points, std::span<const double> reference) {
  ObjectivePoints inside;
  for (const auto& p : points) {
    bool below = p.size() == reference.size();
    for (std::size_t i = 0; below && i < p.size(); ++i) below = p[i] < reference[i];
    if (below) inside.push_back(p);
  }
  // Dominated points add nothing; dropping them keeps the recursion small.
  const std::vector<bool> optimal = pareto_optimal(inside);
  ObjectivePoints front;
  for (std::size_t i = 0; i < inside.size(); ++i) {
    if (optimal[i]) front.push_back(std::move(inside[i]));
  }
  return slice_volume(std::move(front), reference);
}

}  // namespace nnlab
