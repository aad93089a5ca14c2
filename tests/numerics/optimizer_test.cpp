// Each optimizer's update on the seed's E1 problem, f(x, y) = x^2/20 + y^2 from (-7, 2), against
// the anchors in the seed file (after steps 1, 2 and 30), to 1e-6.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "test_support.hpp"

namespace nnlab {
namespace {

struct Anchor {
  int step;
  double x, y;
};

struct Case {
  std::string optimizer;  // a YAML component
  std::vector<Anchor> anchors;
};

std::unique_ptr<Optimizer> make_optimizer(const std::string& component) {
  const std::string yaml =
      "name: e1\ndata: {kind: synthetic}\nmodel: {layers: [{kind: relu}], loss: {kind: "
      "mse}}\noptimizer: " +
      component + "\ntrain: {epochs: 1}\n";
  return test::builtin_host().create(test::builtin_host().registries().optimizers,
                                     parse_experiment(yaml, "e1.yaml").optimizer);
}

void PrintTo(const Case& c, std::ostream* os) { *os << c.optimizer; }

class E1Paths : public ::testing::TestWithParam<Case> {};

TEST_P(E1Paths, MatchTheSeedAnchors) {
  auto optimizer = make_optimizer(GetParam().optimizer);
  Parameter x{"x", ParameterRole::weight, Matrix(1, 1), Matrix(1, 1)};
  Parameter y{"y", ParameterRole::weight, Matrix(1, 1), Matrix(1, 1)};
  x.value.at(0, 0) = -7.0f;
  y.value.at(0, 0) = 2.0f;
  Parameter* params[] = {&x, &y};
  std::size_t next = 0;
  const auto& anchors = GetParam().anchors;
  for (int step = 1; next < anchors.size(); ++step) {
    x.grad.at(0, 0) = x.value.at(0, 0) / 10.0f;  // df/dx = x/10
    y.grad.at(0, 0) = 2.0f * y.value.at(0, 0);   // df/dy = 2y
    optimizer->step(params);
    if (step == anchors[next].step) {
      EXPECT_NEAR(x.value.at(0, 0), anchors[next].x, 1e-6) << "x after step " << step;
      EXPECT_NEAR(y.value.at(0, 0), anchors[next].y, 1e-6) << "y after step " << step;
      ++next;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Seed, E1Paths,
    ::testing::Values(
        Case{"{kind: sgd, lr: 0.95}",
             {{1, -6.335, -1.8}, {2, -5.733175, 1.62}, {30, -0.350393, 0.0847823}}},
        Case{"{kind: momentum, lr: 0.1}",
             {{1, -6.93, 1.6}, {2, -6.7977, 0.92}, {30, 0.896414, 0.0880856}}},
        Case{"{kind: adagrad, lr: 1.5}",
             {{1, -5.5, 0.5}, {2, -4.573268, 0.136197}, {30, -0.120162, 0.0}}},
        Case{"{kind: adam, lr: 0.3}",
             {{1, -6.700001, 1.7}, {2, -6.400417, 1.402246}, {30, 0.136007, 0.318245}}},
        Case{"{kind: nesterov, lr: 0.1}", {{1, -6.867, 1.24}, {30, 0.689615, -6.799e-4}}},
        Case{"{kind: rmsprop, lr: 0.1}", {{1, -6.000001, 1.0}, {30, -0.69742, 1.48e-8}}}),
    [](const auto& p) { return p.param.optimizer.substr(7, p.param.optimizer.find(',') - 7); });

Parameter scalar_parameter(float value, float grad, ParameterRole role = ParameterRole::weight) {
  Parameter p{"p", role, Matrix(1, 1), Matrix(1, 1)};
  p.value.at(0, 0) = value;
  p.grad.at(0, 0) = grad;
  return p;
}

TEST(Adam, TextbookModeCorrectsBothMoments) {
  auto adam = make_optimizer("{kind: adam, lr: 0.1, mode: textbook}");
  Parameter p = scalar_parameter(1.0f, 0.5f);
  Parameter* params[] = {&p};
  adam->step(params);
  // After one step m_hat = g and v_hat = g^2, so the step is lr * g / (|g| + 1e-8).
  EXPECT_NEAR(p.value.at(0, 0), 1.0 - 0.1 * 0.5 / (0.5 + 1e-8), 1e-7);
}

TEST(AdamW, DecaysWeightsDecoupledFromTheGradient) {
  auto adamw = make_optimizer("{kind: adamw, lr: 0.1, weight_decay: 0.5}");
  Parameter w = scalar_parameter(2.0f, 0.0f), b = scalar_parameter(2.0f, 0.0f, ParameterRole::bias);
  Parameter* params[] = {&w, &b};
  adamw->step(params);
  EXPECT_NEAR(w.value.at(0, 0), 2.0 - 0.1 * 0.5 * 2.0,
              1e-6);                  // a zero gradient still decays the weight
  EXPECT_EQ(b.value.at(0, 0), 2.0f);  // biases are not decayed
}

TEST(Optimizers, StateIsKeptPerParameter) {
  auto momentum = make_optimizer("{kind: momentum, lr: 1.0, momentum: 0.5}");
  Parameter a = scalar_parameter(0.0f, 1.0f), b = scalar_parameter(0.0f, 0.0f);
  Parameter* params[] = {&a, &b};
  momentum->step(params);
  momentum->step(params);
  EXPECT_FLOAT_EQ(a.value.at(0, 0), -1.0f - 1.5f);  // v = -1, then -1.5
  EXPECT_FLOAT_EQ(b.value.at(0, 0), 0.0f);
}

TEST(Optimizers, BadHyperparametersNameTheKey) {
  EXPECT_NE(test::error_of([] {
              make_optimizer("{kind: sgd, lr: -1}");
            }).find("optimizer.lr: expected a value in (0, inf), got '-1'"),
            std::string::npos);
  EXPECT_NE(test::error_of([] {
              make_optimizer("{kind: momentum, momentum: 1.5}");
            }).find("optimizer.momentum: expected a value in [0, 1), got '1.5'"),
            std::string::npos);
  EXPECT_NE(test::error_of([] {
              make_optimizer("{kind: adam, betta1: 0.9}");
            }).find("unknown key 'betta1' for optimizer 'adam'; did you mean 'beta1'?"),
            std::string::npos);
}

}  // namespace
}  // namespace nnlab

namespace nnlab {
namespace {

TEST(Optimizers, SmallStepsAccumulateInTheFloat64MasterCopy) {
  // 1000 steps of 1e-8 on a weight of 0.1: each is under half a float32 ulp (3.7e-9 ... 7.5e-9 is
  // the ulp), so a float32 update would round every one away.
  auto sgd = make_optimizer("{kind: sgd, lr: 1.0e-8}");
  Parameter w = scalar_parameter(0.1f, 1.0f);
  Parameter* params[] = {&w};
  for (int i = 0; i < 1000; ++i) sgd->step(params);
  EXPECT_NEAR(w.value.at(0, 0), 0.1f - 1e-5, 1e-8);
}

TEST(Optimizers, AWeightChangedOutsideTheOptimizerIsPickedUp) {
  auto sgd = make_optimizer("{kind: sgd, lr: 0.5}");
  Parameter w = scalar_parameter(1.0f, 1.0f);
  Parameter* params[] = {&w};
  sgd->step(params);
  w.value.at(0, 0) = 3.0f;  // e.g. a user's re-initialisation
  sgd->step(params);
  EXPECT_FLOAT_EQ(w.value.at(0, 0), 2.5f);
}

// A large parameter is updated in ranges over the trial's threads (update_loop.hpp; ctest runs
// with as many OpenMP threads as cores): its numbers must be those of the same values updated as
// small parameters, element for element, including a weight changed outside the optimizer.
TEST(Optimizers, ALargeParameterSplitOverThreadsMatchesTheSamePiecesUpdatedAlone) {
  constexpr std::int64_t n = 150000, pieces = 6;  // 6 pieces of 25000: each below the split
  for (const char* component : {"{kind: adam, lr: 0.01}", "{kind: momentum, lr: 0.1}"}) {
    auto whole_opt = make_optimizer(component), pieces_opt = make_optimizer(component);
    Parameter whole{"w", ParameterRole::weight, Matrix(1, n), Matrix(1, n)};
    std::vector<Parameter> parts;
    for (std::int64_t k = 0; k < pieces; ++k)
      parts.push_back({"p" + std::to_string(k), ParameterRole::weight, Matrix(1, n / pieces),
                       Matrix(1, n / pieces)});
    auto value = [](std::int64_t i) { return std::cos(0.001f * static_cast<float>(i)); };
    auto grad = [](std::int64_t i, int step) {
      return std::sin(0.37f * static_cast<float>(i) + static_cast<float>(step));
    };
    for (std::int64_t i = 0; i < n; ++i)
      whole.value.data()[i] = parts[i / (n / pieces)].value.data()[i % (n / pieces)] = value(i);
    Parameter* whole_params[] = {&whole};
    std::vector<Parameter*> part_params;
    for (auto& p : parts) part_params.push_back(&p);
    for (int step = 0; step < 3; ++step) {
      for (std::int64_t i = 0; i < n; ++i)
        whole.grad.data()[i] = parts[i / (n / pieces)].grad.data()[i % (n / pieces)] =
            grad(i, step);
      if (step == 1) {  // changed outside the optimizer, in the middle of the second range
        whole.value.data()[n / 2 + 7] = 4.0f;
        parts[(n / 2 + 7) / (n / pieces)].value.data()[(n / 2 + 7) % (n / pieces)] = 4.0f;
      }
      whole_opt->step(whole_params);
      pieces_opt->step(part_params);
    }
    for (std::int64_t i = 0; i < n; ++i)
      ASSERT_EQ(whole.value.data()[i], parts[i / (n / pieces)].value.data()[i % (n / pieces)])
          << component << " element " << i;
  }
}

}  // namespace
}  // namespace nnlab
