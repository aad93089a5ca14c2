// The results files: each module's writer and reader agree, and a corrupt row is one error naming
// the file, the line and the column.
#include <gtest/gtest.h>

#include <cmath>

#include "results/curves_file.hpp"
#include "results/paths_file.hpp"
#include "results/probe_files.hpp"
#include "results/steps_file.hpp"
#include "results/trials_file.hpp"
#include "test_support.hpp"

namespace nnlab {
namespace {

EvalPoint point(std::int64_t epoch, double acc, double loss) {
  EvalPoint p;
  p.epoch = epoch;
  p.metrics = {{Metric{Split::train, Measure::accuracy}, acc},
               {Metric{Split::val, Measure::loss}, loss}};
  return p;
}

TEST(ResultsFiles, CurvesReadBackAsWritten) {
  test::TempDir dir;
  {
    CurvesWriter writer(dir.file("curves.csv"));
    writer.write(0, point(0, 0.25, 2.5));
    writer.write(3, std::vector<EvalPoint>{point(1, 0.5, 1.25), point(2, 0.75, std::nan(""))});
  }
  const Curves curves = read_curves(dir.file("curves.csv"));
  ASSERT_EQ(curves.size(), 2u);
  const auto& trial3 = curves.at(3);
  const auto& acc = trial3.at(Metric{Split::train, Measure::accuracy});
  ASSERT_EQ(acc.size(), 2u);
  EXPECT_EQ(acc[1], (std::pair<double, double>{2, 0.75}));
  EXPECT_TRUE(std::isnan(trial3.at(Metric{Split::val, Measure::loss})[1].second))
      << "a diverged value reads back as nan";
}

TEST(ResultsFiles, ABadNumberInCurvesNamesFileLineAndColumn) {
  test::TempDir dir;
  const auto path =
      dir.write("curves.csv", "trial,epoch,metric,value\n0,0,train_acc,0.5\n0,1,train_acc,0.5x\n");
  EXPECT_EQ(test::error_of([&] { read_curves(path); }),
            path + ":3: column 'value': expected a number, got '0.5x'");
  const auto metric = dir.write("m.csv", "trial,epoch,metric,value\n0,0,train_accuracy,0.5\n");
  EXPECT_EQ(
      test::error_of([&] { read_curves(metric); }),
      metric + ":2: column 'metric': expected a metric such as val_acc, got 'train_accuracy'");
  const auto fields = dir.write("f.csv", "trial,epoch,metric,value\n0,0,train_acc\n");
  EXPECT_EQ(test::error_of([&] { read_curves(fields); }), fields + ":2: expected 4 fields, got 3");
}

TEST(ResultsFiles, ACutShortLastLineIsARowStillBeingWritten) {
  test::TempDir dir;
  const auto path = dir.write("curves.csv", "trial,epoch,metric,value\n0,0,train_acc,0.5\n0,1,tr");
  EXPECT_EQ(read_curves(path).at(0).begin()->second.size(), 1u);
}

TEST(ResultsFiles, TrialsRoundTripWithTypedStates) {
  test::TempDir dir;
  TrialRecord r;
  r.trial = 4;
  r.state = TrialState::pruned;
  r.seed = 123456789012345ULL;
  r.values = {"0.01", "a, \"quoted\" value"};
  r.objective = 0.625;
  r.best_epoch = 2;
  r.last_epoch = 3;
  r.updates = 99;
  r.config_hash = "00ff";
  {
    TrialsWriter writer(dir.file("trials.csv"), {"optimizer.lr", "note"});
    writer.append(r);
    r.trial = 5;
    r.state = TrialState::failed;
    r.fail_reason = "exception: bad, very bad";
    r.objective.reset();
    writer.append(r);
  }
  const auto rows = read_trials(dir.file("trials.csv"), {"optimizer.lr", "note"});
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].state, TrialState::pruned);
  EXPECT_EQ(rows[0].values[1], "a, \"quoted\" value");
  EXPECT_EQ(rows[0].seed, 123456789012345ULL);
  EXPECT_EQ(rows[0].objective, 0.625);
  EXPECT_EQ(rows[1].state, TrialState::failed);
  EXPECT_EQ(rows[1].fail_reason, "exception: bad, very bad");
  EXPECT_FALSE(rows[1].objective);
  EXPECT_EQ(rows[1].updates, 99);
}

TEST(ResultsFiles, MultiObjectiveTrialsRoundTripWithTheirColumnsAndFlags) {
  test::TempDir dir;
  const std::vector<std::string> objectives = {"val_acc", "params"};
  TrialRecord r;
  r.trial = 2;
  r.values = {"0.01"};
  r.objectives = {0.75, 1200};
  r.pareto = true;
  r.best_epoch = 1;
  r.last_epoch = 4;
  r.updates = 40;
  {
    TrialsWriter writer(dir.file("trials.csv"), {"lr"}, objectives);
    writer.append(r);
    r.trial = 3;
    r.state = TrialState::failed;
    r.fail_reason = "nan";
    r.objectives.clear();
    r.pareto = false;
    writer.append(r);
  }
  const std::string text = test::slurp(dir.file("trials.csv"));
  EXPECT_TRUE(
      text.starts_with("trial,state,fail_reason,seed,lr,objective_val_acc,objective_params,"
                       "pareto,best_epoch,last_epoch,updates,"))
      << text;
  auto rows = read_trials(dir.file("trials.csv"), {"lr"}, false, objectives);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].objectives, (std::vector<double>{0.75, 1200}));
  EXPECT_TRUE(rows[0].pareto);
  EXPECT_EQ(rows[0].best_epoch, 1);
  EXPECT_EQ(rows[0].updates, 40);
  EXPECT_TRUE(rows[1].objectives.empty());
  EXPECT_FALSE(rows[1].pareto);
  use_objective(rows, 1);
  EXPECT_EQ(rows[0].objective, 1200);
  EXPECT_FALSE(rows[1].objective);
  // A single-objective reader refuses the file (its columns differ), and a bad flag is named.
  EXPECT_NE(test::error_of([&] { read_trials(dir.file("trials.csv"), {"lr"}); }).find("columns"),
            std::string::npos);
  const std::string header =
      "trial,state,fail_reason,seed,lr,objective_val_acc,objective_params,pareto,best_epoch,"
      "last_epoch,updates,duration_s,started_at,finished_at,threads,config_hash\n";
  const auto flag =
      dir.write("f.csv", header + "0,COMPLETE,,1,0.5,0.9,10,yes,1,2,10,0.1,s,f,1,h\n");
  EXPECT_EQ(test::error_of([&] { read_trials(flag, {"lr"}, false, objectives); }),
            flag + ":2: column 'pareto': expected true or false, got 'yes'");
  const auto half =
      dir.write("h.csv", header + "0,COMPLETE,,1,0.5,0.9,,false,1,2,10,0.1,s,f,1,h\n");
  EXPECT_NE(test::error_of([&] {
              read_trials(half, {"lr"}, false, objectives);
            }).find("column 'objective_val_acc': expected a value in every objective column"),
            std::string::npos);
}

TEST(ResultsFiles, MarkParetoFlagsTheCompleteTrialsNoOtherDominates) {
  std::vector<TrialRecord> rows(5);
  const std::vector<std::vector<double>> values = {
      {0.9, 500}, {0.8, 100}, {0.7, 300}, {0.9, 500}, {0.95, 900}};
  for (std::size_t i = 0; i < rows.size(); ++i) {
    rows[i].trial = static_cast<std::int64_t>(i);
    rows[i].objectives = values[i];
  }
  rows[4].state = TrialState::failed;  // would dominate nothing anyway; it never counts
  const std::vector<Direction> directions = {Direction::maximize, Direction::minimize};
  EXPECT_TRUE(mark_pareto(rows, directions));
  std::vector<bool> flags;
  for (const auto& r : rows) flags.push_back(r.pareto);
  // (0.7, 300) is dominated by (0.8, 100); the equal pair (0.9, 500) both stay.
  EXPECT_EQ(flags, (std::vector<bool>{true, true, false, true, false}));
  EXPECT_FALSE(mark_pareto(rows, directions));
}

TEST(ResultsFiles, ABadTrialsRowNamesFileLineAndColumn) {
  test::TempDir dir;
  const std::string header =
      "trial,state,fail_reason,seed,x,objective,best_epoch,last_epoch,updates,duration_s,"
      "started_at,finished_at,threads,config_hash\n";
  const auto state = dir.write("a.csv", header + "0,DONE,,1,0.5,0.9,1,2,10,0.1,s,f,1,h\n");
  EXPECT_EQ(test::error_of([&] { read_trials(state, {"x"}); }),
            state + ":2: column 'state': expected COMPLETE, PRUNED or FAIL, got 'DONE'");
  const auto updates = dir.write("b.csv", header + "0,COMPLETE,,1,0.5,0.9,1,2,ten,0.1,s,f,1,h\n");
  EXPECT_EQ(test::error_of([&] { read_trials(updates, {"x"}); }),
            updates + ":2: column 'updates': expected an integer, got 'ten'");
  const auto columns = dir.write("c.csv", header);
  EXPECT_NE(test::error_of([&] { read_trials(columns, {"y"}); }).find(columns + ":1: not this"),
            std::string::npos);
}

TEST(ResultsFiles, StepsProbeAndPathsReadBackAsWritten) {
  test::TempDir dir;
  {
    StepsWriter steps(dir.file("steps.csv"));
    steps.write(1, {{10, 0.5}, {20, 0.25}});
  }
  EXPECT_EQ(read_steps(dir.file("steps.csv")).at(1), (StepLosses{{10, 0.5}, {20, 0.25}}));
  EXPECT_TRUE(read_steps(dir.file("none.csv")).empty()) << "no steps logged: no file";

  NodeActivations node;
  node.node = "relu1";
  node.mean = 0.5;
  node.std = 0.25;
  node.p50 = 0.375;
  node.in_range = 0.75;
  node.low = 0;
  node.high = 1;
  node.counts = {3, 1};
  write_histograms(dir.file("histograms.csv"), {node});
  const auto histograms = read_histograms(dir.file("histograms.csv"));
  ASSERT_EQ(histograms.size(), 1u);
  EXPECT_EQ(histograms[0].counts, node.counts);
  EXPECT_EQ(histograms[0].high, 1);
  {
    ProbeWriter probes(dir.file("probe.csv"));
    probes.write(2, {0, {node}});
    node.in_range.reset();
    probes.write(2, std::vector<ProbeRecord>{{100, {node}}});
  }
  const auto stats = read_probe_stats(dir.file("probe.csv"));
  ASSERT_EQ(stats.size(), 8u + 7u) << "in_range only where a range was counted";
  EXPECT_EQ(stats[1].stat, "p50");
  EXPECT_EQ(stats[1].value, 0.375);
  EXPECT_EQ(stats[7].stat, "in_range");
  EXPECT_EQ(stats[7].value, 0.75);
  EXPECT_EQ(stats[8].update, 100);
  EXPECT_EQ(stats[8].trial, 2);

  write_paths(dir.file("paths.csv"),
              {{"sgd lr=0.95", {{0, 1.5, {0.5, -0.25}}, {1, 1.0, {0.25, 0}}}},
               {"adam", {{0, 1.5, {0.5, -0.25}}}}});
  const auto paths = read_paths(dir.file("paths.csv"));
  ASSERT_EQ(paths.size(), 2u);
  EXPECT_EQ(paths[0].label, "sgd lr=0.95");
  EXPECT_EQ(paths[0].points[1].x, (std::vector<double>{0.25, 0}));
  const auto bad = dir.write("bad.csv", "path,optimizer,step,value,x1\n0,\"sgd\",0,1.5,oops\n");
  EXPECT_EQ(test::error_of([&] { read_paths(bad); }),
            bad + ":2: column 'x1': expected a number, got 'oops'");
}

}  // namespace
}  // namespace nnlab
