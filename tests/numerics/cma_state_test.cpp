// The CMA-ES state behind `cmaes`, driven directly: it finds the minimum of a sphere while σ
// shrinks, learns an ellipsoid's scaling in C, grows σ on a slope, keeps samples in the box, and
// has the tutorial's weights.
#include "cma_state.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "nnlab/error.hpp"

namespace nnlab::search {
namespace {

/// Runs `generations` generations of `state` on f; the best value seen.
double run(CmaState& state, const std::function<double(const Eigen::VectorXd&)>& f, int generations,
           Rng& rng) {
  double best = HUGE_VAL;
  for (int g = 0; g < generations; ++g) {
    std::vector<CmaState::Solution> solutions;
    for (int i = 0; i < state.population_size(); ++i) {
      Eigen::VectorXd x = state.sample(rng);
      const double y = f(x);
      best = std::min(best, y);
      solutions.emplace_back(std::move(x), y);
    }
    state.update(std::move(solutions));
  }
  return best;
}

Eigen::VectorXd box(int n, double v) { return Eigen::VectorXd::Constant(n, v); }

TEST(CmaState, TheMeanConvergesToTheMinimumOfASphereAndSigmaShrinks) {
  Eigen::VectorXd centre(4);
  centre << 0.3, 0.7, 0.6, 0.2;
  for (std::uint64_t seed : {1, 2, 3}) {
    CmaState state(box(4, 0.5), 1.0 / 6, 0, box(4, 0), box(4, 1));
    EXPECT_EQ(state.population_size(), 8);  // 4 + floor(3 ln 4)
    Rng rng(seed);
    const double best = run(
        state, [&](const Eigen::VectorXd& x) { return (x - centre).squaredNorm(); }, 150, rng);
    EXPECT_EQ(state.generation(), 150);
    EXPECT_LT((state.mean() - centre).norm(), 1e-6) << seed;
    EXPECT_LT(state.sigma(), 1e-5 / 6) << seed;
    EXPECT_LT(best, 1e-12) << seed;
  }
}

TEST(CmaState, TheCovarianceLearnsAnEllipsoidsScaling) {
  // f = sum 10^(4 i / (n-1)) x_i^2: the Hessian's condition number is 1e4, so a well-adapted C
  // (≈ the inverse Hessian, up to a factor) has its largest variance along x_0 and its smallest
  // along x_4, about 1e4 apart.
  const int n = 5;
  Eigen::VectorXd scale(n);
  for (int i = 0; i < n; ++i) scale[i] = std::pow(10.0, 4.0 * i / (n - 1));
  CmaState state(box(n, 0.5), 0.2, 0, box(n, -10), box(n, 10));
  Rng rng(7);
  run(
      state, [&](const Eigen::VectorXd& x) { return scale.dot(x.cwiseAbs2()); }, 400, rng);
  const Eigen::MatrixXd& c = state.covariance();
  const double ratio = c(0, 0) / c(n - 1, n - 1);
  EXPECT_GT(ratio, 1e3);
  EXPECT_LT(ratio, 1e5);
  for (int i = 0; i + 1 < n; ++i) EXPECT_GT(c(i, i), c(i + 1, i + 1)) << i;
  EXPECT_LT(state.mean().norm(), 1e-6);
}

TEST(CmaState, SigmaGrowsOnASlope) {
  // On a linear function selection always points the same way: p_σ grows longer than a random
  // walk's and cumulative step-size adaptation increases σ.
  CmaState state(box(3, 0), 0.01, 0, box(3, -1e9), box(3, 1e9));
  Rng rng(3);
  run(
      state, [](const Eigen::VectorXd& x) { return x[0]; }, 30, rng);
  EXPECT_GT(state.sigma(), 0.1);
  EXPECT_LT(state.mean()[0], -0.1);
}

TEST(CmaState, SamplesStayInTheBox) {
  // σ as large as the box: most raw draws fall outside; after 10 n redraws the draw is clipped.
  CmaState state(box(2, 0.9), 1.0, 0, box(2, 0), box(2, 1));
  Rng rng(5);
  for (int i = 0; i < 2000; ++i) {
    const Eigen::VectorXd x = state.sample(rng);
    ASSERT_TRUE((x.array() >= 0).all() && (x.array() <= 1).all()) << x.transpose();
  }
}

TEST(CmaState, RefusesWrongGenerationsAndArguments) {
  CmaState state(box(2, 0.5), 0.1, 6, box(2, 0), box(2, 1));
  std::vector<CmaState::Solution> five(5, {box(2, 0.5), 1.0});
  try {
    state.update(five);
    ADD_FAILURE() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("needs 6 results, got 5"), std::string::npos) << e.what();
  }
  EXPECT_THROW(CmaState(box(2, 0.5), 0.0, 0, box(2, 0), box(2, 1)), Error);
  EXPECT_THROW(CmaState(box(2, 1.5), 0.1, 0, box(2, 0), box(2, 1)), Error);
  EXPECT_THROW(CmaState(box(2, 0.5), 0.1, 1, box(2, 0), box(2, 1)), Error);
}

TEST(CmaState, StopsWhenTheValuesAreFlat) {
  // A constant function: no information, the best and worst of every generation are equal.
  CmaState state(box(2, 0.5), 0.1, 0, box(2, 0), box(2, 1));
  Rng rng(1);
  EXPECT_FALSE(state.should_stop());
  run(
      state, [](const Eigen::VectorXd&) { return 1.0; }, 40, rng);
  EXPECT_TRUE(state.should_stop());
}

}  // namespace
}  // namespace nnlab::search
