// Multi-objective sweeps end to end: `search.objectives:`, nsga2 and random, trials.csv's objective
// columns and pareto flags, the pareto/ folder of runnable trials, resume, determinism, `nnlab
// trials`, and the strategies that refuse more than one objective.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

#include "cli.hpp"
#include "nnlab/pareto.hpp"
#include "pareto_plot.hpp"
#include "report.hpp"
#include "results/trials_file.hpp"
#include "runner.hpp"
#include "sweep.hpp"
#include "test_support.hpp"

namespace nnlab {
namespace {

namespace fs = std::filesystem;

/// val_acc up, params down: the units searched make the trade-off (the acceptance case).
std::string multi_yaml(const std::string& kind, int trials, const std::string& extra = "") {
  return "name: mo\n"
         "seed: 3\n"
         "data: {kind: synthetic, classes: 3, features: 8, train: 120, test: 60, val_size: 30}\n"
         "model:\n"
         "  layers:\n"
         "    - repeat: 2\n"
         "      body: [{kind: dense, units: 16}, {kind: relu}]\n"
         "    - {kind: dense, units: 3}\n"
         "  loss: {kind: softmax_cross_entropy}\n"
         "optimizer: {kind: sgd, lr: 0.1}\n"
         "train: {epochs: 3, batch_size: 20, eval: [train, val]}\n"
         "search:\n"
         "  kind: " +
         kind +
         "\n"
         "  trials: " +
         std::to_string(trials) +
         "\n"
         "  objectives:\n"
         "    - {metric: val_acc, mode: max}\n"
         "    - {metric: params, mode: min}\n"
         "  space:\n"
         "    optimizer.lr: {distribution: log_uniform, min: 1.0e-3, max: 0.5}\n"
         "    model.layers[0].body[0].units: {distribution: int, min: 1, max: 32}\n" +
         extra;
}

const std::vector<std::string> kParameters = {"optimizer.lr", "model.layers[0].body[0].units"};
const std::vector<std::string> kObjectives = {"val_acc", "params"};

SweepSummary sweep(const std::string& yaml, const std::string& out,
                   const std::vector<std::string>& overrides = {}, bool resume = false) {
  SweepOptions options;
  options.out_dir = out;
  options.resume = resume;
  return run_sweep(parse_experiment(yaml, "mo.yaml", overrides), test::builtin_host(), options);
}

std::vector<TrialRecord> trials_of(const std::string& out) {
  return read_trials(out + "/trials.csv", kParameters, false, kObjectives);
}

/// The trial numbers pareto/ holds a file of: YAMLs, and models beside them (keep_models: best;
/// keep_models_test checks there is one per YAML; a resume does not retrain a lost one).
std::set<std::int64_t> pareto_files(const std::string& out) {
  std::set<std::int64_t> yamls, models;
  for (const auto& entry : fs::directory_iterator(out + "/pareto")) {
    const std::string name = entry.path().filename().string();
    const bool yaml = name.ends_with(".yaml");
    EXPECT_TRUE(name.starts_with("trial_") && (yaml || name.ends_with(".safetensors"))) << name;
    (yaml ? yamls : models).insert(std::stoll(name.substr(6)));
  }
  EXPECT_TRUE(std::includes(yamls.begin(), yamls.end(), models.begin(), models.end()))
      << "a model only beside its trial's YAML";
  return yamls;
}

TEST(MultiObjective, ASweepWritesObjectiveColumnsParetoFlagsAndRunnableParetoFiles) {
  test::TempDir dir;
  const std::string out = dir.file("out");
  const SweepSummary summary = sweep(multi_yaml("nsga2", 12), out);
  EXPECT_EQ(summary.complete, 12);
  const std::string header = test::slurp(out + "/trials.csv").substr(0, 200);
  EXPECT_TRUE(
      header.starts_with("trial,state,fail_reason,seed,optimizer.lr,"
                         "model.layers[0].body[0].units,objective_val_acc,"
                         "objective_params,pareto,best_epoch,"))
      << header;
  EXPECT_FALSE(fs::exists(out + "/best.yaml"));
  const auto trials = trials_of(out);
  ASSERT_EQ(trials.size(), 12u);
  // The flags against a brute-force check of dominance over the complete trials.
  std::set<std::int64_t> front;
  for (const auto& a : trials) {
    ASSERT_EQ(a.objectives.size(), 2u);
    // params of the dense layers 8 -> u -> u -> 3, with biases (the repeat makes both u wide).
    const double u = std::stod(a.values[1]);
    EXPECT_DOUBLE_EQ(a.objectives[1], (8 * u + u) + (u * u + u) + (u * 3 + 3));
    bool dominated = false;
    for (const auto& b : trials) {
      dominated =
          dominated || (b.objectives[0] >= a.objectives[0] && b.objectives[1] <= a.objectives[1] &&
                        (b.objectives[0] > a.objectives[0] || b.objectives[1] < a.objectives[1]));
    }
    EXPECT_EQ(a.pareto, !dominated) << "trial " << a.trial;
    if (!dominated) front.insert(a.trial);
  }
  EXPECT_FALSE(front.empty());
  EXPECT_EQ(summary.pareto, static_cast<std::int64_t>(front.size()));
  EXPECT_EQ(pareto_files(out), front);
  // Each file reruns its trial alone, with the same val_acc.
  for (const auto& t : trials) {
    if (!t.pareto) continue;
    const auto spec = load_experiment(out + "/pareto/trial_" + std::to_string(t.trial) + ".yaml");
    EXPECT_FALSE(spec.search.has_value());
    RunOptions run;
    run.out_dir = dir.file("rerun" + std::to_string(t.trial));
    const auto result = run_experiment(spec, test::builtin_host(), run);
    // trials.csv keeps 9 significant digits.
    EXPECT_NEAR(result.summary.last.value(Metric{Split::val, Measure::accuracy}), t.objectives[0],
                1e-8);
  }
}

TEST(MultiObjective, TheSameSeedGivesTheSameTrialsAtTheSameParallelism) {
  test::TempDir dir;
  // Population 4: generations 1 and 2 are bred from results while trials run two at a time.
  const std::string yaml = multi_yaml("nsga2", 14, "  population: 4\n");
  sweep(yaml, dir.file("a"), {"execution.parallel_trials=2"});
  sweep(yaml, dir.file("b"), {"execution.parallel_trials=2"});
  const auto a = trials_of(dir.file("a")), b = trials_of(dir.file("b"));
  ASSERT_EQ(a.size(), 14u);
  std::map<std::int64_t, std::pair<std::vector<std::string>, std::vector<double>>> ma, mb;
  for (const auto& t : a) ma[t.trial] = {t.values, t.objectives};
  for (const auto& t : b) mb[t.trial] = {t.values, t.objectives};
  EXPECT_EQ(ma, mb);
  EXPECT_EQ(pareto_files(dir.file("a")), pareto_files(dir.file("b")));
}

TEST(MultiObjective, ResumeKeepsTheTrialsAndRebuildsTheParetoFolder) {
  test::TempDir dir;
  const std::string out = dir.file("out");
  sweep(multi_yaml("random", 8), out);
  const auto before = trials_of(out);
  // As if killed after 5 trials, between a row and its file, with a file of a trial that has
  // since left the front: resume reruns 3 trials and puts the flags and pareto/ right.
  const std::string text = test::slurp(out + "/trials.csv");
  std::size_t end = 0;
  for (int line = 0; line < 6; ++line) end = text.find('\n', end) + 1;
  std::ofstream(out + "/trials.csv") << text.substr(0, end);
  fs::remove_all(out + "/pareto");
  fs::create_directories(out + "/pareto");
  std::ofstream(out + "/pareto/trial_7.yaml") << "stale";
  const SweepSummary resumed = sweep(multi_yaml("random", 8), out, {}, true);
  EXPECT_EQ(resumed.reused, 5);
  const auto after = trials_of(out);
  ASSERT_EQ(after.size(), 8u);
  std::map<std::int64_t, std::vector<double>> was, is;
  for (const auto& t : before) was[t.trial] = t.objectives;
  for (const auto& t : after) is[t.trial] = t.objectives;
  EXPECT_EQ(was, is);
  std::set<std::int64_t> flagged, expected;
  for (const auto& t : after) {
    if (t.pareto) flagged.insert(t.trial);
  }
  for (const auto& t : before) {
    if (t.pareto) expected.insert(t.trial);
  }
  EXPECT_EQ(flagged, expected);
  EXPECT_EQ(pareto_files(out), flagged);
  for (const std::int64_t k : flagged) {
    const auto spec = load_experiment(out + "/pareto/trial_" + std::to_string(k) + ".yaml");
    EXPECT_FALSE(spec.search.has_value());
  }
}

TEST(MultiObjective, StrategiesThatOptimizeOneObjectiveAreRefusedAtTheirLine) {
  for (const char* kind : {"tpe", "bayes", "cmaes"}) {
    SCOPED_TRACE(kind);
    const std::string message = test::error_of([&] {
      SweepOptions options;
      options.out_dir = "unused";
      run_sweep(parse_experiment(multi_yaml(kind, 4), "mo.yaml"), test::builtin_host(), options);
    });
    // search.kind's line in the file, the key, and what to use instead.
    EXPECT_NE(message.find("mo.yaml:13:"), std::string::npos) << message;
    EXPECT_NE(message.find("search.kind"), std::string::npos) << message;
    EXPECT_NE(message.find("'" + std::string(kind) + "' optimizes a single objective"),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("nsga2"), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
  EXPECT_FALSE(fs::exists("unused"));
}

TEST(MultiObjective, BadObjectivesFailWithTheirLine) {
  auto error = [](const std::string& objectives, const std::string& extra = "") {
    std::string yaml = multi_yaml("nsga2", 4, extra);
    const auto from = yaml.find("  objectives:\n");
    const auto to = yaml.find("  space:\n");
    yaml.replace(from, to - from, objectives);
    return test::error_of([&] { parse_experiment(yaml, "mo.yaml"); });
  };
  EXPECT_NE(error("  objectives: [{metric: val_acc, mode: max}]\n").find("two or more"),
            std::string::npos);
  EXPECT_NE(error("  objectives: [{metric: val_acc}, {metric: flops}]\n")
                .find("train_seconds, params, updates; got 'flops'"),
            std::string::npos);
  EXPECT_NE(error("  objectives: [{metric: params}, {metric: params, mode: min}]\n")
                .find("'params' is already an objective"),
            std::string::npos);
  EXPECT_NE(error("  objectives: [{metric: test_acc}, {metric: params}]\n")
                .find("'test_acc' needs 'test' in train.eval"),
            std::string::npos);
  EXPECT_NE(error("  objective: {metric: val_acc}\n  objectives: [{metric: val_acc}, "
                  "{metric: params}]\n")
                .find("give objective or objectives, not both"),
            std::string::npos);
  EXPECT_NE(error("  objectives: [{metric: val_acc}, {metric: params, mode: min}]\n"
                  "  pruner: {kind: median}\n")
                .find("mo.yaml:16:"),
            std::string::npos);
}

TEST(MultiObjective, TrialsCliShowsEachObjectiveAndTheFront) {
  test::TempDir dir;
  const std::string out = dir.file("out");
  sweep(multi_yaml("random", 5), out);
  const auto cli = test::run_cli("trials " + out + " --sort objective");
  ASSERT_EQ(cli.status, 0) << cli.err;
  EXPECT_NE(cli.out.find("objectives val_acc (max) params (min)"), std::string::npos) << cli.out;
  EXPECT_NE(cli.out.find("on the Pareto front (*)"), std::string::npos) << cli.out;
  EXPECT_NE(cli.out.find("val_acc  params  pareto"), std::string::npos) << cli.out;
}

TEST(MultiObjective, TheReportDrawsTheParetoFront) {
  test::TempDir dir;
  const std::string out = dir.file("out");
  sweep(multi_yaml("random", 6), out);
  std::int64_t front = 0;
  for (const auto& t : trials_of(out)) front += t.pareto;
  const std::string html = test::slurp(write_report(out));
  EXPECT_NE(html.find("Pareto front"), std::string::npos);
  EXPECT_NE(html.find("the " + std::to_string(front) + " Pareto-optimal ones in red"),
            std::string::npos);
  EXPECT_NE(html.find("val_acc (max)"), std::string::npos);
  EXPECT_NE(html.find("params (min)"), std::string::npos);
  // A single-objective sweep's report has no such figure.
  EXPECT_EQ(pareto_front_figure(SearchSpec{}, {}), "");
}

}  // namespace
}  // namespace nnlab
