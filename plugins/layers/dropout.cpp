// Dropout (Srivastava et al. 2014). Book mode, as the book codes it: keep a unit when U[0,1) >
// ratio, a fresh mask every training forward, no rescaling, and multiply by (1 - ratio) at
// inference. Inverted mode: scale kept units by 1/(1 - ratio) in training, identity at inference.
// Their inference outputs agree in expectation. oneDNN 2.6 has no dropout primitive; this is a
// plain loop.
#include <random>

#include "components.hpp"
#include "nnlab/layer.hpp"

namespace nnlab::layers {
namespace {

class Dropout final : public Layer {
 public:
  explicit Dropout(const Params& params)
      : ratio_(params.number("ratio")), inverted_(params.string("mode") == "inverted") {}

  Shape build(const LayerBuild& build) override {
    rng_.seed(build.seed);
    name_ = build.name;
    return build.input_shapes.at(0);
  }

  void forward(Compute&, std::span<const ConstMatrixView> inputs, MatrixView output,
               Mode mode) override {
    const ConstMatrixView x = inputs[0];
    const std::int64_t n = x.size();
    if (mode == Mode::infer) {
      const float scale = inverted_ ? 1.0f : static_cast<float>(1.0 - ratio_);
      for (std::int64_t i = 0; i < n; ++i) output.data[i] = x.data[i] * scale;
      return;
    }
    if (mask_.size() < n) mask_ = Matrix(x.rows, x.cols);
    const float kept = inverted_ ? static_cast<float>(1.0 / (1.0 - ratio_)) : 1.0f;
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    float* mask = mask_.data();
    for (std::int64_t i = 0; i < n; ++i) {
      mask[i] = uniform(rng_) > ratio_ ? kept : 0.0f;
      output.data[i] = x.data[i] * mask[i];
    }
  }

  void backward(Compute&, std::span<const ConstMatrixView>, ConstMatrixView,
                ConstMatrixView output_grad, std::span<const MatrixView> input_grads) override {
    if (!input_grads[0].data) return;
    const float* mask = mask_.data();
    for (std::int64_t i = 0, n = output_grad.size(); i < n; ++i)
      input_grads[0].data[i] = output_grad.data[i] * mask[i];
  }

  /// The engine the masks come from: a resumed run draws the masks the saved one would have.
  void training_state(TrainingState& out) override { out.push_back({name_ + ".rng", &rng_}); }

 private:
  std::string name_;
  double ratio_;
  bool inverted_;
  Rng rng_;
  Matrix mask_;  ///< the last training mask, grown to the largest batch and reused
};

}  // namespace

void register_dropout(Registrar& r) {
  r.layers.add("dropout", &make<Layer, Dropout>,
               Schema("dropout: zeroes a random fraction of the units in training")
                   .number("ratio", 0.5, "fraction of units dropped")
                   .min(0)
                   .less_than(1)
                   .choice("mode", "book", {"book", "inverted"},
                           "book: no rescale in training, x (1 - ratio) at inference; inverted: "
                           "x / (1 - ratio) in training"));
}

}  // namespace nnlab::layers
