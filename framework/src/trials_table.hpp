#pragma once
/// `nnlab trials`: a sweep's trials as an aligned text table, the way `optuna trials` shows a
/// study in the terminal: trial, state, objective, each parameter, duration, and a failure's
/// reason.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "nnlab/search_strategy.hpp"
#include "results/sweep_folder.hpp"

namespace nnlab {

enum class TrialsSort {
  trial,      ///< by trial number
  objective,  ///< best first in the objective's direction; trials without an objective last
  duration,   ///< longest first
};
std::optional<TrialsSort> parse_trials_sort(std::string_view text);

struct TrialsTableOptions {
  TrialsSort sort = TrialsSort::trial;
  std::optional<TrialState> state;  ///< only trials in this state (all when unset)
  std::int64_t top = 0;             ///< at most this many rows after sorting (0: all)
};

/// A summary line, then the table; ends with a newline.
std::string trials_table(const SweepFolder& folder, const TrialsTableOptions& options);

}  // namespace nnlab
