// Stochastic gradient descent: W <- W - lr g.
#include "state.hpp"

namespace nnlab::optimizers {
namespace {

class Sgd final : public Optimizer {
 public:
  explicit Sgd(const Params& params) : lr_(learning_rate(params, 0.01)) {}

  void step(std::span<Parameter* const> params) override {
    for (Parameter* p : params) {
      auto& s = state_.of(*p);
      float* w = p->value.data();
      const float* g = p->grad.data();
      for (std::size_t i = 0, n = static_cast<std::size_t>(p->value.size()); i < n; ++i)
        s.store(w, i, s.load(w, i) - lr_ * g[i]);
    }
  }

 private:
  double lr_;
  ParameterState<0> state_;
};

}  // namespace

void register_sgd(Registries& r) {
  r.optimizers.add("sgd", &make<Optimizer, Sgd>, "SGD, W -= lr g: lr (default 0.01)");
}

}  // namespace nnlab::optimizers
