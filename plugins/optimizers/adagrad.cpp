// AdaGrad (Duchi et al. 2011): h <- h + g^2; W <- W - lr g / (sqrt(h) + 1e-7).
#include "state.hpp"

namespace nnlab::optimizers {
namespace {

class AdaGrad final : public Optimizer {
 public:
  explicit AdaGrad(const Params& params) : lr_(static_cast<float>(learning_rate(params, 0.01))) {}

  void step(std::span<Parameter* const> params) override {
    for (Parameter* p : params) {
      float* w = p->value.data();
      const float* g = p->grad.data();
      float* h = state_.of(*p)[0].data();
      for (std::int64_t i = 0; i < p->value.size(); ++i) {
        h[i] += g[i] * g[i];
        w[i] -= lr_ * g[i] / (std::sqrt(h[i]) + 1e-7f);
      }
    }
  }

 private:
  float lr_;
  ParameterState<1> state_;
};

}  // namespace

void register_adagrad(Registries& r) {
  r.optimizers.add("adagrad", &make<Optimizer, AdaGrad>, "AdaGrad: lr (default 0.01)");
}

}  // namespace nnlab::optimizers
