// L2 weight decay: penalty 1/2 lambda sum W^2 (part of the logged loss), gradient lambda W.
#include "weight_decay.hpp"

namespace nnlab::regularizers {
namespace {

class L2 final : public WeightDecay {
 public:
  using WeightDecay::WeightDecay;

  double penalty(std::span<Parameter* const> params) const override {
    double sum = 0;
    for_each_weight(
        params, [&](const Parameter& p) { sum += sum_of_squares(p.value.data(), p.value.size()); });
    return 0.5 * lambda_ * sum;
  }

  void add_gradient(std::span<Parameter* const> params) const override {
    const auto lambda = static_cast<float>(lambda_);
    for_each_weight(params, [&](Parameter& p) {
      const float* w = p.value.data();
      float* g = p.grad.data();
      for (std::int64_t i = 0; i < p.value.size(); ++i) g[i] += lambda * w[i];
    });
  }
};

}  // namespace

void register_l2(Registrar& r) {
  r.regularizers.add("l2", &make<Regularizer, L2>,
                     WeightDecay::schema("L2 weight decay, 1/2 lambda sum W^2 over weights"));
}

}  // namespace nnlab::regularizers
