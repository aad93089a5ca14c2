// AutoAugment's controller (plugins/search/policy_controller.hpp), in float64: the PPO loss's
// gradient against central differences of the loss itself, over every weight, with sequences on
// both sides of the clip range and advantages of both signs; the sampled sequences' probabilities;
// and Adam's first steps against the formula.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "nnlab/error.hpp"
#include "policy_controller.hpp"

namespace nnlab::search {
namespace {

/// A small controller with weights large enough that the softmaxes are far from uniform.
PolicyController small_controller(std::uint64_t seed) {
  Rng rng(seed);
  return PolicyController({3, 4, 2, 5, 3}, 6, 0.6, rng);
}

/// Six drawn sequences whose π_old differs from π by factors inside (1.05, 0.9) and outside
/// (1.6, 0.5) of the clip range 1 ± 0.2, with advantages of both signs: every branch of the
/// clipped surrogate is taken.
PolicyController::Batch mixed_batch(const PolicyController& c) {
  PolicyController::Batch batch;
  Rng rng(11);
  const double ratio[] = {1.05, 0.9, 1.6, 0.5, 1.6, 0.5};
  const double advantage[] = {0.7, -0.4, 1.3, -0.8, -0.6, 0.9};
  for (int i = 0; i < 6; ++i) {
    const auto draw = c.sample(rng);
    batch.actions.push_back(draw.actions);
    batch.old_log_prob.push_back(draw.log_prob - std::log(ratio[i]));
    batch.advantage.push_back(advantage[i]);
  }
  return batch;
}

/// The largest |analytic − central difference| over every weight, relative to the gradient's
/// largest entry.
double gradient_error(PolicyController& c, const PolicyController::Batch& batch,
                      double entropy_weight) {
  Eigen::VectorXd gradient;
  c.loss(batch, 0.2, entropy_weight, &gradient);
  EXPECT_EQ(gradient.size(), c.weights().size());
  const double h = 1e-6;
  double worst = 0;
  for (Eigen::Index i = 0; i < c.weights().size(); ++i) {
    const double w = c.weights()[i];
    c.weights()[i] = w + h;
    const double up = c.loss(batch, 0.2, entropy_weight, nullptr);
    c.weights()[i] = w - h;
    const double down = c.loss(batch, 0.2, entropy_weight, nullptr);
    c.weights()[i] = w;
    worst = std::max(worst, std::abs((up - down) / (2 * h) - gradient[i]));
  }
  return worst / gradient.cwiseAbs().maxCoeff();
}

TEST(PolicyController, PpoGradientMatchesCentralDifferences) {
  PolicyController c = small_controller(3);
  const auto batch = mixed_batch(c);
  // The surrogate alone, then with a large entropy weight so its gradient is checked too.
  EXPECT_LT(gradient_error(c, batch, 0.0), 1e-7);
  EXPECT_LT(gradient_error(c, batch, 0.5), 1e-7);
}

TEST(PolicyController, AnUpdateFromTheDrawsTracesIsTheUpdateFromScratch) {
  // The forward pass recorded at sampling (one sequence at a time) against the batched one.
  const PolicyController c = small_controller(9);
  Rng rng(4);
  PolicyController::Batch batch;
  std::vector<PolicyController::Trace> traces(5);
  std::vector<const PolicyController::Trace*> pointers;
  for (int i = 0; i < 5; ++i) {
    const auto draw = c.sample(rng, &traces[static_cast<std::size_t>(i)]);
    batch.actions.push_back(draw.actions);
    batch.old_log_prob.push_back(draw.log_prob - 0.1 * i);
    batch.advantage.push_back(i % 2 ? 0.5 : -0.3);
    pointers.push_back(&traces[static_cast<std::size_t>(i)]);
  }
  Eigen::VectorXd scratch, traced;
  const double a = c.loss(batch, 0.2, 0.3, &scratch);
  const double b = c.loss(batch, 0.2, 0.3, &traced, pointers);
  EXPECT_NEAR(a, b, 1e-12);
  EXPECT_LT((scratch - traced).cwiseAbs().maxCoeff(), 1e-12 * scratch.cwiseAbs().maxCoeff());
  EXPECT_THROW(c.loss(batch, 0.2, 0.3, &traced, {pointers[0]}), Error);
}

TEST(PolicyController, ClippedSequencesGiveNoSurrogateGradient) {
  // A sequence whose ratio left the clip range in the direction its advantage pushes has a
  // constant surrogate: with no entropy bonus the loss has no gradient at all.
  PolicyController c = small_controller(5);
  Rng rng(2);
  const auto draw = c.sample(rng);
  PolicyController::Batch batch{{draw.actions}, {draw.log_prob - std::log(1.5)}, {1.0}};
  Eigen::VectorXd gradient;
  const double loss = c.loss(batch, 0.2, 0.0, &gradient);
  EXPECT_NEAR(loss, -1.2, 1e-12);  // −clip(1.5, 0.8, 1.2)·A
  EXPECT_EQ(gradient.cwiseAbs().maxCoeff(), 0.0);
  // The same sequence with a negative advantage is not clipped (min picks ρA = −1.5).
  batch.advantage = {-1.0};
  EXPECT_NEAR(c.loss(batch, 0.2, 0.0, &gradient), 1.5, 1e-12);
  EXPECT_GT(gradient.cwiseAbs().maxCoeff(), 0.0);
}

TEST(PolicyController, DrawsFollowTheSoftmaxes) {
  // 12 sequences, all likely enough to count; large weights make them far from uniform.
  Rng init(7);
  const PolicyController c({3, 2, 2}, 6, 1.0, init);
  double total = 0;  // the sequences' probabilities sum to 1
  for (int a = 0; a < 3; ++a)
    for (int b = 0; b < 2; ++b)
      for (int d = 0; d < 2; ++d) total += std::exp(c.log_prob({a, b, d}));
  EXPECT_NEAR(total, 1.0, 1e-12);
  Rng rng(1);
  std::map<std::vector<int>, int> counts;
  std::map<std::vector<int>, double> log_prob;
  const int draws = 20000;
  for (int i = 0; i < draws; ++i) {
    const auto d = c.sample(rng);
    ++counts[d.actions];
    log_prob[d.actions] = d.log_prob;
    if (i < 50) {  // the draw's log-probability is the sequence's under the same weights
      EXPECT_NEAR(d.log_prob, c.log_prob(d.actions), 1e-12);
      PolicyController::Batch one{{d.actions}, {d.log_prob}, {1.0}};
      EXPECT_NEAR(c.loss(one, 0.2, 0.0, nullptr), -1.0, 1e-12);  // ratio 1 in the loss's pass
    }
  }
  // The most frequent sequences' frequencies against their probabilities (binomial, 4 sd).
  int checked = 0;
  for (const auto& [actions, count] : counts) {
    const double p = std::exp(log_prob[actions]);
    if (p < 0.01) continue;
    ++checked;
    EXPECT_NEAR(count / double(draws), p, 4 * std::sqrt(p * (1 - p) / draws));
  }
  EXPECT_GE(checked, 6);
}

TEST(PolicyController, AdamFollowsKingmaAndBa) {
  Eigen::VectorXd x(2), g(2);
  x << 1.0, -2.0;
  AdamStep adam(2, 0.01);
  g << 0.5, -4.0;
  adam.apply(x, g);
  // Bias-corrected, the first step is lr · g / (|g| + ε): lr in the gradient's sign.
  EXPECT_NEAR(x[0], 1.0 - 0.01 * 0.5 / (0.5 + 1e-8), 1e-15);
  EXPECT_NEAR(x[1], -2.0 + 0.01 * 4.0 / (4.0 + 1e-8), 1e-15);
  g << 1.5, 0.0;
  adam.apply(x, g);
  const double m = (0.9 * 0.1 * 0.5 + 0.1 * 1.5) / (1 - 0.81);
  const double v = (0.999 * 0.001 * 0.25 + 0.001 * 2.25) / (1 - 0.999 * 0.999);
  EXPECT_NEAR(x[0], 1.0 - 0.01 * 0.5 / (0.5 + 1e-8) - 0.01 * m / (std::sqrt(v) + 1e-8), 1e-15);
}

TEST(PolicyController, RefusesAnEmptyOrValuelessSequence) {
  Rng rng(1);
  EXPECT_THROW(PolicyController({}, 4, 0.1, rng), Error);
  EXPECT_THROW(PolicyController({3, 0}, 4, 0.1, rng), Error);
  const PolicyController c({3, 2}, 4, 0.1, rng);
  EXPECT_THROW(c.log_prob({3, 0}), Error);
  EXPECT_THROW(c.log_prob({0}), Error);
}

}  // namespace
}  // namespace nnlab::search
