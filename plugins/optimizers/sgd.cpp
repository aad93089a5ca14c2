// Stochastic gradient descent: W <- W - lr g.
#include "update_loop.hpp"

namespace nnlab::optimizers {
namespace {

class Sgd final : public Optimizer {
 public:
  explicit Sgd(const Params& params) : lr_(params.number("lr")) {}

  void step(std::span<Parameter* const> params) override {
    update(state_, params, [lr = lr_](double& w, double g) { w -= lr * g; });
  }

  void training_state(std::span<Parameter* const> params, TrainingState& out) override {
    state_.list(params, {}, out);
  }

 private:
  double lr_;
  ParameterState<0> state_;
};

}  // namespace

void register_sgd(Registrar& r) {
  r.optimizers.add("sgd", &make<Optimizer, Sgd>, optimizer_schema("SGD, W -= lr g", 0.01));
}

}  // namespace nnlab::optimizers
