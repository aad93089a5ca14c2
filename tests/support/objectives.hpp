#pragma once
// Standard optimization test functions (minimization), with their search spaces: fast objectives
// for checking search strategies (Surjanovic & Bingham's Virtual Library of Simulation Experiments
// gives the definitions and optima).
#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "nnlab/search_strategy.hpp"

namespace nnlab::test {

struct Objective {
  std::string name;
  SearchSpace space;
  double minimum;  ///< the global minimum
  std::function<double(const std::vector<double>&)> f;
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

inline Objective branin() {
  return {"branin",
          {{uniform("x1", -5, 10), uniform("x2", 0, 15)}},
          0.397887,
          [](const std::vector<double>& x) {
            const double b = 5.1 / (4 * M_PI * M_PI), c = 5 / M_PI, t = 1 / (8 * M_PI);
            const double u = x[1] - b * x[0] * x[0] + c * x[0] - 6;
            return u * u + 10 * (1 - t) * std::cos(x[0]) + 10;
          }};
}

inline Objective hartmann6() {
  Objective o{"hartmann6", {}, -3.32237, nullptr};
  for (int i = 1; i <= 6; ++i) o.space.parameters.push_back(uniform("x" + std::to_string(i), 0, 1));
  o.f = [](const std::vector<double>& x) {
    static const double alpha[4] = {1.0, 1.2, 3.0, 3.2};
    static const double a[4][6] = {{10, 3, 17, 3.5, 1.7, 8},
                                   {0.05, 10, 17, 0.1, 8, 14},
                                   {3, 3.5, 1.7, 10, 17, 8},
                                   {17, 8, 0.05, 10, 0.1, 14}};
    static const double p[4][6] = {{0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886},
                                   {0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991},
                                   {0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650},
                                   {0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381}};
    double sum = 0;
    for (int i = 0; i < 4; ++i) {
      double inner = 0;
      for (int j = 0; j < 6; ++j) inner += a[i][j] * (x[j] - p[i][j]) * (x[j] - p[i][j]);
      sum += alpha[i] * std::exp(-inner);
    }
    return -sum;
  };
  return o;
}

/// Rosenbrock in 2-D on [-2, 2]^2.
inline Objective rosenbrock() {
  return {"rosenbrock",
          {{uniform("x1", -2, 2), uniform("x2", -2, 2)}},
          0.0,
          [](const std::vector<double>& x) {
            return 100 * (x[1] - x[0] * x[0]) * (x[1] - x[0] * x[0]) + (1 - x[0]) * (1 - x[0]);
          }};
}

/// Runs `strategy` (set up by the caller) for `budget` trials, one at a time; the best value
/// after each trial.
inline std::vector<double> best_so_far(SearchStrategy& strategy, const Objective& o,
                                       std::int64_t budget) {
  std::vector<double> best;
  double b = HUGE_VAL;
  for (std::int64_t k = 0; k < budget; ++k) {
    const auto a = strategy.ask(k);
    if (!a) break;
    std::vector<double> x;
    for (const auto& p : o.space.parameters) x.push_back(std::stod(a->at(p.name)));
    const double y = o.f(x);
    strategy.tell({k, *a, TrialState::complete, y});
    b = std::min(b, y);
    best.push_back(b);
  }
  return best;
}

}  // namespace nnlab::test
