#pragma once
// Seeded random trials over a search space, for the importance tests: the analytic cases and the
// side-by-side runs with Optuna draw the same way.
#include <cmath>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "importance/parameter_importance.hpp"

namespace nnlab::test {

/// A double as text that reads back to the same double.
inline std::string exact_text(double value) {
  char out[32];
  std::snprintf(out, sizeof out, "%.17g", value);
  return out;
}

/// `n` COMPLETE trials of f on uniform draws over each parameter's range (log-uniform for log
/// parameters, uniform choices for categorical ones), seeded. f gets name -> value text.
template <class F>
std::vector<TrialRecord> sample_trials(const SearchSpace& space, int n, std::uint64_t seed, F f) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(0, 1);
  std::vector<TrialRecord> trials;
  for (int i = 0; i < n; ++i) {
    TrialRecord t;
    t.trial = i;
    std::map<std::string, std::string> values;
    for (const auto& p : space.parameters) {
      std::string v;
      switch (p.kind) {
        case SearchParameter::Kind::uniform:
          v = exact_text(p.low + (p.high - p.low) * unit(rng));
          break;
        case SearchParameter::Kind::log_uniform:
          v = exact_text(std::exp(std::log(p.low) + std::log(p.high / p.low) * unit(rng)));
          break;
        case SearchParameter::Kind::integer:
          v = std::to_string(std::uniform_int_distribution<long long>(
              static_cast<long long>(p.low), static_cast<long long>(p.high))(rng));
          break;
        case SearchParameter::Kind::categorical:
          v = p.choices[std::uniform_int_distribution<std::size_t>(0, p.choices.size() - 1)(rng)];
          break;
      }
      values[p.name] = v;
      t.values.push_back(v);
    }
    t.objective = f(values);
    trials.push_back(std::move(t));
  }
  return trials;
}

}  // namespace nnlab::test
