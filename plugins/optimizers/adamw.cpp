// AdamW (Loshchilov & Hutter 2019): textbook Adam plus decoupled weight decay,
// W <- W - lr (m_hat / (sqrt(v_hat) + eps) + weight_decay W). Distinct from L2, which adds to the
// gradient and so is rescaled by Adam. Like the regularizers, it decays weights only.
#include "state.hpp"

namespace nnlab::optimizers {
namespace {

class AdamW final : public Optimizer {
 public:
  explicit AdamW(const Params& params)
      : lr_(learning_rate(params, 0.001)),
        beta1_(coefficient(params, "beta1", 0.9)),
        beta2_(coefficient(params, "beta2", 0.999)),
        eps_(params.number("eps", 1e-8)),
        weight_decay_(params.number("weight_decay", 0.01)) {
    if (!(eps_ > 0)) params.fail("eps", "expected a positive epsilon");
    if (!(weight_decay_ >= 0)) params.fail("weight_decay", "expected a non-negative decay");
  }

  void step(std::span<Parameter* const> params) override {
    ++t_;
    const auto c1 = static_cast<float>(1 - std::pow(beta1_, static_cast<double>(t_)));
    const auto c2 = static_cast<float>(1 - std::pow(beta2_, static_cast<double>(t_)));
    const auto b1 = static_cast<float>(1 - beta1_), b2 = static_cast<float>(1 - beta2_);
    const auto lr = static_cast<float>(lr_), eps = static_cast<float>(eps_);
    for (Parameter* p : params) {
      const float decay = p->role == ParameterRole::weight ? static_cast<float>(weight_decay_) : 0.0f;
      float* w = p->value.data();
      const float* g = p->grad.data();
      auto& state = state_.of(*p);
      float* m = state[0].data();
      float* v = state[1].data();
      for (std::int64_t i = 0; i < p->value.size(); ++i) {
        m[i] += b1 * (g[i] - m[i]);
        v[i] += b2 * (g[i] * g[i] - v[i]);
        w[i] -= lr * ((m[i] / c1) / (std::sqrt(v[i] / c2) + eps) + decay * w[i]);
      }
    }
  }

 private:
  double lr_, beta1_, beta2_, eps_, weight_decay_;
  std::int64_t t_ = 0;
  ParameterState<2> state_;
};

}  // namespace

void register_adamw(Registries& r) {
  r.optimizers.add("adamw", &make<Optimizer, AdamW>,
                   "AdamW, decoupled weight decay: lr (default 0.001), beta1 (0.9), beta2 (0.999), eps (1e-8), "
                   "weight_decay (0.01, weights only)");
}

}  // namespace nnlab::optimizers
