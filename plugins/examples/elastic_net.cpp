// A regularizer: elastic net, l1 sum |W| + 1/2 l2 sum W^2 over the weights (never biases or
// batch-norm scales: the core marks each parameter's role).
#include <cmath>

#include <nnlab/plugin.hpp>
#include <nnlab/regularizer.hpp>

namespace {

class ElasticNet final : public nnlab::Regularizer {
 public:
  explicit ElasticNet(const nnlab::Params& params)
      : l1_(params.number("l1")), l2_(params.number("l2")) {}

  double penalty(std::span<nnlab::Parameter* const> params) const override {
    double abs_sum = 0, square_sum = 0;
    for (const nnlab::Parameter* p : params) {
      if (p->role != nnlab::ParameterRole::weight) continue;
      for (std::int64_t i = 0; i < p->value.size(); ++i) {
        const double w = p->value.data()[i];
        abs_sum += std::fabs(w);
        square_sum += w * w;
      }
    }
    return l1_ * abs_sum + 0.5 * l2_ * square_sum;
  }

  void add_gradient(std::span<nnlab::Parameter* const> params) const override {
    for (nnlab::Parameter* p : params) {
      if (p->role != nnlab::ParameterRole::weight) continue;
      for (std::int64_t i = 0; i < p->value.size(); ++i) {
        const float w = p->value.data()[i];
        const float sign = w > 0 ? 1.0f : (w < 0 ? -1.0f : 0.0f);
        p->grad.data()[i] += static_cast<float>(l1_) * sign + static_cast<float>(l2_) * w;
      }
    }
  }

 private:
  double l1_, l2_;
};

void register_components(nnlab::Registrar& r) {
  r.regularizers.add("elastic_net", &nnlab::make<nnlab::Regularizer, ElasticNet>,
                     nnlab::Schema("elastic net, l1 sum |W| + 1/2 l2 sum W^2 over weights")
                         .number("l1", 0.0, "L1 strength")
                         .min(0)
                         .number("l2", 0.0, "L2 strength")
                         .min(0));
}

}  // namespace

NNLAB_PLUGIN("my_elastic_net", "1.0", register_components)
