// Stochastic gradient descent: W <- W - lr g.
#include "state.hpp"

namespace nnlab::optimizers {
namespace {

class Sgd final : public Optimizer {
 public:
  explicit Sgd(const Params& params) : lr_(static_cast<float>(learning_rate(params, 0.01))) {}

  void step(std::span<Parameter* const> params) override {
    for (Parameter* p : params) {
      float* w = p->value.data();
      const float* g = p->grad.data();
      for (std::int64_t i = 0; i < p->value.size(); ++i) w[i] -= lr_ * g[i];
    }
  }

 private:
  float lr_;
};

}  // namespace

void register_sgd(Registries& r) {
  r.optimizers.add("sgd", &make<Optimizer, Sgd>, "SGD, W -= lr g: lr (default 0.01)");
}

}  // namespace nnlab::optimizers
