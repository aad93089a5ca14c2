#pragma once
/// A trainable tensor and its gradient, owned by the layer that declares it.
#include <cstdint>
#include <string>
#include <vector>

#include "nnlab/tensor.hpp"

namespace nnlab {

/// What a parameter is; regularizers decay weights only, never biases, scales (gamma) or shifts
/// (beta).
enum class ParameterRole { weight, bias, scale, shift };

struct Parameter {
  std::string name;  ///< "<layer>.<tensor>", e.g. "dense3.W"; unique within a model
  ParameterRole role = ParameterRole::weight;
  Matrix value;
  Matrix grad;  ///< same shape as value; overwritten by each backward pass
  /// Multiply-adds each element of a weight takes part in, per sample, in a forward pass: 1 for
  /// dense, output height × width for a convolution. For the GFLOP/s the trainer reports.
  std::int64_t uses_per_sample = 1;
  /// The tensor's own shape when it is not rows × cols (a convolution's filters × channels ×
  /// kernel × kernel), for saved models and export; empty: rows × cols.
  std::vector<std::int64_t> dims = {};
};

/// A named piece of a layer's non-trainable state (Layer::state).
struct StateTensor {
  std::string name;
  Matrix* value = nullptr;
};

}  // namespace nnlab
