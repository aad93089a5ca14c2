// Adam (Kingma & Ba 2015). Book mode, as the book codes it: t <- t+1; lr_t = lr
// sqrt(1-b2^t)/(1-b1^t); m += (1-b1)(g-m); v += (1-b2)(g^2-v); W -= lr_t m / (sqrt(v) + eps), eps =
// 1e-7 on the uncorrected sqrt(v). Textbook mode: W -= lr m_hat / (sqrt(v_hat) + eps), eps = 1e-8
// on the corrected moments.
#include "update_loop.hpp"

namespace nnlab::optimizers {
namespace {

class Adam final : public Optimizer {
 public:
  explicit Adam(const Params& params)
      : lr_(params.number("lr")),
        beta1_(params.number("beta1")),
        beta2_(params.number("beta2")),
        textbook_(params.string("mode") == "textbook"),
        eps_(params.number("eps", textbook_ ? 1e-8 : 1e-7)) {}

  void step(std::span<Parameter* const> params) override {
    ++t_;
    const double correction1 = 1 - std::pow(beta1_, static_cast<double>(t_));
    const double correction2 = 1 - std::pow(beta2_, static_cast<double>(t_));
    const double lr_t = lr_ * std::sqrt(correction2) / correction1;
    // The mode is chosen here, not per element, so each loop has one straight-line body.
    if (textbook_) {
      update(state_, params,
             [lr = lr_, beta1 = beta1_, beta2 = beta2_, eps = eps_, correction1, correction2](
                 double& w, double g, double& m, double& v) {
               m += (1 - beta1) * (g - m);
               v += (1 - beta2) * (g * g - v);
               w -= lr * (m / correction1) / (std::sqrt(v / correction2) + eps);
             });
    } else {
      update(state_, params,
             [lr_t, beta1 = beta1_, beta2 = beta2_, eps = eps_](double& w, double g, double& m,
                                                                double& v) {
               m += (1 - beta1) * (g - m);
               v += (1 - beta2) * (g * g - v);
               w -= lr_t * m / (std::sqrt(v) + eps);
             });
    }
  }

  void training_state(std::span<Parameter* const> params, TrainingState& out) override {
    out.push_back({"step", std::span<std::int64_t>(&t_, 1)});
    state_.list(params, {"m", "v"}, out);
  }

 private:
  double lr_, beta1_, beta2_;
  bool textbook_;
  double eps_;
  std::int64_t t_ = 0;
  ParameterState<2> state_;
};

}  // namespace

void register_adam(Registrar& r) {
  Schema schema = optimizer_schema("Adam (Kingma & Ba 2015)", 0.001);
  coefficient(schema, "beta1", 0.9, "decay of the first-moment average");
  coefficient(schema, "beta2", 0.999, "decay of the second-moment average");
  schema
      .choice("mode", "book", {"book", "textbook"},
              "book: bias correction folded into lr, eps on the raw sqrt(v); textbook: corrected "
              "moments")
      .optional(ParamType::number, "eps", "added to sqrt(v); default 1e-7 (book), 1e-8 (textbook)")
      .greater_than(0);
  r.optimizers.add("adam", &make<Optimizer, Adam>, std::move(schema));
}

}  // namespace nnlab::optimizers
