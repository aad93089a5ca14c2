// Nesterov's accelerated gradient (Sutskever et al. 2013 reformulation, as the seed file states
// it): W <- W + alpha^2 v - (1 + alpha) lr g, then v <- alpha v - lr g.
#include "update_loop.hpp"

namespace nnlab::optimizers {
namespace {

class Nesterov final : public Optimizer {
 public:
  explicit Nesterov(const Params& params)
      : lr_(params.number("lr")), alpha_(params.number("momentum")) {}

  void step(std::span<Parameter* const> params) override {
    update(state_, params, [lr = lr_, alpha = alpha_](double& w, double g, double& v) {
      w = w + alpha * alpha * v - (1 + alpha) * lr * g;
      v = alpha * v - lr * g;
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

void register_nesterov(Registrar& r) {
  Schema schema = optimizer_schema("Nesterov momentum (the book's form)", 0.01);
  r.optimizers.add("nesterov", &make<Optimizer, Nesterov>,
                   coefficient(schema, "momentum", 0.9, "fraction of the velocity kept per step"));
}

}  // namespace nnlab::optimizers
