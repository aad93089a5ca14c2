#pragma once
/// The Optimizer interface: updates parameters from their gradients. State (velocities, moments) is
/// kept by the optimizer, keyed by parameter, and starts at zero.
#include <span>

#include "nnlab/parameter.hpp"
#include "nnlab/training_state.hpp"

namespace nnlab {

class Optimizer {
 public:
  virtual ~Optimizer();
  /// One update of every parameter from its current grad.
  virtual void step(std::span<Parameter* const> params) = 0;
  /// Appends the optimizer's state for `params` (float64 master weights, velocities, moments, step
  /// counts) for checkpoints (nnlab/training_state.hpp), creating it for a parameter not yet
  /// stepped, so a resume can write into it before the first step. A stateless optimizer lists
  /// nothing (the default).
  virtual void training_state(std::span<Parameter* const> params, TrainingState& out) {
    (void)params;
    (void)out;
  }
};

}  // namespace nnlab
