#pragma once
// The objectives plugin's analytic functions (Branin, Hartmann-6, Rosenbrock, ...) as search
// problems: fast stand-ins for training when checking search strategies.
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "nnlab/pareto.hpp"
#include "plugin_host.hpp"

namespace nnlab::test {

struct Problem {
  std::string name;
  std::shared_ptr<Objective> f;
  SearchSpace space;  ///< x1, x2, ...: uniform over the objective's box
  double minimum;
};

inline SearchParameter uniform(const std::string& name, double low, double high) {
  SearchParameter p;
  p.name = name;
  p.paths = {name};
  p.kind = SearchParameter::Kind::uniform;
  p.low = low;
  p.high = high;
  return p;
}

/// The objective `kind` from the loaded plugins, with its box as a search space.
inline Problem problem(const PluginHost& host, const std::string& kind) {
  ComponentSpec spec;
  spec.kind = kind;
  spec.path = "objective";
  Problem p{kind, host.create(host.registries().objectives, spec), {}, 0};
  const auto box = p.f->bounds();
  for (std::size_t i = 0; i < box.size(); ++i) {
    // Built apart: `"x" + std::string&&` trips GCC 12's -Wrestrict false positive (PR 105329).
    std::string name = "x";
    name += std::to_string(i + 1);
    p.space.parameters.push_back(uniform(name, box[i].first, box[i].second));
  }
  p.minimum = p.f->minimum();
  return p;
}

/// Runs `strategy` (set up by the caller) for `budget` trials, one at a time, minimizing; the best
/// value after each trial.
inline std::vector<double> best_so_far(SearchStrategy& strategy, const Problem& o,
                                       std::int64_t budget) {
  std::vector<double> best;
  double b = HUGE_VAL;
  for (std::int64_t k = 0; k < budget; ++k) {
    const auto a = strategy.ask(k);
    if (!a) break;
    std::vector<double> x;
    for (const auto& p : o.space.parameters) x.push_back(std::stod(a->at(p.name)));
    const double y = o.f->value(x);
    strategy.tell({k, *a, TrialState::complete, y});
    b = std::min(b, y);
    best.push_back(b);
  }
  return best;
}

/// The setup a multi-objective strategy gets for `o`: every objective minimized.
inline SearchSetup minimizing(const Problem& o, std::uint64_t seed, std::int64_t budget) {
  SearchSetup setup{seed, budget, false};
  setup.directions.assign(o.f->outputs(), Direction::minimize);
  return setup;
}

/// Runs `strategy` (set up by the caller, with minimizing()) for `budget` trials, one at a time,
/// on the multi-objective `o`; every trial's objective values, in trial order.
inline ObjectivePoints objective_points(SearchStrategy& strategy, const Problem& o,
                                        std::int64_t budget) {
  ObjectivePoints points;
  for (std::int64_t k = 0; k < budget; ++k) {
    const auto a = strategy.ask(k);
    if (!a) break;
    std::vector<double> x;
    for (const auto& p : o.space.parameters) x.push_back(std::stod(a->at(p.name)));
    std::vector<double> y(o.f->outputs());
    o.f->values(x, y);
    strategy.tell({k, *a, TrialState::complete, y.front(), y});
    points.push_back(std::move(y));
  }
  return points;
}

/// The hypervolume the first `n` points dominate up to `reference`.
inline double hypervolume_of_first(const ObjectivePoints& points, std::size_t n,
                                   std::span<const double> reference) {
  const ObjectivePoints first(
      points.begin(), points.begin() + static_cast<std::ptrdiff_t>(std::min(n, points.size())));
  return hypervolume(first, reference);
}

}  // namespace nnlab::test
