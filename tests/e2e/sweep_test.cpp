// Sweeps end to end: trials.csv, determinism across parallelism, faults, resume, grids, validation.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "data_cache.hpp"
#include "results/curves_file.hpp"
#include "results/trials_file.hpp"
#include "runner.hpp"
#include "scheduler.hpp"
#include "search_components.hpp"
#include "sweep.hpp"
#include "test_support.hpp"

namespace nnlab {
namespace {

namespace fs = std::filesystem;

std::string sweep_yaml(const std::string& search, const std::string& name = "sw") {
  return test::synthetic_experiment(name) + "search:\n" + search;
}

const std::string kRandom =
    "  kind: random\n"
    "  trials: 8\n"
    "  objective: {metric: test_acc, mode: max}\n"
    "  space:\n"
    "    optimizer.lr: {distribution: log_uniform, min: 1.0e-3, max: 0.5}\n"
    "    model.layers[0].body[0].units: {distribution: int, min: 4, max: 32, step: 4}\n";

struct Sweep {
  SweepSummary summary;
  std::vector<TrialRecord> trials;
};

Sweep sweep(const std::string& yaml, const std::string& out,
            std::vector<std::string> overrides = {}, bool resume = false) {
  const auto spec = parse_experiment(yaml, "s.yaml", overrides);
  SweepOptions options;
  options.out_dir = out;
  options.resume = resume;
  Sweep s;
  s.summary = run_sweep(spec, test::builtin_host(), options);
  std::vector<std::string> names;
  for (const auto& p : spec.search->space.parameters) names.push_back(p.name);
  s.trials = read_trials(out + "/trials.csv", names);
  return s;
}

std::map<std::int64_t, double> objectives(const std::vector<TrialRecord>& trials) {
  std::map<std::int64_t, double> out;
  for (const auto& t : trials) out[t.trial] = t.objective.value_or(-1);
  return out;
}

using test::slurp;

std::size_t count_lines(const std::string& path) {
  const std::string text = slurp(path);
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

TEST(Sweep, RandomSearchWritesOneRowPerTrialAndARunnableBest) {
  test::TempDir dir;
  const Sweep s = sweep(sweep_yaml(kRandom), dir.file("out"));
  ASSERT_EQ(s.trials.size(), 8u);
  std::set<std::int64_t> numbers;
  for (const auto& t : s.trials) {
    numbers.insert(t.trial);
    EXPECT_EQ(t.state, TrialState::complete);
    const double lr = std::stod(t.values[0]);
    EXPECT_GE(lr, 1e-3);
    EXPECT_LE(lr, 0.5);
    const int units = std::stoi(t.values[1]);
    EXPECT_EQ(units % 4, 0);
    EXPECT_GE(units, 4);
    EXPECT_LE(units, 32);
    EXPECT_EQ(t.best_epoch >= 0, true);
    EXPECT_EQ(t.config_hash.size(), 16u);
  }
  EXPECT_EQ(numbers, (std::set<std::int64_t>{0, 1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(slurp(dir.file("out") + "/trials.csv").substr(0, 80),
            std::string("trial,state,fail_reason,seed,optimizer.lr,model.layers[0].body[0].units,"
                        "objective,best_epoch")
                .substr(0, 80));
  // curves.csv: 5 epochs x 4 metrics per trial.
  EXPECT_EQ(count_lines(dir.file("out") + "/curves.csv"), 1u + 8 * 5 * 4);
  // best.yaml reruns the best trial alone, with the same result.
  const auto best = load_experiment(dir.file("out") + "/best.yaml");
  EXPECT_FALSE(best.search.has_value());
  RunOptions run;
  run.out_dir = dir.file("rerun");
  const auto result = run_experiment(best, test::builtin_host(), run);
  double test_acc = -1;
  for (const auto& [metric, value] : result.summary.last.metrics) {
    if (metric.name() == "test_acc") test_acc = value;
  }
  EXPECT_DOUBLE_EQ(test_acc, s.summary.best_objective);
}

TEST(Sweep, TheSameSeedGivesTheSameObjectivesAtAnyParallelism) {
  test::TempDir dir;
  const Sweep one = sweep(sweep_yaml(kRandom), dir.file("p1"), {"execution.parallel_trials=1"});
  const Sweep two = sweep(sweep_yaml(kRandom), dir.file("p2"), {"execution.parallel_trials=2"});
  const Sweep three = sweep(sweep_yaml(kRandom), dir.file("p3"), {"execution.parallel_trials=3"});
  EXPECT_EQ(objectives(one.trials), objectives(two.trials));
  EXPECT_EQ(objectives(one.trials), objectives(three.trials));
  const Sweep other = sweep(sweep_yaml(kRandom), dir.file("s2"), {"seed=99"});
  EXPECT_NE(objectives(one.trials), objectives(other.trials));
}

TEST(Sweep, LearningStrategiesProposeTheSameTrialsAtTheSameParallelism) {
  test::TempDir dir;
  for (const char* kind : {"tpe", "bayes"}) {
    SCOPED_TRACE(kind);
    std::string yaml = sweep_yaml(kRandom);
    yaml.replace(yaml.find("kind: random"), 12, std::string("kind: ") + kind);
    yaml.replace(yaml.find("trials: 8"), 9, "trials: 14");
    // Three trials at once, and the model in use after four: asks overlap with running trials.
    const std::vector<std::string> settings = {
        "execution.parallel_trials=3",
        std::string(kind) == "tpe" ? "search.startup_trials=4" : "search.initial_trials=4"};
    const Sweep a = sweep(yaml, dir.file(std::string(kind) + "a"), settings);
    const Sweep b = sweep(yaml, dir.file(std::string(kind) + "b"), settings);
    auto configurations = [](const Sweep& s) {
      std::map<std::int64_t, std::string> out;
      for (const auto& t : s.trials) out[t.trial] = t.values[0] + "/" + t.values[1];
      return out;
    };
    ASSERT_EQ(a.trials.size(), 14u);
    EXPECT_EQ(configurations(a), configurations(b));
    EXPECT_EQ(objectives(a.trials), objectives(b.trials));
  }
}

TEST(Sweep, AshaStopsWeakTrialsEarlyAndRecordsWhereTheyStopped) {
  test::TempDir dir;
  std::string yaml =
      sweep_yaml(kRandom + "  pruner: {kind: asha, min_epochs: 1, reduction_factor: 2}\n");
  yaml.replace(yaml.find("trials: 8"), 9, "trials: 12");
  const Sweep s = sweep(yaml, dir.file("out"), {"train.epochs=8", "execution.parallel_trials=1"});
  ASSERT_EQ(s.trials.size(), 12u);
  std::int64_t full_updates = -1, pruned = 0;
  for (const auto& t : s.trials) {
    if (t.state == TrialState::complete) {
      EXPECT_EQ(t.last_epoch, 7);  // book mode: epochs 0..7
      full_updates = t.updates;
    } else {
      ASSERT_EQ(t.state, TrialState::pruned);
      ++pruned;
      EXPECT_LT(t.last_epoch, 7);
      EXPECT_TRUE(t.last_epoch == 1 || t.last_epoch == 2 || t.last_epoch == 4) << t.last_epoch;
    }
  }
  EXPECT_GT(pruned, 3);
  for (const auto& t : s.trials) {
    if (t.state == TrialState::pruned) {
      EXPECT_LT(t.updates, full_updates);
    }
  }
  EXPECT_EQ(test::error_of([&] {
              std::string bad =
                  sweep_yaml(kRandom + "  pruner: {kind: asha, reduction_factor: 1}\n");
              make_pruner(parse_experiment(bad, "s.yaml"), test::builtin_host());
            }),
            "s.yaml:19:42: search.pruner.reduction_factor: expected a value in [2, inf), got '1'");
}

TEST(Sweep, ADivergingTrialAndAThrowingTrialFailWhileTheRestComplete) {
  test::TempDir dir;
  const std::string search =
      "  kind: grid\n"
      "  objective: {metric: train_loss, mode: min}\n"
      "  space:\n"
      "    optimizer.lr: {values: [0.1, 1.0e+30]}\n"
      "    model.layers[1].units: {values: [3, 4]}\n";
  const Sweep s = sweep(sweep_yaml(search), dir.file("out"));
  ASSERT_EQ(s.trials.size(), 4u);
  std::map<std::string, std::string> by_config;
  for (const auto& t : s.trials)
    by_config[t.values[0] + "/" + t.values[1]] =
        std::string(trial_state_name(t.state)) + ":" + t.fail_reason;
  EXPECT_EQ(by_config["0.1/3"], "COMPLETE:");
  EXPECT_EQ(by_config["1.0e+30/3"], "FAIL:nan");
  EXPECT_NE(by_config["0.1/4"].find("FAIL:exception: "), std::string::npos);
  EXPECT_NE(by_config["0.1/4"].find("the model outputs 4 values but the data has 3 classes"),
            std::string::npos);
  EXPECT_EQ(s.summary.failed, 3);
  EXPECT_EQ(s.summary.complete, 1);
  // The diverged trial trained before its loss went NaN: its row and curve say how far it got.
  const Curves curves = read_curves(dir.file("out") + "/curves.csv");
  for (const auto& t : s.trials) {
    if (t.fail_reason != "nan") continue;
    EXPECT_GE(t.updates, 1) << "trial " << t.trial;
    EXPECT_GE(t.last_epoch, 0) << "trial " << t.trial;
    ASSERT_TRUE(curves.count(t.trial)) << "trial " << t.trial << " keeps its curve";
    EXPECT_EQ(curves.at(t.trial).begin()->second.back().first, static_cast<double>(t.last_epoch));
  }
}

TEST(Sweep, GridFollowsConditionsAndDeclarationOrder) {
  test::TempDir dir;
  const std::string search =
      "  kind: grid\n"
      "  objective: {metric: test_acc, mode: max}\n"
      "  space:\n"
      "    optimizer.kind: {values: [sgd, momentum]}\n"
      "    optimizer.momentum: {values: [0.5, 0.9], when: {optimizer.kind: momentum}}\n"
      "    optimizer.lr: {distribution: log_uniform, min: 0.01, max: 0.1, grid: 2}\n";
  const Sweep s = sweep(sweep_yaml(search), dir.file("out"), {"execution.parallel_trials=1"});
  ASSERT_EQ(s.trials.size(), 6u);  // sgd x 2 lr + momentum x 2 x 2 lr
  std::vector<std::string> rows;
  for (const auto& t : s.trials)
    rows.push_back(t.values[0] + "," + t.values[1] + "," + t.values[2]);
  EXPECT_EQ(rows, (std::vector<std::string>{"sgd,,0.01", "sgd,,0.1", "momentum,0.5,0.01",
                                            "momentum,0.5,0.1", "momentum,0.9,0.01",
                                            "momentum,0.9,0.1"}));
}

TEST(Sweep, RandomSearchNeverRepeatsAConfiguration) {
  test::TempDir dir;
  const std::string search =
      "  kind: random\n  trials: 10\n  objective: {metric: test_acc, mode: max}\n"
      "  space:\n    optimizer.lr: {values: [0.05, 0.1, 0.2]}\n";
  const Sweep s = sweep(sweep_yaml(search), dir.file("out"));
  std::set<std::string> seen;
  for (const auto& t : s.trials) EXPECT_TRUE(seen.insert(t.values[0]).second) << t.values[0];
  EXPECT_EQ(seen.size(), 3u) << "a finite space is exhausted, not repeated";
}

TEST(Sweep, RepeatsAverageSeveralSeeds) {
  test::TempDir dir;
  const std::string search =
      "  kind: grid\n  repeats: 3\n  objective: {metric: train_loss, mode: min}\n"
      "  space:\n    optimizer.lr: {values: [0.1]}\n";
  const Sweep s = sweep(sweep_yaml(search), dir.file("out"));
  ASSERT_EQ(s.trials.size(), 1u);
  // The objective is the mean of the three seeds' last train_loss: rerun them one by one.
  double sum = 0;
  for (int r = 0; r < 3; ++r) {
    const std::string purpose =
        "trial/0" + (r > 0 ? "/repeat/" + std::to_string(r) : std::string());
    const auto seed = derive_seed(3, purpose) & ((std::uint64_t{1} << 52) - 1);
    const auto spec = parse_experiment(sweep_yaml(search), "s.yaml",
                                       {"seed=" + std::to_string(seed), "data.seed=3"});
    RunOptions run;
    run.out_dir = dir.file("r" + std::to_string(r));
    for (const auto& [metric, value] :
         run_experiment(spec, test::builtin_host(), run).summary.last.metrics) {
      if (metric.name() == "train_loss") sum += value;
    }
  }
  EXPECT_NEAR(*s.trials[0].objective, sum / 3, 1e-6);
}

TEST(Sweep, CommonSeedsTrainEveryTrialWithTrialZerosSeeds) {
  test::TempDir dir;
  const std::string space =
      "  objective: {metric: test_acc, mode: max}\n"
      "  space:\n    optimizer.lr: {values: [0.05, 0.1, 0.2]}\n";
  const std::string yaml = sweep_yaml("  kind: grid\n  seeds: common\n" + space);
  const Sweep common = sweep(yaml, dir.file("common"), {"execution.parallel_trials=2"});
  const Sweep own = sweep(sweep_yaml("  kind: grid\n" + space), dir.file("own"));
  ASSERT_EQ(common.trials.size(), 3u);
  ASSERT_EQ(own.trials.size(), 3u);
  const std::uint64_t first = derive_seed(3, "trial/0") & ((std::uint64_t{1} << 52) - 1);
  std::set<std::uint64_t> own_seeds;
  for (std::size_t k = 0; k < 3; ++k) {
    const TrialRecord& t = common.trials[k];
    ASSERT_EQ(t.state, TrialState::complete) << t.fail_reason;
    EXPECT_EQ(t.seed, first) << "trial " << t.trial;
    own_seeds.insert(own.trials[k].seed);
    // The trial is the run alone with that seed: the sweep changed nothing else.
    const auto alone = parse_experiment(
        without_search(yaml), "s.yaml",
        {"optimizer.lr=" + t.values[0], "seed=" + std::to_string(t.seed), "data.seed=3"});
    RunOptions run;
    run.out_dir = dir.file("alone" + std::to_string(t.trial));
    double test_acc = -1;
    for (const auto& [metric, value] :
         run_experiment(alone, test::builtin_host(), run).summary.last.metrics) {
      if (metric.name() == "test_acc") test_acc = value;
    }
    EXPECT_NEAR(test_acc, *t.objective, 1e-8) << "trial " << t.trial;
  }
  EXPECT_EQ(own_seeds.size(), 3u) << "without seeds: common each trial has its own seed";
  // trials is in the order they finished (trial 0 need not be first when two run at once).
  const auto trial0 = std::find_if(own.trials.begin(), own.trials.end(),
                                   [](const TrialRecord& t) { return t.trial == 0; });
  ASSERT_NE(trial0, own.trials.end());
  EXPECT_EQ(trial0->seed, first);
  const std::string bad = test::error_of(
      [&] { parse_experiment(sweep_yaml("  kind: grid\n  seeds: shared\n" + space), "s.yaml"); });
  EXPECT_NE(bad.find("search.seeds"), std::string::npos) << bad;
  EXPECT_NE(bad.find("per_trial"), std::string::npos) << bad;
}

TEST(Sweep, SearchingThePreprocessingGivesEachTrialTheDataItsRunAloneGets) {
  test::TempDir dir;
  const std::string search =
      "  kind: grid\n  objective: {metric: test_acc, mode: max}\n"
      "  space:\n"
      "    data.scale: {values: [minmax, standardize, zca]}\n"
      "    data.epsilon: {values: [0.0, 0.5], when: {data.scale: zca}}\n";
  const std::string yaml = sweep_yaml(search);
  const Sweep s = sweep(yaml, dir.file("out"), {"execution.parallel_trials=3"});
  ASSERT_EQ(s.trials.size(), 4u);
  std::set<double> distinct;
  for (const auto& t : s.trials) {
    ASSERT_EQ(t.state, TrialState::complete) << t.fail_reason;
    // The trial alone, as `nnlab run` would train it: the same seeds and the same preprocessing
    // (trials.csv keeps 9 significant digits).
    std::vector<std::string> overrides = {"data.scale=" + t.values[0],
                                          "seed=" + std::to_string(t.seed), "data.seed=3"};
    if (!t.values[1].empty()) overrides.push_back("data.epsilon=" + t.values[1]);
    const auto alone = parse_experiment(without_search(yaml), "s.yaml", overrides);
    RunOptions run;
    run.out_dir = dir.file("alone" + std::to_string(t.trial));
    const auto result = run_experiment(alone, test::builtin_host(), run);
    double test_acc = -1;
    for (const auto& [metric, value] : result.summary.last.metrics)
      if (metric.name() == "test_acc") test_acc = value;
    EXPECT_NEAR(test_acc, *t.objective, 1e-8) << "trial " << t.trial << " (" << t.values[0] << ")";
    distinct.insert(*t.objective);
  }
  EXPECT_GE(distinct.size(), 2u) << "the preprocessing changes what is learned";
}

TEST(Sweep, ABadSearchedPreprocessingValueFailsBeforeAnyTrialAtItsLine) {
  test::TempDir dir;
  const std::string search =
      "  kind: grid\n  objective: {metric: test_acc, mode: max}\n"
      "  space:\n    data.scale: {values: [minmax, whiten]}\n";
  const auto message = test::error_of([&] { sweep(sweep_yaml(search), dir.file("out")); });
  EXPECT_EQ(message,
            "s.yaml:16:17: search.space.data.scale: value 'whiten' for data.scale: expected one of "
            "minmax standardize pca zca none, got 'whiten'");
  EXPECT_FALSE(std::filesystem::exists(dir.file("out")));
}

TEST(DataCache, PreparesEachPreprocessingOnceForEveryTrialThatAsks) {
  const auto spec = parse_experiment(test::synthetic_experiment("c"), "c.yaml");
  DataCache cache(test::builtin_host());
  std::vector<std::shared_ptr<const PreparedData>> got(8);
  std::vector<std::thread> trials;
  for (std::size_t i = 0; i < got.size(); ++i)
    trials.emplace_back([&, i] {
      DataSpec data = spec.data;
      if (i % 2 == 1) data.scale = Scaling::standardize;
      got[i] = cache.get(data, spec.seed);
    });
  for (auto& t : trials) t.join();
  EXPECT_EQ(cache.size(), 2u);
  for (std::size_t i = 2; i < got.size(); ++i) EXPECT_EQ(got[i], got[i % 2]) << i;
  EXPECT_NE(got[0], got[1]);
  EXPECT_NE(got[0]->train.features.at(0, 0), got[1]->train.features.at(0, 0));
  // A preparation that fails fails for every trial that asks for it, with the same error.
  DataSpec bad = spec.data;
  bad.val_size = 1000000;
  for (int i = 0; i < 2; ++i)
    EXPECT_NE(test::error_of([&] { cache.get(bad, spec.seed); }).find("val_size"),
              std::string::npos);
}

TEST(Sweep, ResumeKeepsFinishedTrialsRerunsTheRestAndDropsTheirPartialRows) {
  test::TempDir dir;
  const Sweep reference = sweep(sweep_yaml(kRandom), dir.file("ref"));
  const std::string out = dir.file("cut");
  sweep(sweep_yaml(kRandom), out);
  // Simulate a kill: keep the header and 3 finished rows plus half a row; leave curve rows of the
  // trials whose rows are gone.
  std::istringstream rows(slurp(out + "/trials.csv"));
  std::string line, kept;
  for (int i = 0; i < 4 && std::getline(rows, line); ++i) kept += line + "\n";
  std::getline(rows, line);
  kept += line.substr(0, line.size() / 2);
  std::ofstream(out + "/trials.csv", std::ios::trunc) << kept;
  fs::remove(out + "/best.yaml");

  const Sweep resumed = sweep(sweep_yaml(kRandom), out, {"execution.parallel_trials=3"}, true);
  EXPECT_EQ(resumed.summary.reused, 3);
  ASSERT_EQ(resumed.trials.size(), 8u);
  EXPECT_EQ(objectives(resumed.trials), objectives(reference.trials));
  EXPECT_EQ(count_lines(out + "/curves.csv"), count_lines(dir.file("ref") + "/curves.csv"))
      << "no curve row lost or doubled";
  EXPECT_EQ(slurp(out + "/best.yaml"), slurp(dir.file("ref") + "/best.yaml"));
}

TEST(Sweep, ResumeRefusesAChangedExperimentSayingWhatDiffers) {
  test::TempDir dir;
  sweep(sweep_yaml(kRandom), dir.file("out"));
  const auto message = test::error_of(
      [&] { sweep(sweep_yaml(kRandom), dir.file("out"), {"train.epochs=6"}, true); });
  EXPECT_NE(message.find("cannot resume: the experiment differs from the sweep in "),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("train.epochs: 5 -> 6"), std::string::npos) << message;
}

TEST(Sweep, AnEarlierSweepIsNotReplacedSilently) {
  test::TempDir dir;
  sweep(sweep_yaml(kRandom), dir.file("out"));
  EXPECT_NE(test::error_of([&] {
              sweep(sweep_yaml(kRandom), dir.file("out"));
            }).find("already holds a sweep"),
            std::string::npos);
}

TEST(Sweep, BadSearchSpacesFailBeforeAnyTrialWithTheirLine) {
  auto error = [](const std::string& space_line, const std::string& metric = "test_acc") {
    const std::string search = "  kind: random\n  trials: 2\n  objective: {metric: " + metric +
                               ", mode: max}\n  space:\n" + space_line;
    return test::error_of([&] { parse_experiment(sweep_yaml(search), "s.yaml"); });
  };
  EXPECT_NE(error("    optimizer.rate.x: {values: [1, 2]}\n").find("s.yaml:17:"),
            std::string::npos);
  EXPECT_NE(error("    optimizer.rate.x: {values: [1, 2]}\n")
                .find("'optimizer.rate.x' names nothing in the experiment"),
            std::string::npos);
  EXPECT_NE(error("    model.layers[9].units: {values: [1, 2]}\n").find("no item [9]"),
            std::string::npos);
  EXPECT_NE(error("    optimizer.lr: {distribution: uniform, min: 0.5, max: 0.1}\n")
                .find("the range is empty"),
            std::string::npos);
  EXPECT_NE(error("    optimizer.lr: {distribution: log_uniform, min: -6, max: -2}\n")
                .find("must be positive (write 1.0e-6, not -6)"),
            std::string::npos);
  EXPECT_NE(error("    optimizer.lr: {values: [0.1]}\n", "val_acc")
                .find("'val_acc' needs 'val' in train.eval"),
            std::string::npos);
  EXPECT_NE(error("    data.train_limit: {values: [10]}\n").find("cannot be searched"),
            std::string::npos);
  EXPECT_NE(error("    optimizer.lr: {distribution: normal, min: 0, max: 1}\n")
                .find("expected one of uniform log_uniform int categorical"),
            std::string::npos);
}

TEST(Sweep, SearchedValuesAreCheckedAgainstTheComponentsSchemasBeforeAnyTrial) {
  auto error = [](const std::string& space_lines) {
    const std::string search =
        "  kind: grid\n  objective: {metric: test_acc, mode: max}\n  space:\n" + space_lines;
    return test::error_of([&] {
      make_strategy(parse_experiment(sweep_yaml(search), "s.yaml"), test::builtin_host());
    });
  };
  EXPECT_EQ(error("    optimizer.lr: {distribution: uniform, min: -0.1, max: 0.1, grid: 3}\n"),
            "s.yaml:16:19: search.space.optimizer.lr: 'optimizer.lr' for optimizer 'sgd': expected "
            "a value in (0, inf), got '-0.1'");
  EXPECT_NE(error("    optimizer.momentum: {values: [0.5, 0.9]}\n")
                .find("optimizer 'sgd' has no parameter 'momentum' (it has: lr)"),
            std::string::npos);
  EXPECT_NE(error("    optimizer.kind: {values: [sgd, adamm]}\n")
                .find("'adamm' is not a known optimizer; did you mean 'adam'?"),
            std::string::npos);
  EXPECT_NE(error("    model.layers[0].body[0].units: {distribution: uniform, min: 4, max: 9, "
                  "grid: 2}\n")
                .find("'model.layers[0].body[0].units' for layer 'dense': it is an integer: use "
                      "distribution: int"),
            std::string::npos);
  EXPECT_NE(error("    model.layers[0].body[0].init: {values: [he, 0.1]}\n"
                  "    model.layers[0].body[0].bias: {values: [true, maybe]}\n")
                .find("expected true or false, got 'maybe'"),
            std::string::npos);
  EXPECT_NE(error("    optimizer.kind: {values: [sgd, adam]}\n"
                  "    optimizer.momentum: {values: [0.5]}\n")
                .find("none of the searched optimizers (sgd, adam) has a parameter 'momentum'"),
            std::string::npos);
}

TEST(Sweep, ASearchedKindMakesItsParametersConditionalByThemselves) {
  test::TempDir dir;
  // No `when:` here: momentum applies to the kinds whose schema declares it.
  const std::string search =
      "  kind: grid\n"
      "  objective: {metric: test_acc, mode: max}\n"
      "  space:\n"
      "    optimizer.kind: {values: [sgd, momentum, nesterov]}\n"
      "    optimizer.momentum: {values: [0.5, 0.9]}\n";
  const Sweep s = sweep(sweep_yaml(search), dir.file("out"), {"execution.parallel_trials=1"});
  std::vector<std::string> rows;
  for (const auto& t : s.trials) rows.push_back(t.values[0] + "," + t.values[1]);
  EXPECT_EQ(rows, (std::vector<std::string>{"sgd,", "momentum,0.5", "momentum,0.9", "nesterov,0.5",
                                            "nesterov,0.9"}));
  for (const auto& t : s.trials) EXPECT_EQ(t.state, TrialState::complete) << t.values[0];
}

TEST(Sweep, RandomSearchNeedsABudget) {
  test::TempDir dir;
  const std::string search =
      "  kind: random\n  objective: {metric: test_acc, mode: max}\n  space:\n    optimizer.lr: "
      "{min: 0.01, max: 0.1}\n";
  const auto message = test::error_of([&] { sweep(sweep_yaml(search), dir.file("out")); });
  EXPECT_NE(message.find("random search needs a trial budget"), std::string::npos) << message;
  // `nnlab validate` finds it too, with the line of the search block.
  const auto spec = parse_experiment(sweep_yaml(search), "s.yaml");
  const auto validated = test::error_of([&] { validate_experiment(spec, test::builtin_host()); });
  EXPECT_EQ(
      validated.rfind("s.yaml:13:9: search: search.trials: random search needs a trial budget", 0),
      0u)
      << validated;
}

TEST(Sweep, GridNeedsPointsForAContinuousRange) {
  test::TempDir dir;
  const std::string search =
      "  kind: grid\n  objective: {metric: test_acc, mode: max}\n  space:\n    optimizer.lr: {min: "
      "0.01, max: 0.1}\n";
  const auto message = test::error_of([&] { sweep(sweep_yaml(search), dir.file("out")); });
  EXPECT_NE(message.find(
                "optimizer.lr: a grid over a continuous range needs `grid: N` points or a `step`"),
            std::string::npos)
      << message;
}

TEST(Sweep, APrunedTrialStopsEarlyAndIsRecordedAsPruned) {
  test::TempDir dir;
  PluginHost host;
  host.load_search_path(
      {PluginHost::builtin_plugin_dir(), std::string(NNLAB_TEST_FIXTURES) + "/test_prune_odd.so"});
  const std::string search =
      "  kind: grid\n  objective: {metric: test_acc, mode: max}\n  pruner: {kind: prune_odd}\n"
      "  space:\n    optimizer.lr: {values: [0.05, 0.1, 0.2, 0.3]}\n";
  const auto spec = parse_experiment(sweep_yaml(search), "s.yaml");
  SweepOptions options;
  options.out_dir = dir.file("out");
  const SweepSummary summary = run_sweep(spec, host, options);
  EXPECT_EQ(summary.complete, 2);
  EXPECT_EQ(summary.pruned, 2);
  for (const auto& t : read_trials(dir.file("out") + "/trials.csv", {"optimizer.lr"})) {
    EXPECT_EQ(t.state, t.trial % 2 == 1 ? TrialState::pruned : TrialState::complete) << t.trial;
    EXPECT_TRUE(t.objective.has_value()) << "a pruned trial keeps its last value";
    if (t.state == TrialState::pruned) {
      EXPECT_LE(t.best_epoch, 2);
    }
  }
  // Complete trials have 5 evaluations, pruned ones stop after 3 (epochs 0, 1, 2): 4 metrics each.
  EXPECT_EQ(count_lines(dir.file("out") + "/curves.csv"), 1u + (2 * 5 + 2 * 3) * 4);
}

TEST(Scheduler, RunsEveryTrialOnceWithTheRequestedParallelism) {
  std::mutex m;
  std::condition_variable all_busy;
  std::int64_t next = 0, running = 0, most = 0;
  std::set<std::int64_t> ran;
  TrialScheduler scheduler(3, 1);
  scheduler.run(
      [&]() -> std::optional<std::int64_t> {
        std::lock_guard lock(m);
        if (next >= 30) return std::nullopt;
        return next++;
      },
      [&](std::int64_t k) {
        std::unique_lock lock(m);
        most = std::max(most, ++running);
        ran.insert(k);
        // Hold the slot until all three have been busy at once (or 10 s pass): on a loaded machine
        // a fixed sleep may end before the other slots' threads get a core.
        if (most == 3) all_busy.notify_all();
        all_busy.wait_for(lock, std::chrono::seconds(10), [&] { return most >= 3; });
        --running;
      });
  EXPECT_EQ(ran.size(), 30u);
  EXPECT_EQ(most, 3) << "three slots, all busy at some point, never more";
}

TEST(SweepCli, KillNineThenResumeEndsWithEveryTrialExactlyOnce) {
  test::TempDir dir;
  const std::string search =
      "  kind: random\n  trials: 40\n  objective: {metric: test_acc, mode: max}\n"
      "  space:\n    optimizer.lr: {distribution: log_uniform, min: 1.0e-3, max: 0.5}\n";
  const auto file = dir.write("s.yaml", sweep_yaml(search));
  const std::string out = dir.file("out");
  const pid_t child = fork();
  if (child == 0) {
    execl(NNLAB_CLI, "nnlab", "sweep", file.c_str(), "--out", out.c_str(), "-q", "--set",
          "train.epochs=30", nullptr);
    _exit(127);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  const std::string resume = std::string(NNLAB_CLI) + " sweep " + file + " --out " + out +
                             " -q --resume --set train.epochs=30 >/dev/null 2>&1";
  ASSERT_EQ(std::system(resume.c_str()), 0);
  const auto trials = read_trials(out + "/trials.csv", {"optimizer.lr"});
  std::set<std::int64_t> numbers;
  for (const auto& t : trials)
    EXPECT_TRUE(numbers.insert(t.trial).second) << "trial " << t.trial << " twice";
  EXPECT_EQ(numbers.size(), 40u);
  EXPECT_EQ(*numbers.rbegin(), 39);
  EXPECT_EQ(count_lines(out + "/curves.csv"), 1u + 40 * 30 * 4);
}

}  // namespace
}  // namespace nnlab
