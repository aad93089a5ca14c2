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
    const double correction1 = 1 - std::pow(beta1_, static_cast<double>(t_));
    const double correction2 = 1 - std::pow(beta2_, static_cast<double>(t_));
    for (Parameter* p : params) {
      const double decay = p->role == ParameterRole::weight ? weight_decay_ : 0.0;
      auto& s = state_.of(*p);
      s.sync(p->value.data());
      float* w = p->value.data();
      const float* g = p->grad.data();
      double* m = s.slot[0].data();
      double* v = s.slot[1].data();
      for (std::size_t i = 0, n = static_cast<std::size_t>(p->value.size()); i < n; ++i) {
        const double gi = g[i];
        const double wi = s.master[i];
        m[i] += (1 - beta1_) * (gi - m[i]);
        v[i] += (1 - beta2_) * (gi * gi - v[i]);
        s.store(w, i,
                wi - lr_ * ((m[i] / correction1) / (std::sqrt(v[i] / correction2) + eps_) +
                            decay * wi));
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
  r.optimizers.add(
      "adamw", &make<Optimizer, AdamW>,
      "AdamW, decoupled weight decay: lr (default 0.001), beta1 (0.9), beta2 (0.999), eps (1e-8), "
      "weight_decay (0.01, weights only)");
}

}  // namespace nnlab::optimizers
