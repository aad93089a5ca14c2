// Flatten: an image's channels x height x width as one vector of features. Rows already hold the
// numbers in C-H-W order, so it only relabels the shape (a copy in the graph's buffers).
// Dense flattens by itself; flatten is for the graphs that want it said.
#include <cstring>

#include "components.hpp"
#include "nnlab/layer.hpp"

namespace nnlab::layers {
namespace {

class Flatten final : public Layer {
 public:
  explicit Flatten(const Params&) {}

  Shape build(const LayerBuild& build) override { return {build.input_width.at(0)}; }

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

}  // namespace

void register_flatten(Registrar& r) {
  r.layers.add("flatten", &make<Layer, Flatten>,
               Schema("channels x height x width as one vector of features"));
}

}  // namespace nnlab::layers
