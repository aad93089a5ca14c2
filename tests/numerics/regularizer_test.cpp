// Weight decay: the penalty and its gradient, on weights only, against direct float64 sums.
#include <gtest/gtest.h>

#include <cmath>

#include "test_support.hpp"

namespace nnlab {
namespace {

std::unique_ptr<Regularizer> make_regularizer(const std::string& component) {
  const std::string yaml =
      "name: r\ndata: {kind: synthetic}\nmodel: {layers: [{kind: relu}], loss: {kind: mse}}\n"
      "regularizers: [" +
      component + "]\noptimizer: {kind: sgd}\ntrain: {epochs: 1}\n";
  return test::builtin_host().create(test::builtin_host().registries().regularizers,
                                     parse_experiment(yaml, "r.yaml").regularizers.at(0));
}

struct Params3 {
  Parameter weight{"w", ParameterRole::weight, Matrix(3, 37), Matrix(3, 37)};
  Parameter bias{"b", ParameterRole::bias, Matrix(1, 37), Matrix(1, 37)};
  Params3() {
    for (std::int64_t i = 0; i < weight.value.size(); ++i)
      weight.value.data()[i] = std::sin(static_cast<float>(i)) * 0.7f;
    weight.value.data()[5] = 0.0f;  // sign(0) = 0 for L1
    bias.value.fill(3.0f);
  }
};

TEST(WeightDecay, L2PenaltyAndGradientCoverWeightsOnly) {
  Params3 p;
  Parameter* params[] = {&p.weight, &p.bias};
  auto l2 = make_regularizer("{kind: l2, lambda: 0.3}");
  double sum_sq = 0;
  for (std::int64_t i = 0; i < p.weight.value.size(); ++i)
    sum_sq += std::pow(static_cast<double>(p.weight.value.data()[i]), 2);
  EXPECT_NEAR(l2->penalty(params), 0.5 * 0.3 * sum_sq, 1e-9);
  l2->add_gradient(params);
  for (std::int64_t i = 0; i < p.weight.value.size(); ++i)
    EXPECT_FLOAT_EQ(p.weight.grad.data()[i], 0.3f * p.weight.value.data()[i]);
  EXPECT_EQ(p.bias.grad.at(0, 0), 0.0f);
}

TEST(WeightDecay, L1PenaltyAndSignGradient) {
  Params3 p;
  Parameter* params[] = {&p.weight, &p.bias};
  auto l1 = make_regularizer("{kind: l1, lambda: 0.2}");
  double sum_abs = 0;
  for (std::int64_t i = 0; i < p.weight.value.size(); ++i)
    sum_abs += std::fabs(static_cast<double>(p.weight.value.data()[i]));
  EXPECT_NEAR(l1->penalty(params), 0.2 * sum_abs, 1e-9);
  l1->add_gradient(params);
  for (std::int64_t i = 0; i < p.weight.value.size(); ++i) {
    const float w = p.weight.value.data()[i];
    EXPECT_EQ(p.weight.grad.data()[i], w > 0 ? 0.2f : (w < 0 ? -0.2f : 0.0f)) << i;
  }
  EXPECT_EQ(p.bias.grad.at(0, 0), 0.0f);
}

TEST(WeightDecay, LambdaIsRequiredAndNonNegative) {
  EXPECT_NE(test::error_of([] {
              make_regularizer("{kind: l2}");
            }).find("regularizers[0].lambda: missing required key"),
            std::string::npos);
  EXPECT_NE(test::error_of([] {
              make_regularizer("{kind: l1, lambda: -1}");
            }).find("regularizers[0].lambda: expected a value in [0, inf), got '-1'"),
            std::string::npos);
}

}  // namespace
}  // namespace nnlab
