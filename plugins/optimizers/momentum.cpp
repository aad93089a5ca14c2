// Momentum (Polyak 1964), the book's form: v <- alpha v - lr g; W <- W + v.
#include "state.hpp"

namespace nnlab::optimizers {
namespace {

class Momentum final : public Optimizer {
 public:
  explicit Momentum(const Params& params)
      : lr_(params.number("lr")), alpha_(params.number("momentum")) {}

  void step(std::span<Parameter* const> params) override {
    for (Parameter* p : params) {
      auto& s = state_.of(*p);
      s.sync(p->value.data());
      float* w = p->value.data();
      const float* g = p->grad.data();
      double* v = s.slot[0].data();
      for (std::size_t i = 0, n = static_cast<std::size_t>(p->value.size()); i < n; ++i) {
        v[i] = alpha_ * v[i] - lr_ * g[i];
        s.store(w, i, s.master[i] + v[i]);
      }
    }
  }

 private:
  double lr_, alpha_;
  ParameterState<1> state_;
};

}  // namespace

void register_momentum(Registries& r) {
  Schema schema = optimizer_schema("momentum SGD, v = momentum v - lr g, W += v", 0.01);
  r.optimizers.add("momentum", &make<Optimizer, Momentum>,
                   coefficient(schema, "momentum", 0.9, "fraction of the velocity kept per step"));
}

}  // namespace nnlab::optimizers
