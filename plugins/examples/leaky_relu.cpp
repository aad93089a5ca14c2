// A layer: leaky ReLU, y = x for x > 0, alpha x otherwise. Plain loops; a layer may also call
// oneDNN through compute.engine() / compute.stream() as the built-in ones do.
#include <nnlab/layer.hpp>
#include <nnlab/plugin.hpp>

namespace {

class LeakyRelu final : public nnlab::Layer {
 public:
  explicit LeakyRelu(const nnlab::Params& params)
      : alpha_(static_cast<float>(params.number("alpha"))) {}

  // One input; the output is as wide as the input. No trainable parameters.
  nnlab::Shape build(const nnlab::LayerBuild& build) override { return build.input_shapes.at(0); }

  void forward(nnlab::Compute&, std::span<const nnlab::ConstMatrixView> inputs,
               nnlab::MatrixView output, nnlab::Mode) override {
    const float* x = inputs[0].data;
    for (std::int64_t i = 0; i < output.size(); ++i)
      output.data[i] = x[i] > 0 ? x[i] : alpha_ * x[i];
  }

  void backward(nnlab::Compute&, std::span<const nnlab::ConstMatrixView> inputs,
                nnlab::ConstMatrixView, nnlab::ConstMatrixView output_grad,
                std::span<const nnlab::MatrixView> input_grads) override {
    if (!input_grads[0].data) return;  // the data input needs no gradient
    const float* x = inputs[0].data;
    for (std::int64_t i = 0; i < output_grad.size(); ++i)
      input_grads[0].data[i] = x[i] > 0 ? output_grad.data[i] : alpha_ * output_grad.data[i];
  }

 private:
  float alpha_;
};

void register_components(nnlab::Registrar& r) {
  r.layers.add("leaky_relu", &nnlab::make<nnlab::Layer, LeakyRelu>,
               nnlab::Schema("leaky ReLU, y = max(x, alpha x)")
                   .number("alpha", 0.01, "slope for x < 0")
                   .min(0)
                   .less_than(1));
}

}  // namespace

NNLAB_PLUGIN("my_leaky_relu", "1.0", register_components)
