// AdaGrad (Duchi et al. 2011): h <- h + g^2; W <- W - lr g / (sqrt(h) + 1e-7).
#include "update_loop.hpp"

namespace nnlab::optimizers {
namespace {

class AdaGrad final : public Optimizer {
 public:
  explicit AdaGrad(const Params& params) : lr_(params.number("lr")) {}

  void step(std::span<Parameter* const> params) override {
    update(state_, params, [lr = lr_](double& w, double g, double& h) {
      h += g * g;
      w -= lr * g / (std::sqrt(h) + 1e-7);
    });
  }

  void training_state(std::span<Parameter* const> params, TrainingState& out) override {
    state_.list(params, {"h"}, out);
  }

 private:
  double lr_;
  ParameterState<1> state_;
};

}  // namespace

void register_adagrad(Registrar& r) {
  r.optimizers.add("adagrad", &make<Optimizer, AdaGrad>,
                   optimizer_schema("AdaGrad, h += g^2, W -= lr g / (sqrt(h) + 1e-7)", 0.01));
}

}  // namespace nnlab::optimizers
