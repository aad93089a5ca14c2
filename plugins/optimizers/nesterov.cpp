// Nesterov's accelerated gradient (Sutskever et al. 2013 reformulation, as the seed file states it):
// W <- W + alpha^2 v - (1 + alpha) lr g, then v <- alpha v - lr g.
#include "state.hpp"

namespace nnlab::optimizers {
namespace {

class Nesterov final : public Optimizer {
 public:
  explicit Nesterov(const Params& params)
      : lr_(static_cast<float>(learning_rate(params, 0.01))), alpha_(static_cast<float>(coefficient(params, "momentum", 0.9))) {}

  void step(std::span<Parameter* const> params) override {
    for (Parameter* p : params) {
      float* w = p->value.data();
      const float* g = p->grad.data();
      float* v = state_.of(*p)[0].data();
      for (std::int64_t i = 0; i < p->value.size(); ++i) {
        w[i] += alpha_ * alpha_ * v[i] - (1 + alpha_) * lr_ * g[i];
        v[i] = alpha_ * v[i] - lr_ * g[i];
      }
    }
  }

 private:
  float lr_, alpha_;
  ParameterState<1> state_;
};

}  // namespace

void register_nesterov(Registries& r) {
  r.optimizers.add("nesterov", &make<Optimizer, Nesterov>,
                   "Nesterov momentum: lr (default 0.01), momentum (default 0.9)");
}

}  // namespace nnlab::optimizers
