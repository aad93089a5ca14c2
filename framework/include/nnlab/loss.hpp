#pragma once
/// The Loss interface: maps the model output and integer class labels to a scalar.
#include <cstdint>
#include <span>

#include "nnlab/compute.hpp"
#include "nnlab/tensor.hpp"

namespace nnlab {

class Loss {
 public:
  virtual ~Loss();
  /// Mean loss over the batch. Keeps what backward() needs.
  virtual double forward(Compute& compute, ConstMatrixView output,
                         std::span<const std::int32_t> labels) = 0;
  /// d(mean loss)/d(output) for the batch of the last forward(), written into `output_grad`.
  virtual void backward(Compute& compute, MatrixView output_grad) = 0;
};

}  // namespace nnlab
