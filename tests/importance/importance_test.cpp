// fANOVA, PED-ANOVA and the forest under them, on functions whose answer is known.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <random>

#include "importance/fanova.hpp"
#include "importance/parameter_importance.hpp"
#include "importance/ped_anova.hpp"
#include "importance/regression_forest.hpp"
#include "nnlab/error.hpp"
#include "random_trials.hpp"
#include "test_support.hpp"

namespace nnlab {
namespace {

SearchParameter uniform(const std::string& name, double low, double high) {
  SearchParameter p;
  p.name = name;
  p.kind = SearchParameter::Kind::uniform;
  p.low = low;
  p.high = high;
  return p;
}

std::map<std::string, double> by_name(const ImportanceResult& result) {
  std::map<std::string, double> shares;
  for (const auto& p : result.parameters) shares[p.parameter] = p.importance;
  return shares;
}

double num(const std::map<std::string, std::string>& v, const std::string& name) {
  return std::stod(v.at(name));
}

// --- the forest -------------------------------------------------------------------------------

TEST(RegressionForest, LearnsAStepAndIsTheSameForTheSameSeed) {
  std::mt19937_64 rng(1);
  std::uniform_real_distribution<double> unit(0, 1);
  Eigen::MatrixXd x(200, 2);
  Eigen::VectorXd y(200);
  for (int i = 0; i < 200; ++i) {
    x(i, 0) = unit(rng);
    x(i, 1) = unit(rng);
    y[i] = x(i, 0) > 0.3 ? 2.0 : -1.0;
  }
  const RegressionForest a(x, y, {.trees = 16, .seed = 7});
  const RegressionForest b(x, y, {.trees = 16, .seed = 7});
  ASSERT_EQ(a.trees().size(), 16u);
  for (const double probe : {0.05, 0.2, 0.4, 0.9}) {
    Eigen::RowVectorXd point(2);
    point << probe, 0.5;
    EXPECT_NEAR(a.predict(point), probe > 0.3 ? 2.0 : -1.0, 0.2) << "x0 = " << probe;
    EXPECT_EQ(a.predict(point), b.predict(point));
  }
  // Every tree splits on x0 at its root: x1 explains nothing.
  for (const auto& tree : a.trees()) EXPECT_EQ(tree.nodes()[0].feature, 0);
}

TEST(RegressionForest, RefusesMismatchedSizes) {
  EXPECT_THROW(RegressionForest(Eigen::MatrixXd(3, 1), Eigen::VectorXd(2)), Error);
}

// --- fANOVA on hand-built trees: the decomposition is exact ------------------------------------

TEST(Fanova, AnAdditiveTreeDecomposesExactly) {
  // f(x0, x1) = (x0 <= 0.5 ? 0 : 2) + (x1 <= 0.25 ? 0 : 1) on [0, 1]²: main effects only, with
  // variances 1 (x0: ±1 on halves) and 3/16 (x1: 0 on a quarter, 1 on three quarters).
  std::vector<RegressionTreeNode> nodes(7);
  nodes[0] = {0, 0.5, 1, 2, 0};
  nodes[1] = {1, 0.25, 3, 4, 0};
  nodes[2] = {1, 0.25, 5, 6, 0};
  nodes[3].value = 0;
  nodes[4].value = 1;
  nodes[5].value = 2;
  nodes[6].value = 3;
  const FanovaTree tree(RegressionTree(nodes), {{0, 1}, {0, 1}});
  EXPECT_NEAR(tree.variance(), 1 + 3.0 / 16, 1e-12);
  EXPECT_NEAR(tree.marginal_variance({0}), 1, 1e-12);
  EXPECT_NEAR(tree.marginal_variance({1}), 3.0 / 16, 1e-12);
  // Both together are the whole function.
  EXPECT_NEAR(tree.marginal_variance({0, 1}), tree.variance(), 1e-12);
}

TEST(Fanova, APureInteractionHasNoMainEffect) {
  // XOR on [0, 1]²: each marginal is flat, all variance is in the interaction.
  std::vector<RegressionTreeNode> nodes(7);
  nodes[0] = {0, 0.5, 1, 2, 0};
  nodes[1] = {1, 0.5, 3, 4, 0};
  nodes[2] = {1, 0.5, 5, 6, 0};
  nodes[3].value = 0;
  nodes[4].value = 1;
  nodes[5].value = 1;
  nodes[6].value = 0;
  const FanovaTree tree(RegressionTree(nodes), {{0, 1}, {0, 1}});
  EXPECT_NEAR(tree.variance(), 0.25, 1e-12);
  EXPECT_NEAR(tree.marginal_variance({0}), 0, 1e-12);
  EXPECT_NEAR(tree.marginal_variance({1}), 0, 1e-12);
}

// --- fANOVA and PED-ANOVA on sampled trials ----------------------------------------------------

SearchSpace xyz() {
  SearchSpace space;
  space.parameters = {uniform("x", -1, 1), uniform("y", -1, 1), uniform("z", -1, 1)};
  return space;
}

double ten_x_squared_plus_y(const std::map<std::string, std::string>& v) {
  return 10 * num(v, "x") * num(v, "x") + num(v, "y");
}

TEST(Fanova, TenXSquaredPlusYRanksXFirstAndZNearZero) {
  // Var(10x²) = 100 · 4/45 ≈ 8.9 and Var(y) = 1/3 on [-1, 1]: x holds about 96 %.
  const auto trials = test::sample_trials(xyz(), 200, 1, ten_x_squared_plus_y);
  const auto result = parameter_importances(xyz(), trials, false, {}, "trials.csv");
  ASSERT_EQ(result.parameters.size(), 3u);
  EXPECT_EQ(result.parameters[0].parameter, "x");
  EXPECT_EQ(result.parameters[1].parameter, "y");
  const auto shares = by_name(result);
  EXPECT_GT(shares.at("x"), 0.85);
  EXPECT_GT(shares.at("y"), 0.01);
  EXPECT_LT(shares.at("z"), 0.02);
  EXPECT_NEAR(shares.at("x") + shares.at("y") + shares.at("z"), 1, 1e-12);
  EXPECT_EQ(result.parameters[0].trials, 200);
}

TEST(Fanova, TheSameSeedGivesTheSameImportancesAndAnotherSeedNearlyThem) {
  const auto trials = test::sample_trials(xyz(), 100, 2, ten_x_squared_plus_y);
  ImportanceOptions options;
  const auto a = by_name(parameter_importances(xyz(), trials, false, options, "t"));
  const auto b = by_name(parameter_importances(xyz(), trials, false, options, "t"));
  EXPECT_EQ(a, b);
  options.seed = 99;
  const auto c = by_name(parameter_importances(xyz(), trials, false, options, "t"));
  EXPECT_NE(a, c);
  EXPECT_NEAR(a.at("x"), c.at("x"), 0.05);
}

SearchSpace kind_x_units() {
  SearchSpace space;
  SearchParameter kind;
  kind.name = "kind";
  kind.kind = SearchParameter::Kind::categorical;
  kind.choices = {"a", "b", "c"};
  SearchParameter units;
  units.name = "units";
  units.kind = SearchParameter::Kind::integer;
  units.low = 1;
  units.high = 8;
  space.parameters = {uniform("x", 0, 1), kind, units};
  return space;
}

double offset(const std::map<std::string, std::string>& v) {
  const std::map<std::string, double> offsets = {{"a", 0}, {"b", 1}, {"c", 4}};
  return offsets.at(v.at("kind"));
}

TEST(Fanova, ACategoricalParameterIsJudgedOverAllItsChoices) {
  // Var(offset) = 26/9 against Var(0.5 x) = 1/48: the choice holds about 99 %.
  const auto trials = test::sample_trials(
      kind_x_units(), 150, 3, [](const auto& v) { return offset(v) + 0.5 * num(v, "x"); });
  const auto result = parameter_importances(kind_x_units(), trials, true, {}, "t");
  const auto shares = by_name(result);
  EXPECT_EQ(result.parameters[0].parameter, "kind");
  EXPECT_GT(shares.at("kind"), 0.9);
  EXPECT_LT(shares.at("units"), 0.02);
}

TEST(PedAnova, ACategoricalParameterIsJudgedOverAllItsChoices) {
  // Every top trial is a "c" (ties at the cut stay in): the choice's distribution among them is
  // all "c" against a third among all; x and units are spread there as everywhere.
  const auto trials =
      test::sample_trials(kind_x_units(), 150, 3, [](const auto& v) { return offset(v); });
  ImportanceOptions options;
  options.method = ImportanceMethod::ped_anova;
  const auto result = parameter_importances(kind_x_units(), trials, true, options, "t");
  const auto shares = by_name(result);
  EXPECT_EQ(result.parameters[0].parameter, "kind");
  EXPECT_GT(shares.at("kind"), 0.8);
  EXPECT_LT(shares.at("units"), 0.1);
}

TEST(Fanova, LogSpaceWeighsEveryDecadeAlike) {
  // f = log10(lr): in raw units the top decade is 90 % of [1e-4, 1e-0] and the function is nearly
  // flat there, so the raw measure (Optuna's) sees less of lr than the log measure does.
  SearchSpace space;
  SearchParameter lr;
  lr.name = "lr";
  lr.kind = SearchParameter::Kind::log_uniform;
  lr.low = 1e-4;
  lr.high = 1;
  space.parameters = {lr, uniform("y", 0, 1)};
  const auto trials = test::sample_trials(
      space, 200, 4, [](const auto& v) { return std::log10(num(v, "lr")) + num(v, "y"); });
  ImportanceOptions options;
  const double raw = by_name(parameter_importances(space, trials, true, options, "t")).at("lr");
  options.log_space = true;
  const double log = by_name(parameter_importances(space, trials, true, options, "t")).at("lr");
  // In log space Var(log10 lr) = 16/12 against Var(y) = 1/12: lr holds about 94 %.
  EXPECT_GT(log, 0.85);
  EXPECT_LT(raw, log);
}

TEST(PedAnova, TenXSquaredPlusYRanksXFirstAndZLow) {
  ImportanceOptions options;
  options.method = ImportanceMethod::ped_anova;
  // Minimized: the top 10 % have x near 0 (and y near -1); z is spread like all trials'.
  const auto trials = test::sample_trials(xyz(), 300, 5, ten_x_squared_plus_y);
  const auto result = parameter_importances(xyz(), trials, false, options, "t");
  const auto shares = by_name(result);
  EXPECT_EQ(result.parameters[0].parameter, "x");
  EXPECT_GT(shares.at("x"), 0.6);
  EXPECT_LT(shares.at("z"), 0.1);
  EXPECT_LT(shares.at("z"), shares.at("y"));
}

TEST(PedAnova, TooFewTrialsOrNoDifferenceGiveEqualShares) {
  PedAnovaParameter a;
  a.low = 0;
  a.high = 1;
  a.values = {0.1, 0.9};
  PedAnovaParameter b = a;
  const auto shares = ped_anova_importances({a, b}, {1.0, 2.0}, true);
  EXPECT_EQ(shares, (std::vector<double>{0.5, 0.5}));
  EXPECT_THROW(ped_anova_importances({a}, {1.0, 2.0}, true, {.quantile = 0}), Error);
}

TEST(PedAnova, AValueOutsideTheRangeCountsAtItsEnd) {
  // A trial from before the space was narrowed: far outside, it must neither crash nor move the
  // shares more than one trial at the end of the range would.
  PedAnovaParameter x;
  x.low = 0;
  x.high = 1;
  PedAnovaParameter y = x;
  std::vector<double> objectives;
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> unit(0, 1);
  for (int i = 0; i < 100; ++i) {
    x.values.push_back(unit(rng));
    y.values.push_back(unit(rng));
    objectives.push_back(x.values.back());
  }
  auto at_end = x;
  at_end.values[0] = 1;
  x.values[0] = 1e300;
  EXPECT_EQ(ped_anova_importances({x, y}, objectives, true),
            ped_anova_importances({at_end, y}, objectives, true));
}

TEST(PedAnova, DirectionMatters) {
  // f = x: maximizing puts the top trials at large x, minimizing at small x; either way x is
  // what matters, and y is not.
  SearchSpace space;
  space.parameters = {uniform("x", 0, 1), uniform("y", 0, 1)};
  const auto trials = test::sample_trials(space, 200, 6, [](const auto& v) { return num(v, "x"); });
  ImportanceOptions options;
  options.method = ImportanceMethod::ped_anova;
  for (const bool maximize : {true, false}) {
    const auto shares = by_name(parameter_importances(space, trials, maximize, options, "t"));
    EXPECT_GT(shares.at("x"), 0.8) << "maximize " << maximize;
  }
}

// --- what the trials hold: states, conditional parameters, too little data ---------------------

TEST(ParameterImportance, UsesCompleteTrialsOnlyAndJudgesConditionalOnesWhereActive) {
  SearchSpace space;
  SearchParameter kind;
  kind.name = "optimizer.kind";
  kind.kind = SearchParameter::Kind::categorical;
  kind.choices = {"sgd", "momentum"};
  SearchParameter momentum = uniform("optimizer.momentum", 0.5, 0.99);
  momentum.when = {{"optimizer.kind", {"momentum"}}};
  space.parameters = {uniform("lr", 0, 1), kind, momentum};
  auto trials = test::sample_trials(space, 120, 7, [](const auto& v) {
    const double m = v.at("optimizer.kind") == "momentum" ? 5 * num(v, "optimizer.momentum") : 0;
    return num(v, "lr") + m;
  });
  std::int64_t active = 0;
  for (auto& t : trials) {
    if (t.values[1] == "sgd") {
      t.values[2] = "";  // inactive, as the sweep writes it
    } else {
      ++active;
    }
  }
  trials[0].state = TrialState::failed;
  trials[0].objective.reset();
  trials[1].state = TrialState::pruned;
  const std::int64_t used_active =
      active - (trials[0].values[2].empty() ? 0 : 1) - (trials[1].values[2].empty() ? 0 : 1);
  const auto result = parameter_importances(space, trials, true, {}, "t");
  EXPECT_EQ(result.complete_trials, 118);
  ASSERT_EQ(result.parameters.size(), 3u);
  for (const auto& p : result.parameters) {
    if (p.parameter == "optimizer.momentum") {
      EXPECT_TRUE(p.conditional);
      EXPECT_EQ(p.trials, used_active);
      // Among the momentum trials, momentum (a range of 2.45) dwarfs lr (a range of 1).
      EXPECT_GT(p.importance, 0.6);
    } else {
      EXPECT_FALSE(p.conditional);
      EXPECT_EQ(p.trials, 118);
    }
  }
}

TEST(ParameterImportance, AConditionalParameterThatCannotBeJudgedIsNotedAndABadValueIsAnError) {
  SearchSpace space;
  SearchParameter kind;
  kind.name = "kind";
  kind.kind = SearchParameter::Kind::categorical;
  kind.choices = {"plain", "tuned"};
  SearchParameter knob = uniform("knob", 0, 1);
  knob.when = {{"kind", {"tuned"}}};
  space.parameters = {uniform("x", 0, 1), kind, knob};
  // Every "tuned" trial scores 1 whatever x and knob are; "plain" ones score x.
  auto trials = test::sample_trials(
      space, 60, 10, [](const auto& v) { return v.at("kind") == "tuned" ? 1.0 : num(v, "x"); });
  for (auto& t : trials) {
    if (t.values[1] == "plain") t.values[2] = "";
  }
  const auto result = parameter_importances(space, trials, true, {}, "r/trials.csv");
  ASSERT_EQ(result.not_assessed.size(), 1u);
  EXPECT_EQ(result.not_assessed[0].rfind("knob: r/trials.csv: fANOVA: ", 0), 0u)
      << result.not_assessed[0];
  EXPECT_EQ(result.parameters.size(), 2u) << "x and kind are still judged";

  for (auto& t : trials) {
    if (!t.values[2].empty()) {
      t.values[2] = "high";
      break;
    }
  }
  EXPECT_NE(test::error_of([&] {
              parameter_importances(space, trials, true, {}, "r/trials.csv");
            }).find("parameter 'knob': expected a number, got 'high'"),
            std::string::npos);
}

TEST(ParameterImportance, TooFewTrialsOrNothingToJudgeIsAnErrorNamingTheFile) {
  const auto trials = test::sample_trials(xyz(), 3, 8, ten_x_squared_plus_y);
  std::vector<TrialRecord> one = {trials[0]};
  EXPECT_EQ(test::error_of([&] { parameter_importances(xyz(), one, true, {}, "r/trials.csv"); }),
            "r/trials.csv: 1 complete trial(s) with a finite objective; parameter importance "
            "needs at least 2");
  EXPECT_NE(test::error_of([&] {
              parameter_importances({}, trials, true, {}, "r/trials.csv");
            }).find("r/trials.csv: the search space has no parameters"),
            std::string::npos);
  auto bad = trials;
  bad[1].values[0] = "1.5e";
  EXPECT_NE(test::error_of([&] {
              parameter_importances(xyz(), bad, true, {}, "r/trials.csv");
            }).find("r/trials.csv: trial 1: parameter 'x': expected a number, got '1.5e'"),
            std::string::npos);
}

TEST(ParameterImportance, FanovaOnAThousandTrialsTakesSecondsNotMinutes) {
  // Optuna's own note: over a minute for 1000+ trials in Python. The time is printed for the
  // record; the bound only catches an accidental blow-up.
  const auto trials = test::sample_trials(xyz(), 1000, 9, ten_x_squared_plus_y);
  const auto start = std::chrono::steady_clock::now();
  const auto result = parameter_importances(xyz(), trials, false, {}, "t");
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("fANOVA, 1000 trials x 3 parameters, 64 trees: %.3f s\n", seconds);
  EXPECT_EQ(result.parameters[0].parameter, "x");
  EXPECT_LT(seconds, 20);
}

}  // namespace
}  // namespace nnlab
