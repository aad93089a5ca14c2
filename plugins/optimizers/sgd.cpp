// Stochastic gradient descent: W <- W - lr g.
#include "state.hpp"

namespace nnlab::optimizers {
namespace {

NNLAB_MULTIVERSION void sgd_update(double* __restrict master, float* __restrict w,
                                   const float* __restrict g, std::size_t n, double lr) {
  sync_master(master, w, n);
  for (std::size_t i = 0; i < n; ++i) {
    master[i] -= lr * g[i];
    w[i] = static_cast<float>(master[i]);
  }
}

class Sgd final : public Optimizer {
 public:
  explicit Sgd(const Params& params) : lr_(params.number("lr")) {}

  void step(std::span<Parameter* const> params) override {
    for (Parameter* p : params) {
      auto& s = state_.of(*p);
      sgd_update(s.master.data(), p->value.data(), p->grad.data(), s.master.size(), lr_);
    }
  }

 private:
  double lr_;
  ParameterState<0> state_;
};

}  // namespace

void register_sgd(Registries& r) {
  r.optimizers.add("sgd", &make<Optimizer, Sgd>, optimizer_schema("SGD, W -= lr g", 0.01));
}

}  // namespace nnlab::optimizers
