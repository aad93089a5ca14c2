#pragma once
/// The Pareto front of a multi-objective sweep, for `nnlab report`.
#include <string>
#include <vector>

#include "experiment.hpp"
#include "results/trials_file.hpp"

namespace nnlab {

/// A figure (SVG in <figure>, with its caption): the first two objectives of every complete trial
/// as a scatter, the Pareto-optimal trials highlighted and joined by the front's staircase (the
/// edge of what they dominate, in each objective's direction). Empty when `search` has one
/// objective, or no trial completed.
std::string pareto_front_figure(const SearchSpec& search, const std::vector<TrialRecord>& trials);

}  // namespace nnlab
