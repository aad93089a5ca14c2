// RMSProp (Tieleman & Hinton 2012): h <- rho h + (1 - rho) g^2; W <- W - lr g / (sqrt(h) + 1e-7).
#include "state.hpp"

namespace nnlab::optimizers {
namespace {

class RmsProp final : public Optimizer {
 public:
  explicit RmsProp(const Params& params)
      : lr_(params.number("lr")), rho_(params.number("rho")) {}

  void step(std::span<Parameter* const> params) override {
    for (Parameter* p : params) {
      auto& s = state_.of(*p);
      s.sync(p->value.data());
      float* w = p->value.data();
      const float* g = p->grad.data();
      double* h = s.slot[0].data();
      for (std::size_t i = 0, n = static_cast<std::size_t>(p->value.size()); i < n; ++i) {
        const double gi = g[i];
        h[i] = rho_ * h[i] + (1 - rho_) * gi * gi;
        s.store(w, i, s.master[i] - lr_ * gi / (std::sqrt(h[i]) + 1e-7));
      }
    }
  }

 private:
  double lr_, rho_;
  ParameterState<1> state_;
};

}  // namespace

void register_rmsprop(Registries& r) {
  Schema schema = optimizer_schema("RMSProp, h = rho h + (1 - rho) g^2, W -= lr g / (sqrt(h) + 1e-7)", 0.01);
  r.optimizers.add("rmsprop", &make<Optimizer, RmsProp>,
                   coefficient(schema, "rho", 0.99, "decay rate of the squared-gradient average"));
}

}  // namespace nnlab::optimizers
