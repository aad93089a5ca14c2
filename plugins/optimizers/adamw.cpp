// AdamW (Loshchilov & Hutter 2019): textbook Adam plus decoupled weight decay,
// W <- W - lr (m_hat / (sqrt(v_hat) + eps) + weight_decay W). Distinct from L2, which adds to the
// gradient and so is rescaled by Adam. Like the regularizers, it decays weights only.
#include "update_loop.hpp"

namespace nnlab::optimizers {
namespace {

class AdamW final : public Optimizer {
 public:
  explicit AdamW(const Params& params)
      : lr_(params.number("lr")),
        beta1_(params.number("beta1")),
        beta2_(params.number("beta2")),
        eps_(params.number("eps")),
        weight_decay_(params.number("weight_decay")) {}

  void step(std::span<Parameter* const> params) override {
    ++t_;
    const double correction1 = 1 - std::pow(beta1_, static_cast<double>(t_));
    const double correction2 = 1 - std::pow(beta2_, static_cast<double>(t_));
    for (Parameter* p : params) {
      const double decay = p->role == ParameterRole::weight ? weight_decay_ : 0.0;
      update_parameter(state_, *p,
                       [lr = lr_, beta1 = beta1_, beta2 = beta2_, eps = eps_, decay, correction1,
                        correction2](double& w, double g, double& m, double& v) {
                         m += (1 - beta1) * (g - m);
                         v += (1 - beta2) * (g * g - v);
                         w -= lr *
                              ((m / correction1) / (std::sqrt(v / correction2) + eps) + decay * w);
                       });
    }
  }

  void training_state(std::span<Parameter* const> params, TrainingState& out) override {
    out.push_back({"step", std::span<std::int64_t>(&t_, 1)});
    state_.list(params, {"m", "v"}, out);
  }

 private:
  double lr_, beta1_, beta2_, eps_, weight_decay_;
  std::int64_t t_ = 0;
  ParameterState<2> state_;
};

}  // namespace

void register_adamw(Registrar& r) {
  Schema schema = optimizer_schema("AdamW: textbook Adam plus decoupled weight decay", 0.001);
  coefficient(schema, "beta1", 0.9, "decay of the first-moment average");
  coefficient(schema, "beta2", 0.999, "decay of the second-moment average");
  schema.number("eps", 1e-8, "added to sqrt(v_hat)")
      .greater_than(0)
      .number("weight_decay", 0.01, "decoupled decay per step, times lr (weights only)")
      .min(0);
  r.optimizers.add("adamw", &make<Optimizer, AdamW>, std::move(schema));
}

}  // namespace nnlab::optimizers
