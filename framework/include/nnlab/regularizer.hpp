#pragma once
/// The Regularizer interface: a penalty on parameters, added to the loss and to the gradients.
#include <span>

#include "nnlab/parameter.hpp"

namespace nnlab {

class Regularizer {
 public:
  virtual ~Regularizer();
  /// The penalty over `params` (part of the logged loss).
  virtual double penalty(std::span<Parameter* const> params) const = 0;
  /// Adds d(penalty)/d(value) to each parameter's grad.
  virtual void add_gradient(std::span<Parameter* const> params) const = 0;
};

}  // namespace nnlab
