// Pareto dominance, non-dominated sorting, crowding distance and hypervolume (nnlab/pareto.hpp)
// against brute-force references and hand-checked cases.
#include "nnlab/pareto.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

namespace nnlab {
namespace {

/// Random points on a coarse grid, so ties and duplicates occur.
ObjectivePoints random_points(std::mt19937_64& rng, std::size_t n, std::size_t d, int levels) {
  std::uniform_int_distribution<int> pick(0, levels - 1);
  ObjectivePoints points(n, std::vector<double>(d));
  for (auto& p : points) {
    for (auto& v : p) v = pick(rng) / static_cast<double>(levels);
  }
  return points;
}

/// Brute force: a point's rank is 0 when nothing dominates it, else one more than the largest
/// rank among the points that dominate it (the definition, computed to a fixed point).
std::vector<int> brute_force_ranks(const ObjectivePoints& points) {
  auto dominated_by = [](const std::vector<double>& a, const std::vector<double>& b) {
    bool all = true, one = false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      all = all && b[i] <= a[i];
      one = one || b[i] < a[i];
    }
    return all && one;
  };
  std::vector<int> rank(points.size(), 0);
  for (bool changed = true; changed;) {
    changed = false;
    for (std::size_t p = 0; p < points.size(); ++p) {
      for (std::size_t q = 0; q < points.size(); ++q) {
        if (dominated_by(points[p], points[q]) && rank[p] < rank[q] + 1) {
          rank[p] = rank[q] + 1;
          changed = true;
        }
      }
    }
  }
  return rank;
}

TEST(Pareto, DominanceNeedsNoWorseEverywhereAndBetterSomewhere) {
  const std::vector<double> a = {1, 2}, b = {1, 3}, c = {0, 4};
  EXPECT_TRUE(dominates(a, b));
  EXPECT_FALSE(dominates(b, a));
  EXPECT_FALSE(dominates(a, c));
  EXPECT_FALSE(dominates(c, a));
  EXPECT_FALSE(dominates(a, a));  // equal points: both stay on the front
}

TEST(Pareto, MinimizedTurnsMaximizedObjectivesAround) {
  const std::vector<double> v = {0.9, 120};
  const std::vector<Direction> d = {Direction::maximize, Direction::minimize};
  EXPECT_EQ(minimized(v, d), (std::vector<double>{-0.9, 120}));
}

TEST(Pareto, NonDominatedSortMatchesTheBruteForceRanks) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 40; ++round) {
    const std::size_t d = 2 + round % 3;
    const ObjectivePoints points = random_points(rng, 5 + round * 2, d, 6);
    const auto fronts = non_dominated_sort(points);
    const auto ranks = brute_force_ranks(points);
    std::vector<int> seen(points.size(), -1);
    for (std::size_t f = 0; f < fronts.size(); ++f) {
      EXPECT_TRUE(std::is_sorted(fronts[f].begin(), fronts[f].end()));
      for (const std::size_t i : fronts[f]) {
        EXPECT_EQ(seen[i], -1) << "point " << i << " in two fronts";
        seen[i] = static_cast<int>(f);
      }
    }
    EXPECT_EQ(seen, ranks);
    const std::vector<bool> optimal = pareto_optimal(points);
    for (std::size_t i = 0; i < points.size(); ++i) EXPECT_EQ(optimal[i], ranks[i] == 0);
  }
}

TEST(Pareto, CrowdingDistanceMatchesTheDefinition) {
  const double inf = std::numeric_limits<double>::infinity();
  // Hand-checked: a 2-D front of four points.
  const ObjectivePoints front = {{0, 4}, {1, 2}, {2, 1}, {4, 0}};
  const std::vector<std::size_t> all = {0, 1, 2, 3};
  const auto d = crowding_distance(front, all);
  EXPECT_EQ(d[0], inf);
  EXPECT_EQ(d[3], inf);
  EXPECT_DOUBLE_EQ(d[1], (2 - 0) / 4.0 + (4 - 1) / 4.0);
  EXPECT_DOUBLE_EQ(d[2], (4 - 1) / 4.0 + (2 - 0) / 4.0);

  // Brute force on random fronts without ties: per coordinate, the neighbours found by scanning.
  std::mt19937_64 rng(11);
  std::uniform_real_distribution<double> u(0, 1);
  for (int round = 0; round < 20; ++round) {
    const std::size_t n = 3 + round, m = 2 + round % 2;
    ObjectivePoints points(n, std::vector<double>(m));
    for (auto& p : points) {
      for (auto& v : p) v = u(rng);
    }
    std::vector<std::size_t> subset;
    for (std::size_t i = 0; i < n; i += 1 + round % 2) subset.push_back(i);
    const auto got = crowding_distance(points, subset);
    for (std::size_t a = 0; a < subset.size(); ++a) {
      double expected = 0;
      for (std::size_t k = 0; k < m; ++k) {
        double low = inf, high = -inf, below = -inf, above = inf;
        const double x = points[subset[a]][k];
        for (const std::size_t j : subset) {
          const double y = points[j][k];
          low = std::min(low, y);
          high = std::max(high, y);
          if (y < x) below = std::max(below, y);
          if (y > x) above = std::min(above, y);
        }
        expected += (above - below) / (high - low);
      }
      if (std::isinf(expected)) {
        EXPECT_EQ(got[a], inf);
      } else {
        EXPECT_NEAR(got[a], expected, 1e-12);
      }
    }
  }
}

TEST(Pareto, CrowdingDistanceIgnoresACoordinateTheFrontAgreesOn) {
  const ObjectivePoints points = {{1, 5}, {2, 5}, {3, 5}};
  const std::vector<std::size_t> all = {0, 1, 2};
  const auto d = crowding_distance(points, all);
  EXPECT_DOUBLE_EQ(d[1], (3 - 1) / 2.0);
}

TEST(Pareto, HypervolumeOfHandCheckedStaircases) {
  const std::vector<double> reference = {4, 4};
  // One point: a rectangle.
  EXPECT_DOUBLE_EQ(hypervolume({{1, 2}}, reference), 3 * 2);
  // A staircase of three, in horizontal strips: y in [3, 4] from x = 1, [2, 3] from x = 2, [1, 2]
  // from x = 3: 3 + 2 + 1.
  EXPECT_DOUBLE_EQ(hypervolume({{1, 3}, {2, 2}, {3, 1}}, reference), 6);
  // Dominated points, duplicates and points beyond the reference add nothing.
  EXPECT_DOUBLE_EQ(hypervolume({{1, 3}, {2, 2}, {3, 1}, {3, 3}, {2, 2}, {5, 0}}, reference), 6);
  EXPECT_DOUBLE_EQ(hypervolume({}, reference), 0);
  // 3-D: a unit cube's corner at the origin against (1, 1, 1), and two boxes overlapping.
  const std::vector<double> cube = {1, 1, 1};
  EXPECT_DOUBLE_EQ(hypervolume({{0, 0, 0}}, cube), 1);
  EXPECT_DOUBLE_EQ(hypervolume({{0, 0.5, 0}, {0.5, 0, 0}}, cube), 0.5 + 0.5 - 0.25);
}

TEST(Pareto, HypervolumeAgreesWithMonteCarlo) {
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> u(0, 1);
  for (const std::size_t d : {2u, 3u, 4u}) {
    SCOPED_TRACE(d);
    ObjectivePoints points(25, std::vector<double>(d));
    for (auto& p : points) {
      for (auto& v : p) v = u(rng);
    }
    const std::vector<double> reference(d, 1.0);
    const double exact = hypervolume(points, reference);
    // The fraction of uniform samples of the unit box some point dominates.
    const int samples = 200000;
    int hits = 0;
    std::vector<double> x(d);
    for (int s = 0; s < samples; ++s) {
      for (auto& v : x) v = u(rng);
      for (const auto& p : points) {
        bool below = true;
        for (std::size_t i = 0; i < d && below; ++i) below = p[i] <= x[i];
        if (below) {
          ++hits;
          break;
        }
      }
    }
    const double estimate = static_cast<double>(hits) / samples;
    // Five standard errors of the estimate.
    const double error = 5 * std::sqrt(estimate * (1 - estimate) / samples);
    EXPECT_NEAR(exact, estimate, error);
  }
}

}  // namespace
}  // namespace nnlab
