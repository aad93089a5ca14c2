// Nesterov's accelerated gradient (Sutskever et al. 2013 reformulation, as the seed file states
// it): W <- W + alpha^2 v - (1 + alpha) lr g, then v <- alpha v - lr g.
#include "state.hpp"

namespace nnlab::optimizers {
namespace {

class Nesterov final : public Optimizer {
 public:
  explicit Nesterov(const Params& params)
      : lr_(params.number("lr")), alpha_(params.number("momentum")) {}

  void step(std::span<Parameter* const> params) override {
    for (Parameter* p : params) {
      auto& s = state_.of(*p);
      s.sync(p->value.data());
      float* w = p->value.data();
      const float* g = p->grad.data();
      double* v = s.slot[0].data();
      for (std::size_t i = 0, n = static_cast<std::size_t>(p->value.size()); i < n; ++i) {
        s.store(w, i, s.master[i] + alpha_ * alpha_ * v[i] - (1 + alpha_) * lr_ * g[i]);
        v[i] = alpha_ * v[i] - lr_ * g[i];
      }
    }
  }

 private:
  double lr_, alpha_;
  ParameterState<1> state_;
};

}  // namespace

void register_nesterov(Registries& r) {
  Schema schema = optimizer_schema("Nesterov momentum (the book's form)", 0.01);
  r.optimizers.add("nesterov", &make<Optimizer, Nesterov>,
                   coefficient(schema, "momentum", 0.9, "fraction of the velocity kept per step"));
}

}  // namespace nnlab::optimizers
