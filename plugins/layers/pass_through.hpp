#pragma once
// A layer whose output is its input's numbers unchanged, forward and backward: the base of
// `identity` (same shape) and `flatten` (a new shape over the same C-H-W bytes).
#include <cstring>

#include "nnlab/layer.hpp"

namespace nnlab::layers {

class PassThrough : public Layer {
 public:
  void forward(Compute&, std::span<const ConstMatrixView> inputs, MatrixView output,
               Mode) override {
    std::memcpy(output.data, inputs[0].data,
                static_cast<std::size_t>(output.size()) * sizeof(float));
  }

  void backward(Compute&, std::span<const ConstMatrixView>, ConstMatrixView,
                ConstMatrixView output_grad, std::span<const MatrixView> input_grads) override {
    if (input_grads[0].data) {
      std::memcpy(input_grads[0].data, output_grad.data,
                  static_cast<std::size_t>(output_grad.size()) * sizeof(float));
    }
  }
};

}  // namespace nnlab::layers
