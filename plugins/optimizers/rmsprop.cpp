// RMSProp (Tieleman & Hinton 2012): h <- rho h + (1 - rho) g^2; W <- W - lr g / (sqrt(h) + 1e-7).
#include "state.hpp"

namespace nnlab::optimizers {
namespace {

class RmsProp final : public Optimizer {
 public:
  explicit RmsProp(const Params& params)
      : lr_(static_cast<float>(learning_rate(params, 0.01))), rho_(static_cast<float>(coefficient(params, "rho", 0.99))) {}

  void step(std::span<Parameter* const> params) override {
    for (Parameter* p : params) {
      float* w = p->value.data();
      const float* g = p->grad.data();
      float* h = state_.of(*p)[0].data();
      for (std::int64_t i = 0; i < p->value.size(); ++i) {
        h[i] = rho_ * h[i] + (1 - rho_) * g[i] * g[i];
        w[i] -= lr_ * g[i] / (std::sqrt(h[i]) + 1e-7f);
      }
    }
  }

 private:
  float lr_, rho_;
  ParameterState<1> state_;
};

}  // namespace

void register_rmsprop(Registries& r) {
  r.optimizers.add("rmsprop", &make<Optimizer, RmsProp>, "RMSProp: lr (default 0.01), rho (decay rate, default 0.99)");
}

}  // namespace nnlab::optimizers
