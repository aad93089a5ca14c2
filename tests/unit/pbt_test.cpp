// Population-based training's rules in isolation (pbt.hpp): the quantiles, exploit and explore
// (perturbation, resampling, clipping, neighbours) against what Ray Tune's
// PopulationBasedTraining does, and the search block's checks.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "experiment.hpp"
#include "nnlab/params.hpp"
#include "nnlab/text.hpp"
#include "pbt.hpp"
#include "pbt_member.hpp"
#include "pbt_replay.hpp"
#include "results/pbt_schedule_file.hpp"
#include "test_support.hpp"

namespace nnlab {
namespace {

SearchParameter continuous(const std::string& name, SearchParameter::Kind kind, double low,
                           double high, double step = 0) {
  SearchParameter p;
  p.name = name;
  p.kind = kind;
  p.low = low;
  p.high = high;
  p.step = step;
  return p;
}

SearchParameter categorical(const std::string& name, std::vector<std::string> choices) {
  SearchParameter p;
  p.name = name;
  p.kind = SearchParameter::Kind::categorical;
  p.choices = std::move(choices);
  return p;
}

PbtSettings settings(double resample) {
  PbtSettings s;
  s.population = 8;
  s.perturbation_interval = 1;
  s.resample_probability = resample;
  return s;
}

double number(const std::string& text) { return *parse_number(text); }

TEST(PbtQuantiles, BottomAndTopAreTheWorstAndBestCeilOfTheFractionFailedMembersInNeither) {
  const std::vector<std::optional<double>> objectives = {0.5,          0.9, 0.1, 0.7,
                                                         std::nullopt, 0.3, 0.8, 0.2};
  // 7 ranked members: ceil(7 * 0.25) = 2 in each quantile.
  PbtQuantiles q = pbt_quantiles(objectives, true, 0.25);
  EXPECT_EQ(q.bottom, (std::vector<std::size_t>{2, 7}));
  EXPECT_EQ(q.top, (std::vector<std::size_t>{6, 1}));
  q = pbt_quantiles(objectives, false, 0.25);  // minimizing: the largest are the worst
  EXPECT_EQ(q.bottom, (std::vector<std::size_t>{1, 6}));
  EXPECT_EQ(q.top, (std::vector<std::size_t>{7, 2}));
  // ceil(7 * 0.5) = 4 > 7 / 2: floor(7 / 2) = 3, so the quantiles never overlap.
  q = pbt_quantiles(objectives, true, 0.5);
  EXPECT_EQ(q.bottom.size(), 3u);
  EXPECT_EQ(q.top.size(), 3u);
  for (std::size_t b : q.bottom) EXPECT_EQ(std::count(q.top.begin(), q.top.end(), b), 0);
  // Ties: the lower member number ranks as the worse (Python's stable sort).
  q = pbt_quantiles({0.5, 0.5, 0.5, 0.5}, true, 0.25);
  EXPECT_EQ(q.bottom, (std::vector<std::size_t>{0}));
  EXPECT_EQ(q.top, (std::vector<std::size_t>{3}));
  // Fewer than two ranked members: nobody is exploited.
  q = pbt_quantiles({0.5, std::nullopt, std::nullopt}, true, 0.25);
  EXPECT_TRUE(q.bottom.empty());
  EXPECT_TRUE(q.top.empty());
}

TEST(PbtExplore, ContinuousValuesAreMultipliedByAFactorDrawnUniformlyAndClippedToTheBounds) {
  SearchSpace space;
  space.parameters = {continuous("lr", SearchParameter::Kind::log_uniform, 1e-6, 1e-2)};
  Rng rng(7);
  int down = 0, up = 0;
  const int draws = 4000;
  for (int i = 0; i < draws; ++i) {
    const double v = number(pbt_explore(space, {{"lr", "0.005"}}, settings(0), rng).at("lr"));
    if (std::fabs(v - 0.004) < 1e-12) ++down;
    if (std::fabs(v - 0.006) < 1e-12) ++up;
  }
  EXPECT_EQ(down + up, draws);
  EXPECT_NEAR(down / static_cast<double>(draws), 0.5, 0.04);
  // At the upper bound, 1.2 clips to it.
  std::set<std::string> at_top;
  for (int i = 0; i < 200; ++i)
    at_top.insert(pbt_explore(space, {{"lr", "0.01"}}, settings(0), rng).at("lr"));
  std::set<double> values;
  for (const auto& t : at_top) values.insert(number(t));
  EXPECT_EQ(values, (std::set<double>{0.008, 0.01}));
  // A stepped range stays on its grid: 0.5 * 1.2 = 0.6, 0.5 * 0.8 = 0.4.
  space.parameters = {continuous("ratio", SearchParameter::Kind::uniform, 0, 0.9, 0.1)};
  values.clear();
  for (int i = 0; i < 200; ++i)
    values.insert(number(pbt_explore(space, {{"ratio", "0.5"}}, settings(0), rng).at("ratio")));
  ASSERT_EQ(values.size(), 2u);
  EXPECT_NEAR(*values.begin(), 0.4, 1e-12);
  EXPECT_NEAR(*values.rbegin(), 0.6, 1e-12);
}

TEST(PbtExplore, CategoricalAndIntegerValuesMoveToANeighbourClippedAtTheEnds) {
  SearchSpace space;
  space.parameters = {categorical("act", {"a", "b", "c", "d"}),
                      continuous("units", SearchParameter::Kind::integer, 1, 5, 1)};
  Rng rng(11);
  std::set<std::string> from_b, from_a, from_5, from_3;
  for (int i = 0; i < 400; ++i) {
    from_b.insert(pbt_explore(space, {{"act", "b"}, {"units", "5"}}, settings(0), rng).at("act"));
    const Assignment a = pbt_explore(space, {{"act", "a"}, {"units", "3"}}, settings(0), rng);
    from_a.insert(a.at("act"));
    from_3.insert(a.at("units"));
    from_5.insert(pbt_explore(space, {{"act", "b"}, {"units", "5"}}, settings(0), rng).at("units"));
  }
  EXPECT_EQ(from_b, (std::set<std::string>{"a", "c"}));
  EXPECT_EQ(from_a, (std::set<std::string>{"a", "b"}));
  EXPECT_EQ(from_3, (std::set<std::string>{"2", "4"}));
  EXPECT_EQ(from_5, (std::set<std::string>{"4", "5"}));
  // A value that is not a choice (the space changed) is drawn anew.
  EXPECT_NE(pbt_explore(space, {{"act", "z"}, {"units", "3"}}, settings(0), rng).at("act"), "z");
}

TEST(PbtExplore, EachValueIsResampledFromTheSpaceWithTheResampleProbability) {
  SearchSpace space;
  space.parameters = {continuous("x", SearchParameter::Kind::uniform, 0, 100),
                      continuous("lr", SearchParameter::Kind::log_uniform, 1e-6, 1e-2)};
  Rng rng(3);
  const int draws = 4000;
  int resampled = 0, below_geometric_mean = 0, log_resampled = 0;
  for (int i = 0; i < draws; ++i) {
    const Assignment a = pbt_explore(space, {{"x", "50"}, {"lr", "0.001"}}, settings(0.25), rng);
    const double x = number(a.at("x"));
    ASSERT_GE(x, 0);
    ASSERT_LE(x, 100);
    resampled += x != 40 && x != 60;  // a perturbation gives exactly 40 or 60
    const double lr = number(a.at("lr"));
    ASSERT_GE(lr, 1e-6);
    ASSERT_LE(lr, 1e-2);
    if (std::fabs(lr - 0.0012) > 1e-12 && std::fabs(lr - 0.0008) > 1e-12) {
      ++log_resampled;
      below_geometric_mean += lr < 1e-4;
    }
  }
  EXPECT_NEAR(resampled / static_cast<double>(draws), 0.25, 0.03);
  // log_uniform draws are uniform in the logarithm: half below the geometric mean 1e-4.
  EXPECT_NEAR(below_geometric_mean / static_cast<double>(log_resampled), 0.5, 0.06);
}

TEST(PbtExploitExplore, TheBottomTakesATopMembersModelAndExploresItsHyperparametersOthersStay) {
  SearchSpace space;
  space.parameters = {continuous("lr", SearchParameter::Kind::log_uniform, 1e-6, 1.0)};
  std::vector<Assignment> current;
  for (int k = 0; k < 8; ++k) current.push_back({{"lr", format_value(0.01 * (k + 1))}});
  const std::vector<std::optional<double>> objectives = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8};
  Rng rng(5), same(5);
  const PbtDecision d = pbt_exploit_explore(space, settings(0), objectives, current, true, rng);
  const PbtDecision again =
      pbt_exploit_explore(space, settings(0), objectives, current, true, same);
  EXPECT_EQ(d.source, again.source);
  EXPECT_EQ(d.next, again.next);
  for (std::size_t k = 0; k < 8; ++k) {
    if (k < 2) {  // ceil(8 * 0.25) = 2 worst: members 0 and 1
      EXPECT_TRUE(d.source[k] == 6 || d.source[k] == 7) << k;
      const double source_lr = number(current[d.source[k]].at("lr"));
      const double lr = number(d.next[k].at("lr"));
      EXPECT_TRUE(std::fabs(lr - source_lr * 1.2) < 1e-12 ||
                  std::fabs(lr - source_lr * 0.8) < 1e-12)
          << lr << " from " << source_lr;
    } else {
      EXPECT_EQ(d.source[k], k);
      EXPECT_EQ(d.next[k], current[k]);
    }
  }
}

TEST(PbtLineage, WalksBackThroughTheMembersWhoseModelsItContinues) {
  // Member 1 copied member 0 at the first boundary (epoch 2); member 0 copied member 1's
  // (original) model at none; at the second boundary (epoch 4) nobody copied.
  std::vector<PbtScheduleRow> rows = {
      {0, 0, 0, 0, std::nullopt, 100, {{"lr", "0.1"}}},
      {1, 0, 0, 1, std::nullopt, 200, {{"lr", "0.2"}}},
      {0, 1, 2, 0, 0.9, 100, {{"lr", "0.1"}}},
      {1, 1, 2, 0, 0.1, 100, {{"lr", "0.12"}}},
      {0, 2, 4, 0, 0.9, 100, {{"lr", "0.1"}}},
      {1, 2, 4, 1, 0.95, 100, {{"lr", "0.12"}}},
      {0, 3, 6, 0, 0.9, 100, {{"lr", "0.1"}}},
      {1, 3, 6, 1, 0.97, 100, {{"lr", "0.12"}}},
  };
  const auto lineage = pbt_lineage(rows, 1, "s.csv");
  ASSERT_EQ(lineage.size(), 3u);
  EXPECT_EQ(lineage[0].member, 0);
  EXPECT_EQ(lineage[0].seed, 100u);
  EXPECT_EQ(lineage[0].assignment.at("lr"), "0.1");
  EXPECT_EQ(lineage[0].until, 2);
  EXPECT_EQ(lineage[1].member, 1);
  EXPECT_EQ(lineage[1].assignment.at("lr"), "0.12");
  EXPECT_EQ(lineage[1].until, 4);
  EXPECT_EQ(lineage[2].until, 0);  // to the schedule's end
  EXPECT_EQ(test::error_of([&] { pbt_lineage(rows, 2, "s.csv"); }),
            "s.csv: member 2 has no row at the sweep's end (interval 3): it is not a member, or "
            "it failed");
}

/// The evaluations of `spec` trained in intervals that end at `pauses` (state handed from one
/// trainer to the next, as PBT does), or in one go when there are none.
std::vector<EvalPoint> trained_in_intervals(const std::vector<std::string>& overrides,
                                            const std::vector<std::int64_t>& pauses) {
  const auto spec = parse_experiment(
      test::synthetic_experiment("t", "regularizers: [{kind: l2, lambda: 1.0e-3}]\n"), "t.yaml",
      overrides);
  const PreparedData data = prepare_data(spec.data, test::builtin_host(), spec.seed);
  std::vector<EvalPoint> points;
  std::string state;
  std::vector<std::int64_t> ends = pauses;
  ends.push_back(0);
  for (std::size_t i = 0; i < ends.size(); ++i) {
    const TrainSummary s =
        train_member_interval(spec, data, test::builtin_host(), state, ends[i],
                              [&](const EvalPoint& p) { points.push_back(p); }, {});
    EXPECT_EQ(s.paused, ends[i] != 0) << i;
  }
  return points;
}

void expect_same_points(const std::vector<EvalPoint>& a, const std::vector<EvalPoint>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].epoch, b[i].epoch);
    EXPECT_EQ(a[i].iteration, b[i].iteration);
    ASSERT_EQ(a[i].metrics.size(), b[i].metrics.size());
    for (std::size_t m = 0; m < a[i].metrics.size(); ++m)
      EXPECT_EQ(a[i].metrics[m].second, b[i].metrics[m].second) << i << " " << m;  // bit for bit
  }
}

TEST(PbtMemberInterval, TrainingInPausedIntervalsIsBitIdenticalToOneRunInEitherSchedule) {
  // Adam (moments, step count) and the minibatch engine and row order: state the handover must
  // carry (the e2e test adds dropout's engine).
  const std::vector<std::string> stateful = {"optimizer.kind=adam", "optimizer.lr=0.01",
                                             "train.epochs=7"};
  std::vector<std::string> shuffled = stateful;
  shuffled.push_back("train.sampling=shuffle");
  for (const auto& overrides : {stateful, shuffled}) {
    const auto whole = trained_in_intervals(overrides, {});
    ASSERT_EQ(whole.size(), 7u);
    expect_same_points(trained_in_intervals(overrides, {2, 4}), whole);
    expect_same_points(trained_in_intervals(overrides, {1, 2, 3, 5}), whole);
  }
  // A learning rate changed at the boundary (epoch 3) takes effect after it, and only after it.
  const auto slow = trained_in_intervals(stateful, {});
  std::vector<std::string> faster = stateful;
  faster.push_back("optimizer.lr=0.05");
  const auto spec = parse_experiment(
      test::synthetic_experiment("t", "regularizers: [{kind: l2, lambda: 1.0e-3}]\n"), "t.yaml",
      stateful);
  const auto fast_spec = parse_experiment(
      test::synthetic_experiment("t", "regularizers: [{kind: l2, lambda: 1.0e-3}]\n"), "t.yaml",
      faster);
  const PreparedData data = prepare_data(spec.data, test::builtin_host(), spec.seed);
  std::vector<EvalPoint> switched;
  std::string state;
  const auto keep = [&](const EvalPoint& p) { switched.push_back(p); };
  train_member_interval(spec, data, test::builtin_host(), state, 3, keep, {});
  train_member_interval(fast_spec, data, test::builtin_host(), state, 0, keep, {});
  ASSERT_EQ(switched.size(), slow.size());
  expect_same_points({switched.begin(), switched.begin() + 4}, {slow.begin(), slow.begin() + 4});
  EXPECT_NE(switched[4].metrics.back().second, slow[4].metrics.back().second);  // train loss
}

TEST(PbtMemberInterval, StateMovesBetweenHyperparametersButNeverBetweenGraphs) {
  const auto spec_with = [](const std::vector<std::string>& overrides) {
    return parse_experiment(test::synthetic_experiment("t"), "t.yaml", overrides);
  };
  const auto spec = spec_with({"train.epochs=4"});
  const PreparedData data = prepare_data(spec.data, test::builtin_host(), spec.seed);
  std::string state;
  train_member_interval(spec, data, test::builtin_host(), state, 2, {}, {});
  ASSERT_FALSE(state.empty());
  // Another learning rate: the experiment's hash differs, the layout does not (exploit's case).
  const auto other_lr = spec_with({"train.epochs=4", "optimizer.lr=0.3"});
  Trainer same_graph(other_lr, data, test::builtin_host());
  EXPECT_EQ(same_graph.restore(state, "member 1").epoch, 2);
  // Other units: the layout differs, and nothing is loaded.
  const auto wider = spec_with({"train.epochs=4", "model.layers[0].body[0].units=32"});
  Trainer other_graph(wider, data, test::builtin_host());
  const std::string e = test::error_of([&] { other_graph.restore(state, "member 1"); });
  EXPECT_EQ(e.rfind("member 1: '", 0), 0u) << e;
  EXPECT_NE(e.find("this run's is F32 of"), std::string::npos) << e;
}

std::string pbt_yaml(const std::string& search) {
  return test::synthetic_experiment("p") + "search:\n  kind: pbt\n" + search +
         "  objective: {metric: test_acc, mode: max}\n"
         "  space:\n"
         "    optimizer.lr: {distribution: log_uniform, min: 0.01, max: 0.5}\n";
}

std::string settings_error(const std::string& search) {
  return test::error_of(
      [&] { pbt_settings(*parse_experiment(pbt_yaml(search), "p.yaml").search); });
}

TEST(PbtSettingsTest, BadKeysAndValuesAreOneErrorAtTheirLine) {
  const PbtSettings s = pbt_settings(
      *parse_experiment(pbt_yaml("  population: 4\n  perturbation_interval: 2\n"), "p.yaml")
           .search);
  EXPECT_EQ(s.population, 4);
  EXPECT_EQ(s.perturbation_interval, 2);
  EXPECT_EQ(s.quantile_fraction, 0.25);
  EXPECT_EQ(s.resample_probability, 0.25);
  EXPECT_EQ(s.perturbation_factors, (std::vector<double>{1.2, 0.8}));
  EXPECT_NE(settings_error("  population: 1\n  perturbation_interval: 2\n")
                .find("p.yaml:14:15: search.population: expected at least 2 members"),
            std::string::npos)
      << settings_error("  population: 1\n  perturbation_interval: 2\n");
  for (const char* fraction : {"0", "0.6", "-0.1"}) {
    const std::string e = settings_error(std::string("  population: 4\n  perturbation_interval: 2\n"
                                                     "  quantile_fraction: ") +
                                         fraction + "\n");
    EXPECT_NE(e.find("p.yaml:16:22: search.quantile_fraction: expected a fraction in (0, 0.5]"),
              std::string::npos)
        << e;
  }
  const std::string unknown =
      settings_error("  population: 4\n  perturbation_interval: 2\n  populaton: 3\n");
  EXPECT_NE(unknown.find("search.populaton: unknown key 'populaton' for pbt search"),
            std::string::npos)
      << unknown;
  EXPECT_NE(unknown.find("did you mean 'population'"), std::string::npos) << unknown;
  EXPECT_NE(settings_error("  population: 4\n").find("search.perturbation_interval"),
            std::string::npos);
  EXPECT_NE(settings_error("  population: 4\n  perturbation_interval: 2\n  trials: 10\n")
                .find("search.trials: pbt trains search.population members"),
            std::string::npos);
  EXPECT_NE(settings_error("  population: 4\n  perturbation_interval: 2\n  seeds: common\n")
                .find("search.seeds: pbt's members start from their own seeds"),
            std::string::npos);
  EXPECT_NE(settings_error("  population: 4\n  perturbation_interval: 2\n"
                           "  perturbation_factors: [1.2, -1]\n")
                .find("search.perturbation_factors: expected positive numbers, got '-1'"),
            std::string::npos);
}

}  // namespace
}  // namespace nnlab
