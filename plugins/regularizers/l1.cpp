// L1 weight decay: penalty lambda sum |W| (part of the logged loss), gradient lambda sign(W),
// sign(0) = 0.
#include "weight_decay.hpp"

namespace nnlab::regularizers {
namespace {

class L1 final : public WeightDecay {
 public:
  using WeightDecay::WeightDecay;

  double penalty(std::span<Parameter* const> params) const override {
    double sum = 0;
    for_each_weight(params, [&](const Parameter& p) {
      sum += sum_of_magnitudes(p.value.data(), p.value.size());
    });
    return lambda_ * sum;
  }

  void add_gradient(std::span<Parameter* const> params) const override {
    const auto lambda = static_cast<float>(lambda_);
    for_each_weight(params, [&](Parameter& p) {
      const float* w = p.value.data();
      float* g = p.grad.data();
      for (std::int64_t i = 0; i < p.value.size(); ++i)
        g[i] += w[i] > 0 ? lambda : (w[i] < 0 ? -lambda : 0.0f);
    });
  }
};

}  // namespace

void register_l1(Registrar& r) {
  r.regularizers.add("l1", &make<Regularizer, L1>,
                     WeightDecay::schema("L1 weight decay, lambda sum |W| over weights"));
}

}  // namespace nnlab::regularizers
