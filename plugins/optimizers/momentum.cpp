// Momentum (Polyak 1964), the book's form: v <- alpha v - lr g; W <- W + v.
#include "state.hpp"

namespace nnlab::optimizers {
namespace {

class Momentum final : public Optimizer {
 public:
  explicit Momentum(const Params& params)
      : lr_(static_cast<float>(learning_rate(params, 0.01))), alpha_(static_cast<float>(coefficient(params, "momentum", 0.9))) {}

  void step(std::span<Parameter* const> params) override {
    for (Parameter* p : params) {
      float* w = p->value.data();
      const float* g = p->grad.data();
      float* v = state_.of(*p)[0].data();
      for (std::int64_t i = 0; i < p->value.size(); ++i) {
        v[i] = alpha_ * v[i] - lr_ * g[i];
        w[i] += v[i];
      }
    }
  }

 private:
  float lr_, alpha_;
  ParameterState<1> state_;
};

}  // namespace

void register_momentum(Registries& r) {
  r.optimizers.add("momentum", &make<Optimizer, Momentum>,
                   "momentum SGD, v = momentum v - lr g, W += v: lr (default 0.01), momentum (default 0.9)");
}

}  // namespace nnlab::optimizers
