#include "trainer.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace nnlab {
namespace {

struct Trace {
  TrainSummary summary;
  std::vector<EvalPoint> points;
  double half_sum_sq = 0;  ///< 1/2 sum W^2 over the final weights
};

Trace train(const std::vector<std::string>& overrides) {
  const auto spec = parse_experiment(test::synthetic_experiment(), "t.yaml", overrides);
  const PreparedData data = prepare_data(spec.data, test::builtin_host(), spec.seed);
  Trainer trainer(spec, data, test::builtin_host());
  Compute compute = Compute::make();
  Trace trace;
  trace.summary = trainer.run(compute, [&](const EvalPoint& p) {
    trace.points.push_back(p);
    return EvalAction::proceed;
  });
  for (const Parameter* p : trainer.graph().parameters()) {
    if (p->role != ParameterRole::weight) continue;
    for (std::int64_t i = 0; i < p->value.size(); ++i)
      trace.half_sum_sq += 0.5 * p->value.data()[i] * p->value.data()[i];
  }
  return trace;
}

TEST(Trainer, BookModeEvaluatesAfterTheFirstUpdateAndEveryTrainSizeOverBatchUpdates) {
  // 120 rows, batch 20: 6 updates an epoch; 5 evaluations at updates 1, 7, 13, 19, 25.
  const Trace t = train({});
  ASSERT_EQ(t.points.size(), 5u);
  for (std::size_t k = 0; k < t.points.size(); ++k) {
    EXPECT_EQ(t.points[k].epoch, static_cast<std::int64_t>(k));
    EXPECT_EQ(t.points[k].iteration, static_cast<std::int64_t>(6 * k + 1));
  }
  EXPECT_EQ(t.summary.iterations, 25);
}

TEST(Trainer, BookModeKeepsAFractionalEpochLength) {
  // 120 rows, batch 48: 2.5 updates an epoch; iteration i evaluates when i mod 2.5 == 0, i.e. i =
  // 0, 5, 10.
  const Trace t = train({"train.batch_size=48", "train.epochs=3"});
  ASSERT_EQ(t.points.size(), 3u);
  EXPECT_EQ(t.points[1].iteration, 6);
  EXPECT_EQ(t.points[2].iteration, 11);
}

TEST(Trainer, BookModeWithAnEpochLengthNoFloatHoldsEnds) {
  // 120 rows, batch 25: 4.8 updates an epoch, which no double holds; i mod 4.8 == 0 for i = 0,
  // 24, 48 in exact arithmetic. (In floating point it never held again, and the run never ended.)
  const Trace t = train({"train.batch_size=25", "train.epochs=3"});
  ASSERT_EQ(t.points.size(), 3u);
  EXPECT_EQ(t.points[1].iteration, 25);
  EXPECT_EQ(t.points[2].iteration, 49);
}

TEST(Trainer, BookModeWithMoreBatchThanRowsEvaluatesEveryUpdate) {
  const Trace t = train({"train.batch_size=500", "train.epochs=4"});
  EXPECT_EQ(t.summary.iterations, 4);
}

TEST(Trainer, ModernModeMakesFullPassesIncludingAPartialLastBatch) {
  // 120 rows, batch 50: passes of 3 updates (50, 50, 20), evaluated after each pass, epochs 1..4.
  const Trace t = train({"train.sampling=shuffle", "train.batch_size=50", "train.epochs=4"});
  ASSERT_EQ(t.points.size(), 4u);
  EXPECT_EQ(t.points.front().epoch, 1);
  EXPECT_EQ(t.points.back().iteration, 12);
}

TEST(Trainer, MetricsFollowTheEvalList) {
  const Trace t = train({"train.eval=[test, train]"});
  std::vector<std::string> names;
  for (const auto& [metric, value] : t.points.back().metrics) names.push_back(metric.name());
  EXPECT_EQ(names, (std::vector<std::string>{"test_acc", "test_loss", "train_acc", "train_loss"}));
}

TEST(Trainer, TheLoggedLossIncludesTheRegularizationPenalty) {
  // A learning rate so small that the weights stay put: the two runs differ by the penalty alone.
  const Trace plain = train({"train.epochs=1", "optimizer.lr=1.0e-9"});
  const Trace decayed =
      train({"train.epochs=1", "optimizer.lr=1.0e-9", "regularizers=[{kind: l2, lambda: 0.5}]"});
  const double train_loss_gap =
      decayed.points[0].metrics[1].second - plain.points[0].metrics[1].second;
  EXPECT_GT(decayed.half_sum_sq, 10.0);
  EXPECT_NEAR(train_loss_gap, 0.5 * decayed.half_sum_sq, 1e-4);
}

TEST(Trainer, TheSameSeedGivesTheSameNumbers) {
  const Trace a = train({"seed=5"}), b = train({"seed=5"}), c = train({"seed=6"});
  EXPECT_EQ(a.points.back().metrics, b.points.back().metrics);
  EXPECT_NE(a.points.back().metrics, c.points.back().metrics);
}

TEST(Trainer, AModelWhoseOutputDoesNotMatchTheClassesIsRefused) {
  const auto message = test::error_of([] { train({"model.layers[1].units=4"}); });
  EXPECT_NE(message.find("the model outputs 4 values but the data has 3 classes"),
            std::string::npos)
      << message;
}

}  // namespace
}  // namespace nnlab

namespace nnlab {
namespace {

std::vector<std::pair<std::int64_t, double>> logged_steps(const std::vector<std::string>& overrides,
                                                          TrainSummary* summary = nullptr) {
  const auto spec = parse_experiment(test::synthetic_experiment(), "t.yaml", overrides);
  const PreparedData data = prepare_data(spec.data, test::builtin_host(), spec.seed);
  Trainer trainer(spec, data, test::builtin_host());
  Compute compute = Compute::make();
  std::vector<std::pair<std::int64_t, double>> steps;
  const TrainSummary s = trainer.run(
      compute, [](const EvalPoint&) { return EvalAction::proceed; },
      [&](std::int64_t iteration, double loss) {
        steps.push_back({iteration, loss});
      });
  if (summary) *summary = s;
  return steps;
}

TEST(Trainer, AnUpdateBudgetEndsTheRunWithAFinalEvaluation) {
  TrainSummary summary;
  const auto steps = logged_steps({"train.iterations=7", "train.log_every=2"}, &summary);
  EXPECT_EQ(summary.iterations, 7);
  ASSERT_EQ(steps.size(), 3u);  // after updates 2, 4, 6
  EXPECT_EQ(steps[0].first, 2);
  EXPECT_EQ(steps[2].first, 6);
  EXPECT_EQ(summary.last.iteration, 7);  // evaluated once more at the end
  // Modern mode stops inside an epoch too.
  TrainSummary shuffled;
  logged_steps({"train.iterations=5", "train.sampling=shuffle", "train.epochs=50"}, &shuffled);
  EXPECT_EQ(shuffled.iterations, 5);
}

TEST(Trainer, ABatchSeedFixesTheMinibatchSequence) {
  // The minibatch losses depend on the batches drawn: with the same batch_seed they repeat, with
  // another they change.
  const std::vector<std::string> base = {"train.iterations=6", "train.log_every=1"};
  auto with = [&](std::vector<std::string> extra) {
    auto o = base;
    o.insert(o.end(), extra.begin(), extra.end());
    return logged_steps(o);
  };
  EXPECT_EQ(with({"train.batch_seed=5"}), with({"train.batch_seed=5"}));
  EXPECT_NE(with({"train.batch_seed=5"}), with({"train.batch_seed=6"}));
}

}  // namespace
}  // namespace nnlab
