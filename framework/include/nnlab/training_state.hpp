#pragma once
/// Training state, for checkpoints: what a component changes while it trains besides its
/// parameters' values (an optimizer's float64 master weights and moments and its step count,
/// dropout's random engine, batch norm's statistics). A checkpoint copies each entry out; a resume
/// copies it back in place, sizes checked first, so the resumed run continues exactly where the
/// saved one was. Entries are mutable views into the component's own storage: it keeps owning it.
#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "nnlab/random.hpp"

namespace nnlab {

/// One named piece of state: an array of floats, doubles or integers, or a random engine.
struct TrainingStateEntry {
  using Values = std::variant<std::span<float>, std::span<double>, std::span<std::int64_t>, Rng*>;
  std::string name;  ///< unique within a model: "<layer>.<what>" or "<parameter>.<what>"
  Values values;
};

using TrainingState = std::vector<TrainingStateEntry>;

}  // namespace nnlab
