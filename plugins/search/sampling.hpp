#pragma once
// Turning search-space parameters into values: sampling (random search) and enumeration (grid).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "nnlab/random.hpp"
#include "nnlab/search_strategy.hpp"

namespace nnlab::search {

/// A value of `p` drawn uniformly (in log space for log_uniform), quantized to its step.
std::string sample(const SearchParameter& p, Rng& rng);

/// The most values one parameter's grid, or a whole grid, may take (the loader bounds `grid: N`
/// the same way).
inline constexpr std::int64_t kMaxGridValues = 1000000;

/// The values a grid takes for `p`: the choices, every integer step, or `grid` points spaced evenly
/// (in log space for log_uniform). Throws nnlab::Error naming the parameter if a continuous range
/// has no `grid:` count, or has more than kMaxGridValues values.
std::vector<std::string> grid_values(const SearchParameter& p);

/// The value at position u in [0, 1] of `p`'s range, the unit-cube coordinate the model-based
/// strategies work in: linear (log for log_uniform) and quantized to the step; a categorical or
/// integer parameter takes cell floor(u n) of its n values.
std::string value_at(const SearchParameter& p, double u);

/// The inverse of value_at: a value's coordinate in [0, 1] (a discrete value's cell centre).
/// Throws nnlab::Error for a value outside the range or not among the choices.
double position_of(const SearchParameter& p, const std::string& value);

/// position_of(p, value_at(p, u)) without the text in between, bit for bit: the coordinate of the
/// configuration u stands for (a discrete value's cell centre). Scoring thousands of candidates
/// per proposal, bayes would otherwise spend most of its time formatting and parsing numbers.
double coordinate_at(const SearchParameter& p, double u);

/// The index in p.choices of the categorical value value_at(p, u) (the first of equal choices).
std::size_t choice_at(const SearchParameter& p, double u);

/// Throws the error a strategy that never runs out of proposals gives without a budget (the sweep
/// would not end): "search.trials: <strategy> needs a trial budget (trials: N)".
void require_budget(const SearchSetup& setup, const std::string& strategy);

/// What a learning strategy knows of the sweep: the results told, and the trials asked but not told
/// yet (running, or held back by the sweep), which the constant liar counts as bad.
struct TrialHistory {
  std::map<std::int64_t, TrialResult> told;
  std::map<std::int64_t, Assignment> running;

  void asked(std::int64_t trial, const Assignment& a) { running[trial] = a; }
  void tell(const TrialResult& result) {
    running.erase(result.trial);
    told[result.trial] = result;
  }
  /// Told trials in `state`.
  std::int64_t count(TrialState state) const {
    std::int64_t n = 0;
    for (const auto& [trial, r] : told) n += r.state == state;
    return n;
  }
};

/// A canonical text of an assignment, to recognise a configuration seen before.
std::string key_of(const Assignment& assignment);

}  // namespace nnlab::search
