// Momentum (Polyak 1964), the book's form: v <- alpha v - lr g; W <- W + v.
#include "update_loop.hpp"

namespace nnlab::optimizers {
namespace {

class Momentum final : public Optimizer {
 public:
  explicit Momentum(const Params& params)
      : lr_(params.number("lr")), alpha_(params.number("momentum")) {}

  void step(std::span<Parameter* const> params) override {
    update(state_, params, [lr = lr_, alpha = alpha_](double& w, double g, double& v) {
      v = alpha * v - lr * g;
      w += v;
    });
  }

  void training_state(std::span<Parameter* const> params, TrainingState& out) override {
    state_.list(params, {"velocity"}, out);
  }

 private:
  double lr_, alpha_;
  ParameterState<1> state_;
};

}  // namespace

void register_momentum(Registrar& r) {
  Schema schema = optimizer_schema("momentum SGD, v = momentum v - lr g, W += v", 0.01);
  r.optimizers.add("momentum", &make<Optimizer, Momentum>,
                   coefficient(schema, "momentum", 0.9, "fraction of the velocity kept per step"));
}

}  // namespace nnlab::optimizers
