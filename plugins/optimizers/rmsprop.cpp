// RMSProp (Tieleman & Hinton 2012): h <- rho h + (1 - rho) g^2; W <- W - lr g / (sqrt(h) + 1e-7).
#include "update_loop.hpp"

namespace nnlab::optimizers {
namespace {

class RmsProp final : public Optimizer {
 public:
  explicit RmsProp(const Params& params) : lr_(params.number("lr")), rho_(params.number("rho")) {}

  void step(std::span<Parameter* const> params) override {
    update(state_, params, [lr = lr_, rho = rho_](double& w, double g, double& h) {
      h = rho * h + (1 - rho) * g * g;
      w -= lr * g / (std::sqrt(h) + 1e-7);
    });
  }

  void training_state(std::span<Parameter* const> params, TrainingState& out) override {
    state_.list(params, {"h"}, out);
  }

 private:
  double lr_, rho_;
  ParameterState<1> state_;
};

}  // namespace

void register_rmsprop(Registrar& r) {
  Schema schema =
      optimizer_schema("RMSProp, h = rho h + (1 - rho) g^2, W -= lr g / (sqrt(h) + 1e-7)", 0.01);
  r.optimizers.add("rmsprop", &make<Optimizer, RmsProp>,
                   coefficient(schema, "rho", 0.99, "decay rate of the squared-gradient average"));
}

}  // namespace nnlab::optimizers
