// AdaGrad (Duchi et al. 2011): h <- h + g^2; W <- W - lr g / (sqrt(h) + 1e-7).
#include "state.hpp"

namespace nnlab::optimizers {
namespace {

class AdaGrad final : public Optimizer {
 public:
  explicit AdaGrad(const Params& params) : lr_(params.number("lr")) {}

  void step(std::span<Parameter* const> params) override {
    for (Parameter* p : params) {
      auto& s = state_.of(*p);
      s.sync(p->value.data());
      float* w = p->value.data();
      const float* g = p->grad.data();
      double* h = s.slot[0].data();
      for (std::size_t i = 0, n = static_cast<std::size_t>(p->value.size()); i < n; ++i) {
        const double gi = g[i];
        h[i] += gi * gi;
        s.store(w, i, s.master[i] - lr_ * gi / (std::sqrt(h[i]) + 1e-7));
      }
    }
  }

 private:
  double lr_;
  ParameterState<1> state_;
};

}  // namespace

void register_adagrad(Registries& r) {
  r.optimizers.add("adagrad", &make<Optimizer, AdaGrad>,
                   optimizer_schema("AdaGrad, h += g^2, W -= lr g / (sqrt(h) + 1e-7)", 0.01));
}

}  // namespace nnlab::optimizers
