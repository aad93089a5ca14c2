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

/// The value at position u in [0, 1] of `p`'s range, the unit-cube coordinate the model-based
/// strategies work in: linear (log for log_uniform) and quantized to the step; a categorical or
/// integer parameter takes cell floor(u n) of its n values.
std::string value_at(const SearchParameter& p, double u);

/// The inverse of value_at: a value's coordinate in [0, 1] (a discrete value's cell centre).
/// Throws nnlab::Error for a value outside the range or not among the choices.
double position_of(const SearchParameter& p, const std::string& value);

/// A canonical text of an assignment, to recognise a configuration seen before.
std::string key_of(const Assignment& assignment);

}  // namespace nnlab::search
