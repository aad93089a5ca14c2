#pragma once
/// The pieces of multi-objective search that the nsga2 strategy, a sweep's Pareto flags, the
/// report and the benches share: Pareto dominance, non-dominated sorting and crowding distance
/// (Deb et al. 2002, "A fast and elitist multiobjective genetic algorithm: NSGA-II"), and the
/// hypervolume indicator (Zitzler & Thiele 1998). Every point here is minimized in each
/// coordinate: turn a maximized objective around with minimized() first.
#include <cstddef>
#include <span>
#include <vector>

#include "nnlab/search_strategy.hpp"

namespace nnlab {

/// One point per row: an objective vector, every coordinate minimized.
using ObjectivePoints = std::vector<std::vector<double>>;

/// `values` with each maximized objective negated, so that smaller is better in every coordinate.
std::vector<double> minimized(std::span<const double> values,
                              std::span<const Direction> directions);

/// Whether `a` dominates `b`: no worse in every coordinate and not equal (Optuna's `_dominates`;
/// equal points do not dominate each other, so both stay Pareto-optimal).
bool dominates(std::span<const double> a, std::span<const double> b);

/// The fronts of `points`, best first: front 0 is the non-dominated points, front 1 those only
/// front 0 dominates, and so on. Each front lists indices into `points` in increasing order.
std::vector<std::vector<std::size_t>> non_dominated_sort(const ObjectivePoints& points);

/// Whether each point is Pareto-optimal: no other point dominates it.
std::vector<bool> pareto_optimal(const ObjectivePoints& points);

/// The crowding distance of each point of `front` (indices into `points`), in front's order: per
/// coordinate, the gap between its two neighbours in that coordinate over the coordinate's range,
/// summed; the points at either end of a coordinate get infinity, and a coordinate on which the
/// whole front agrees adds nothing (Optuna 3.1's `_calc_crowding_distance`).
std::vector<double> crowding_distance(const ObjectivePoints& points,
                                      std::span<const std::size_t> front);

/// The hypervolume `points` dominate up to `reference`: the measure of the set of points that
/// some point dominates and that dominate the reference (exact, any dimension; 2-D in
/// O(n log n)). Points not strictly better than the reference in every coordinate add nothing.
double hypervolume(const ObjectivePoints& points, std::span<const double> reference);

}  // namespace nnlab
