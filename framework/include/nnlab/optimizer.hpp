#pragma once
/// The Optimizer interface: updates parameters from their gradients. State (velocities, moments) is
/// kept by the optimizer, keyed by parameter, and starts at zero.
#include <span>

#include "nnlab/parameter.hpp"

namespace nnlab {

class Optimizer {
 public:
  virtual ~Optimizer();
  /// One update of every parameter from its current grad.
  virtual void step(std::span<Parameter* const> params) = 0;
};

}  // namespace nnlab
