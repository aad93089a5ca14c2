// The analytic objectives: each gradient against central differences (float64), and each known
// minimum where the literature puts it.
#include <gtest/gtest.h>

#include <random>

#include "test_support.hpp"

namespace nnlab {
namespace {

std::unique_ptr<Objective> make(const std::string& kind) {
  ComponentSpec spec;
  spec.kind = kind;
  spec.path = "objective";
  return test::builtin_host().create(test::builtin_host().registries().objectives, spec);
}

TEST(Objectives, GradientsMatchCentralDifferences) {
  for (const char* kind :
       {"bowl", "rosenbrock", "branin", "rastrigin", "hartmann6", "zdt1", "zdt2"}) {
    SCOPED_TRACE(kind);
    const auto f = make(kind);
    const auto box = f->bounds();
    ASSERT_EQ(box.size(), f->dimensions());
    Rng rng(7);
    for (int trial = 0; trial < 5; ++trial) {
      std::vector<double> x(f->dimensions()), g(f->dimensions());
      for (std::size_t i = 0; i < x.size(); ++i)
        x[i] = std::uniform_real_distribution<double>(box[i].first, box[i].second)(rng);
      f->gradient(x, g);
      for (std::size_t i = 0; i < x.size(); ++i) {
        const double h = 1e-6;
        auto plus = x, minus = x;
        plus[i] += h;
        minus[i] -= h;
        const double numeric = (f->value(plus) - f->value(minus)) / (2 * h);
        EXPECT_NEAR(g[i], numeric, 1e-5 * std::max(1.0, std::abs(numeric))) << "coordinate " << i;
      }
    }
  }
}

TEST(Objectives, KnownMinimaHaveTheDeclaredValue) {
  EXPECT_NEAR(make("bowl")->value(std::vector<double>{0, 0}), 0, 1e-15);
  EXPECT_NEAR(make("rosenbrock")->value(std::vector<double>{1, 1}), 0, 1e-15);
  EXPECT_NEAR(make("rastrigin")->value(std::vector<double>{0, 0}), 0, 1e-12);
  const auto branin = make("branin");
  for (auto x : {std::vector<double>{-M_PI, 12.275}, {M_PI, 2.275}, {9.42478, 2.475}})
    EXPECT_NEAR(branin->value(x), branin->minimum(), 1e-5);
  const auto hartmann = make("hartmann6");
  EXPECT_NEAR(
      hartmann->value(std::vector<double>{0.20169, 0.150011, 0.476874, 0.275332, 0.311652, 0.6573}),
      hartmann->minimum(), 1e-5);
}

TEST(Objectives, ZdtProblemsHaveTwoValuesAndTheirFrontsWhereTheLiteraturePutsThem) {
  for (const char* kind : {"zdt1", "zdt2"}) {
    SCOPED_TRACE(kind);
    const auto f = make(kind);
    ASSERT_EQ(f->outputs(), 2u);
    ASSERT_EQ(f->dimensions(), 30u);
    const bool convex = std::string(kind) == "zdt1";
    // On the front (x2..x30 = 0, so g = 1): f2 = 1 - sqrt(f1) (ZDT1) or 1 - f1^2 (ZDT2).
    for (const double x1 : {0.0, 0.25, 0.64, 1.0}) {
      std::vector<double> x(30, 0.0), y(2);
      x[0] = x1;
      f->values(x, y);
      EXPECT_DOUBLE_EQ(y[0], x1);
      EXPECT_NEAR(y[1], convex ? 1 - std::sqrt(x1) : 1 - x1 * x1, 1e-15);
      EXPECT_DOUBLE_EQ(f->value(x), x1);  // value() is the first objective
    }
    // Off the front, by hand: x1 = 0.5, every other coordinate 1: g = 1 + 9 = 10.
    std::vector<double> x(30, 1.0), y(2);
    x[0] = 0.5;
    f->values(x, y);
    EXPECT_NEAR(y[1], convex ? 10 * (1 - std::sqrt(0.05)) : 10 * (1 - 0.05 * 0.05), 1e-12);
  }
  // Single-valued objectives say so, and values() is value().
  const auto branin = make("branin");
  EXPECT_EQ(branin->outputs(), 1u);
  std::vector<double> x = {1, 2}, y(1);
  branin->values(x, y);
  EXPECT_EQ(y[0], branin->value(x));
}

}  // namespace
}  // namespace nnlab
