#pragma once
// Turning search-space parameters into values: sampling (random search) and enumeration (grid).
#include <string>
#include <vector>

#include "nnlab/random.hpp"
#include "nnlab/search_strategy.hpp"

namespace nnlab::search {

/// A value of `p` drawn uniformly (in log space for log_uniform), quantized to its step.
std::string sample(const SearchParameter& p, Rng& rng);

/// The values a grid takes for `p`: the choices, every integer step, or `grid` points spaced evenly
/// (in log space for log_uniform). Throws nnlab::Error naming the parameter if a continuous range
/// has no `grid:` count.
std::vector<std::string> grid_values(const SearchParameter& p);

/// A canonical text of an assignment, to recognise a configuration seen before.
std::string key_of(const Assignment& assignment);

}  // namespace nnlab::search
