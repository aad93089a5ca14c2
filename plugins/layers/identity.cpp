// The identity layer, y = x: a placeholder that lets a sweep switch a layer off (e.g. batch norm vs
// none, the seed's E5) without changing the graph's shape.
#include <cstring>

#include "components.hpp"
#include "nnlab/layer.hpp"

namespace nnlab::layers {
namespace {

class Identity final : public Layer {
 public:
  explicit Identity(const Params&) {}

  Shape build(const LayerBuild& build) override { return build.input_shapes.at(0); }

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

void register_identity(Registrar& r) {
  r.layers.add("identity", &make<Layer, Identity>,
               Schema("y = x, to switch a layer off in a sweep"));
}

}  // namespace nnlab::layers
