// The `nnlab` command as a user runs it: result files, repeatability, and one-line errors.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <map>
#include <sstream>

#include "cli.hpp"
#include "results/curves_file.hpp"
#include "test_support.hpp"

namespace nnlab {
namespace {

namespace fs = std::filesystem;

using Outcome = test::CliOutcome;
using test::run_program;
using test::slurp;

Outcome nnlab(const std::string& args, const std::string& env = "") {
  return test::run_cli(args, env);
}

int lines(const std::string& text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

/// metric -> values per epoch, from a single run's long-form curves.csv (every row trial 0).
std::map<std::string, std::vector<double>> run_curves(const std::string& path) {
  const Curves all = read_curves(path);
  EXPECT_EQ(all.size(), 1u);
  EXPECT_EQ(all.begin()->first, 0);
  std::map<std::string, std::vector<double>> curves;
  for (const auto& [metric, points] : all.begin()->second) {
    for (const auto& point : points) curves[metric.name()].push_back(point.second);
  }
  return curves;
}

TEST(Cli, RunWritesCurvesAndTheResolvedExperiment) {
  test::TempDir dir;
  const auto file = dir.write("tiny.yaml", test::synthetic_experiment("tiny"));
  const auto out = dir.file("results");
  const Outcome r = nnlab("run " + file + " --out " + out + " --set train.epochs=12");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("results: " + out + "/curves.csv"), std::string::npos) << r.out;
  const auto curves = run_curves(out + "/curves.csv");
  EXPECT_EQ(curves.size(), 4u);  // train_acc, train_loss, test_acc, test_loss
  ASSERT_EQ(curves.at("test_acc").size(), 12u);
  // It learns: the clusters are separable.
  EXPECT_GT(curves.at("test_acc").back(), 0.8);
  EXPECT_LT(curves.at("train_loss").back(), curves.at("train_loss").front());
  const std::string saved = slurp(out + "/experiment.yaml");
  EXPECT_NE(saved.find("epochs: 12"), std::string::npos) << saved;
}

TEST(Cli, TheSavedExperimentRepeatsTheRunExactly) {
  test::TempDir dir;
  const auto file =
      dir.write("tiny.yaml",
                test::synthetic_experiment("tiny", "regularizers: [{kind: l2, lambda: 0.01}]\n"));
  ASSERT_EQ(nnlab("run " + file + " --out " + dir.file("a") + " --seed 42").status, 0);
  ASSERT_EQ(nnlab("run " + dir.file("a") + "/experiment.yaml --out " + dir.file("b")).status, 0);
  ASSERT_EQ(nnlab("run " + file + " --out " + dir.file("c") + " --seed 43").status, 0);
  EXPECT_EQ(slurp(dir.file("a") + "/curves.csv"), slurp(dir.file("b") + "/curves.csv"));
  EXPECT_NE(slurp(dir.file("a") + "/curves.csv"), slurp(dir.file("c") + "/curves.csv"));
}

TEST(Cli, TheAugmentationPolicyExperimentRunsAndRepeats) {
  if (!fs::exists("/usr/share/datasets/fashion-mnist"))
    GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  // The shipped policy on the SimpleConvNet, reduced: the same seed twice gives the same curves,
  // another seed other ones.
  test::TempDir dir;
  const std::string experiment =
      std::string(NNLAB_SOURCE_DIR) + "/experiments/augmentation_policy.yaml";
  const std::string small =
      " --set data.train_limit=300 --set data.test_limit=200 --set train.epochs=2";
  const Outcome a = nnlab("run " + experiment + " --out " + dir.file("a") + small);
  ASSERT_EQ(a.status, 0) << a.err;
  ASSERT_EQ(nnlab("run " + experiment + " --out " + dir.file("b") + small).status, 0);
  EXPECT_EQ(slurp(dir.file("a") + "/curves.csv"), slurp(dir.file("b") + "/curves.csv"));
  ASSERT_EQ(nnlab("run " + experiment + " --out " + dir.file("c") + small + " --seed 2").status, 0);
  EXPECT_NE(slurp(dir.file("a") + "/curves.csv"), slurp(dir.file("c") + "/curves.csv"));
  const auto curves = run_curves(dir.file("a") + "/curves.csv");
  EXPECT_GT(curves.at("train_acc").back(), 0.3) << "it trains";
}

TEST(Cli, ASweepSearchesAPolicysSlotsByKeyPath) {
  if (!fs::exists("/usr/share/datasets/fashion-mnist"))
    GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  // A grid over one operation and one magnitude of the shipped policy: 3 x 3 trials, each
  // training with its own policy. (In a flow mapping, keys with [i] are quoted.)
  test::TempDir dir;
  const std::string experiment =
      std::string(NNLAB_SOURCE_DIR) + "/experiments/augmentation_policy.yaml";
  const Outcome r =
      nnlab("sweep " + experiment + " --out " + dir.file("s") +
            " --set data.train_limit=200 --set data.test_limit=100 --set train.epochs=1"
            " --set 'search={kind: grid, objective: {metric: test_acc}, space: {"
            "\"augment.policy[0][1].op\": {values: [invert, solarize, flip_x]}, "
            "\"augment.policy[1][1].magnitude\": {distribution: int, min: 0, max: 10, step: 5}}}'");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("9 complete"), std::string::npos) << r.out;
  const std::string trials = slurp(dir.file("s") + "/trials.csv");
  EXPECT_NE(trials.find("augment.policy[0][1].op,augment.policy[1][1].magnitude"),
            std::string::npos)
      << trials;
  for (const char* op : {",invert,", ",solarize,", ",flip_x,"})
    EXPECT_NE(trials.find(op), std::string::npos) << op;
}

TEST(Cli, AnAutoAugmentSweepWritesItsBestPoliciesAsARunnableExperiment) {
  if (!fs::exists("/usr/share/datasets/fashion-mnist"))
    GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  // The shipped policy experiment with its policy searched instead: the space entry stands for
  // 2 x 2 slots (op, p, magnitude each), the controller updates every 3 trials, and policy.yaml
  // concatenates the best 2 trials' sub-policies.
  test::TempDir dir;
  const std::string experiment =
      std::string(NNLAB_SOURCE_DIR) + "/experiments/augmentation_policy.yaml";
  const std::string sweep =
      "sweep " + experiment + " --out " + dir.file("s") +
      " --set '~augment' --set data.train_limit=200 --set data.test_limit=100"
      " --set train.epochs=1 --set execution.parallel_trials=2"
      " --set 'search={kind: autoaugment, trials: 6, batch_size: 3, objective: {metric: "
      "test_acc}, space: {augment.policy: {sub_policies: 2, operations: 2, top: 2}}}'";
  const Outcome r = nnlab(sweep);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("6 complete"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(dir.file("s") + "/policy.yaml"), std::string::npos) << r.out;
  const std::string trials = slurp(dir.file("s") + "/trials.csv");
  EXPECT_NE(trials.find("augment.policy[0][0].op,augment.policy[0][0].p,"
                        "augment.policy[0][0].magnitude,augment.policy[0][1].op"),
            std::string::npos)
      << trials;
  // policy.yaml: the best trial's sub-policies first (they are best.yaml's), then the second's.
  const auto policy = parse_experiment(slurp(dir.file("s") + "/policy.yaml"), "policy.yaml");
  ASSERT_TRUE(policy.augment);
  ASSERT_EQ(policy.augment->policy.size(), 4u);
  EXPECT_FALSE(policy.search);
  EXPECT_EQ(policy.name, "augmentation_policy_policy");  // `nnlab run` keeps off the sweep's folder
  const auto best = parse_experiment(slurp(dir.file("s") + "/best.yaml"), "best.yaml");
  for (std::size_t i = 0; i < 2; ++i) {
    for (std::size_t j = 0; j < 2; ++j) {
      EXPECT_EQ(policy.augment->policy[i][j].op.kind, best.augment->policy[i][j].op.kind);
      EXPECT_EQ(policy.augment->policy[i][j].probability, best.augment->policy[i][j].probability);
      EXPECT_EQ(policy.augment->policy[i][j].magnitude, best.augment->policy[i][j].magnitude);
    }
  }
  // It runs as it is.
  const Outcome run = nnlab("run " + dir.file("s") + "/policy.yaml --out " + dir.file("r"));
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(run_curves(dir.file("r") + "/curves.csv").at("test_acc").size(), 1u);
  // The same sweep again proposes the same trials (2 at a time, as before).
  ASSERT_EQ(nnlab(sweep + " --overwrite").status, 0);
  const std::string again = slurp(dir.file("s") + "/trials.csv");
  auto proposals = [](const std::string& csv) {
    // Each row's parameter columns: from the 4th comma-separated field, 12 of them.
    std::vector<std::string> rows;
    std::istringstream in(csv);
    for (std::string line; std::getline(in, line);) {
      std::string fields;
      std::istringstream cells(line);
      std::string cell;
      for (int i = 0; std::getline(cells, cell, ','); ++i) {
        if (i == 0 || (i >= 4 && i < 16)) fields += cell + ",";
      }
      rows.push_back(fields);
    }
    std::sort(rows.begin(), rows.end());
    return rows;
  };
  EXPECT_EQ(proposals(trials), proposals(again));
  // A resume rebuilds policy.yaml from the kept trials (a kill may have come before it).
  const std::string written = slurp(dir.file("s") + "/policy.yaml");
  fs::remove(dir.file("s") + "/policy.yaml");
  const Outcome resumed = nnlab(sweep + " --resume");
  ASSERT_EQ(resumed.status, 0) << resumed.err;
  EXPECT_EQ(slurp(dir.file("s") + "/policy.yaml"), written);
}

TEST(Cli, AShippedExperimentRunsOnOtherFilesByDeletingItsDatasetKey) {
  const fs::path package = "/usr/share/datasets/fashion-mnist";
  if (!fs::exists(package)) GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  // "My" copy of the files, in a folder of its own: `dir:` must be what the run reads.
  test::TempDir dir;
  fs::create_directory(dir.path() / "mine");
  for (const auto& file : fs::directory_iterator(package))
    fs::create_symlink(file.path(), dir.path() / "mine" / file.path().filename());
  const std::string experiment = std::string(NNLAB_SOURCE_DIR) + "/experiments/overfit.yaml";
  const std::string mine = " --set '~data.dataset' --set data.dir=" + dir.file("mine");
  // Without the deletion the idx dataset refuses both forms.
  const Outcome both = nnlab("run " + experiment + " --out " + dir.file("r") +
                             " --set data.dir=" + dir.file("mine") + " --set train.epochs=1");
  EXPECT_EQ(both.status, 1);
  EXPECT_NE(both.err.find("give either dataset or dir"), std::string::npos) << both.err;
  const Outcome r =
      nnlab("run " + experiment + " --out " + dir.file("a") + mine + " --set train.epochs=1");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(run_curves(dir.file("a") + "/curves.csv").at("test_acc").size(), 1u);
  const std::string saved = slurp(dir.file("a") + "/experiment.yaml");
  EXPECT_EQ(saved.find("dataset:"), std::string::npos) << saved;
  EXPECT_NE(saved.find("dir: " + dir.file("mine")), std::string::npos) << saved;
  // The saved experiment repeats the run exactly.
  ASSERT_EQ(nnlab("run " + dir.file("a") + "/experiment.yaml --out " + dir.file("b")).status, 0);
  EXPECT_EQ(slurp(dir.file("a") + "/curves.csv"), slurp(dir.file("b") + "/curves.csv"));
  // Deleting a key that is not there is one line naming it.
  const Outcome missing =
      nnlab("run " + experiment + " --out " + dir.file("c") + " --set '~data.dir'");
  EXPECT_EQ(missing.status, 1);
  EXPECT_EQ(missing.err, "nnlab: error: --set: ~data.dir: nothing to delete: no key 'dir'\n");
}

// Every experiment the repository ships builds: its model, its data, its search space. A key
// renamed or a component changed in the code fails here, not in a user's hands.
TEST(Cli, EveryShippedExperimentValidates) {
  int checked = 0;
  for (const auto& entry : fs::directory_iterator(std::string(NNLAB_SOURCE_DIR) + "/experiments")) {
    if (entry.path().extension() != ".yaml") continue;
    const auto result = test::run_cli("validate " + entry.path().string());
    EXPECT_EQ(result.status, 0) << entry.path() << ": " << result.err;
    ++checked;
  }
  EXPECT_GE(checked, 20);
}

TEST(Cli, AnEarlierRunIsNotOverwrittenUnlessAsked) {
  test::TempDir dir;
  const auto file = dir.write("tiny.yaml", test::synthetic_experiment());
  ASSERT_EQ(nnlab("run " + file + " --out " + dir.file("r")).status, 0);
  const std::string before = slurp(dir.file("r") + "/curves.csv");
  const Outcome again =
      nnlab("run " + file + " --out " + dir.file("r") + " --set optimizer.lr=0.5");
  EXPECT_EQ(again.status, 1);
  EXPECT_EQ(lines(again.err), 1) << again.err;
  EXPECT_NE(again.err.find("already holds a run"), std::string::npos) << again.err;
  EXPECT_EQ(slurp(dir.file("r") + "/curves.csv"), before);
  EXPECT_EQ(nnlab("run " + file + " --out " + dir.file("r") + " --overwrite --set optimizer.lr=0.5")
                .status,
            0);
  EXPECT_NE(slurp(dir.file("r") + "/curves.csv"), before);
}

struct Malformed {
  std::string name, find, replace, expected;
};

void PrintTo(const Malformed& m, std::ostream* os) { *os << m.name; }

class MalformedExperiments : public ::testing::TestWithParam<Malformed> {};

TEST_P(MalformedExperiments, FailWithOneClearLine) {
  test::TempDir dir;
  std::string yaml = test::synthetic_experiment();
  const auto& m = GetParam();
  yaml.replace(yaml.find(m.find), m.find.size(), m.replace);
  const auto file = dir.write("bad.yaml", yaml);
  for (const std::string& command :
       {"validate " + file, "run " + file + " --out " + dir.file("out")}) {
    const Outcome r = nnlab(command);
    EXPECT_EQ(r.status, 1) << command;
    EXPECT_EQ(lines(r.err), 1) << r.err;
    EXPECT_NE(r.err.find("nnlab: error: " + file + ":" + m.expected), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir.file("out"))) << "nothing is written for a bad experiment";
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cli, MalformedExperiments,
    ::testing::Values(
        Malformed{"WrongType", "units: 16", "units: sixteen",
                  "7:35: model.layers[0].body[0].units: expected an integer"},
        Malformed{"UnknownKey", "lr: 0.1", "rate: 0.1",
                  "10:30: optimizer.rate: unknown key 'rate' for optimizer 'sgd'"},
        Malformed{"UnknownKind", "kind: sgd", "kind: sdg",
                  "10:19: optimizer.kind: unknown optimizer 'sdg'; did you mean 'sgd'?"},
        Malformed{"MissingDataFile",
                  "kind: synthetic, classes: 3, features: 8, train: 120, test: 60",
                  "kind: idx, dir: /nonexistent",
                  "3:14: data: /nonexistent/train-images-idx3-ubyte.gz: cannot open"},
        // yaml-cpp reads the first of two equal keys: a silent trap, refused.
        Malformed{"DuplicateKey", "seed: 3\n", "seed: 3\nseed: 4\n",
                  "3:1: seed: duplicate key (first at line 2)"},
        // Sizes no machine has: refused with their line, never an anonymous std::bad_alloc.
        Malformed{"HugeLayer", "units: 16", "units: 1000000000000",
                  "7:21: model.layers[0].body[0]: its parameters need more memory than this "
                  "machine has"},
        Malformed{"HugeBatch", "batch_size: 20", "batch_size: 1000000000000",
                  "11:32: train.batch_size: a batch of 1000000000000 rows needs more memory than "
                  "this machine has"},
        // A repeat bomb fails at once instead of building a hundred million nodes.
        Malformed{"RepeatBomb", "repeat: 2", "repeat: 100000000",
                  "6:15: model.layers[0].repeat: expands the model past 10000 nodes; expected a "
                  "smaller repeat count"}),
    [](const auto& p) { return p.param.name; });

TEST(Cli, AnEmptyExperimentFileIsBlamedOnTheFile) {
  test::TempDir dir;
  const auto file = dir.write("empty.yaml", "");
  const Outcome r = nnlab("validate " + file);
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "nnlab: error: " + file +
                       ": the file holds no experiment; expected a mapping of experiment keys "
                       "(name, data, model, optimizer, train, ...)\n");
  EXPECT_EQ(r.out, "") << "nothing half-printed before the error";
}

TEST(Cli, ADivergingRunStopsWithOneLineAndKeepsItsRows) {
  test::TempDir dir;
  const auto file = dir.write("e.yaml", test::synthetic_experiment());
  const Outcome r = nnlab("run " + file + " --out " + dir.file("o") +
                          " --set optimizer.lr=1.0e+6 --set train.epochs=50");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("nnlab: error: training diverged at iteration "), std::string::npos)
      << r.err;
  const std::string last_line = r.err.substr(r.err.rfind('\n', r.err.size() - 2) + 1);
  EXPECT_EQ(last_line.rfind("nnlab: error: training diverged", 0), 0u)
      << "progress, then one error line:\n"
      << r.err;
  EXPECT_GE(run_curves(dir.file("o") + "/curves.csv").at("train_acc").size(), 1u)
      << "evaluations before the divergence are kept";
}

TEST(Cli, EvaluatingASplitTheDataLacksIsAnError) {
  test::TempDir dir;
  const auto file = dir.write("e.yaml", test::synthetic_experiment());
  const Outcome r = nnlab("validate " + file + " --set train.eval=[val]");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(
      r.err.find("--set: train.eval: 'val' is evaluated but the data has no validation split"),
      std::string::npos)
      << r.err;
}

TEST(Cli, AMissingExperimentFileIsOneLine) {
  const Outcome r = nnlab("run /nonexistent/e.yaml");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "nnlab: error: /nonexistent/e.yaml: cannot read the experiment file\n");
}

TEST(Cli, AMissingDataFileNamesTheFile) {
  test::TempDir dir;
  std::string yaml = test::synthetic_experiment();
  yaml.replace(yaml.find("kind: synthetic, classes: 3, features: 8, train: 120, test: 60"), 62,
               "kind: idx, dir: /nonexistent");
  const Outcome r = nnlab("run " + dir.write("e.yaml", yaml) + " --out " + dir.file("o"));
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("/nonexistent/train-images-idx3-ubyte.gz: cannot open"), std::string::npos)
      << r.err;
}

/// An install-like copy of nnlab (bin/, lib/, lib/nnlab/plugins/) with every built-in plugin but
/// `left_out`.
struct InstallCopy {
  test::TempDir prefix;
  fs::path plugins = prefix.path() / "lib/nnlab/plugins";

  explicit InstallCopy(const std::string& left_out) {
    const fs::path build_lib =
        fs::path(PluginHost::builtin_plugin_dir()).parent_path().parent_path();
    fs::create_directories(prefix.path() / "bin");
    fs::create_directories(plugins);
    fs::copy_file(NNLAB_CLI, prefix.path() / "bin/nnlab");
    for (const auto& entry : fs::directory_iterator(build_lib)) {
      if (entry.path().filename().string().starts_with("libnnlab.so"))
        fs::copy(entry.path(), prefix.path() / "lib" / entry.path().filename(),
                 fs::copy_options::copy_symlinks);
    }
    for (const auto& entry : fs::directory_iterator(build_lib / "nnlab/plugins")) {
      if (entry.path().extension() == ".so" && entry.path().filename() != left_out)
        fs::copy_file(entry.path(), plugins / entry.path().filename());
    }
  }

  /// Runs the copy's `nnlab <args>`; LD_LIBRARY_PATH makes it load the copy's libnnlab (the build
  /// tree's binary has the build folder in its RUNPATH), whose built-in plugins are the copy's.
  Outcome nnlab(const std::string& args) const {
    return run_program((prefix.path() / "bin/nnlab").string(), args,
                       "LD_LIBRARY_PATH=" + (prefix.path() / "lib").string());
  }
};

TEST(Cli, WithoutTheOptimizersPluginTheRunNamesTheMissingComponentAndWhereItLooked) {
  const InstallCopy copy("optimizers.so");
  test::TempDir dir;
  const auto file = dir.write("e.yaml", test::synthetic_experiment());
  const Outcome r = copy.nnlab("run " + file + " --out " + dir.file("o"));
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find(
                "unknown optimizer 'sgd'; no plugin provides any optimizer; plugins searched in: " +
                copy.plugins.string()),
            std::string::npos)
      << r.err;
}

TEST(Cli, WithoutTheOptimizersPluginTheOverfitExperimentFailsWithOneLine) {
  if (!fs::exists("/usr/share/datasets/fashion-mnist"))
    GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  const InstallCopy copy("optimizers.so");
  test::TempDir dir;
  const Outcome r =
      copy.nnlab("run " NNLAB_SOURCE_DIR "/experiments/overfit.yaml --set train.epochs=1 --out " +
                 dir.file("o"));
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(lines(r.err), 1) << r.err;
  EXPECT_NE(r.err.find("unknown optimizer 'sgd'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("plugins searched in: " + copy.plugins.string()), std::string::npos)
      << r.err;
}

TEST(Cli, PluginsListsEveryComponentWithItsPlugin) {
  const Outcome r = nnlab("plugins");
  ASSERT_EQ(r.status, 0) << r.err;
  for (const char* key : {"dense", "batch_norm", "dropout", "softmax_cross_entropy", "l2", "adamw",
                          "idx", "synthetic"}) {
    EXPECT_NE(r.out.find(key), std::string::npos) << key;
  }
  EXPECT_NE(r.out.find("optimizers.so"), std::string::npos);
  const Outcome bad = nnlab("plugins --plugin-path /nonexistent/x.so");
  EXPECT_EQ(bad.status, 1);
  EXPECT_EQ(bad.err, "nnlab: error: plugin /nonexistent/x.so: no such file\n");
}

TEST(Cli, APluginThatThrowsWhileRegisteringIsOneLineAndListsNothing) {
  const std::string plugin =
      fs::canonical(std::string(NNLAB_TEST_FIXTURES) + "/test_throws_after_two.so").string();
  const Outcome r = nnlab("plugins --plugin-path " + plugin);
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "nnlab: error: plugin " + plugin +
                       ": registering its components failed: the fixture gives up after two "
                       "components\n");
  EXPECT_EQ(r.out.find("staged_optimizer"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("staged_regularizer"), std::string::npos) << r.out;

  const std::string bad_schema =
      fs::canonical(std::string(NNLAB_TEST_FIXTURES) + "/test_bad_schema.so").string();
  const Outcome schema = nnlab("plugins --plugin-path " + bad_schema);
  EXPECT_EQ(schema.status, 1);
  EXPECT_EQ(lines(schema.err), 1) << schema.err;
  EXPECT_NE(schema.err.find("plugin " + bad_schema + ": "), std::string::npos) << schema.err;
  EXPECT_NE(schema.err.find("schema declares 'lr' twice"), std::string::npos) << schema.err;
}

TEST(Cli, DescribeShowsAComponentsParametersFromItsSchema) {
  const Outcome r = nnlab("plugins --describe momentum");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("optimizer 'momentum': momentum SGD"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("optimizers.so (optimizers 0.1.0)"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("  lr        number  0.01     (0, inf)  learning rate\n"), std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("  momentum  number  0.9      [0, 1)    fraction of the velocity kept"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("optimizer: {kind: momentum}"), std::string::npos) << r.out;
  const Outcome dense = nnlab("plugins --describe dense");
  EXPECT_NE(dense.out.find("units  integer  (required)"), std::string::npos) << dense.out;
  EXPECT_NE(dense.out.find("- {kind: dense, units: <integer>}"), std::string::npos) << dense.out;
  const Outcome typo = nnlab("plugins --describe batchnorm");
  EXPECT_EQ(typo.status, 1);
  EXPECT_EQ(typo.err,
            "nnlab: error: no component 'batchnorm' is registered; did you mean 'batch_norm'? "
            "('nnlab plugins' lists them all)\n");
}

TEST(Cli, AUserPluginFromPluginPathWorksInAnExperiment) {
  test::TempDir dir;
  std::string yaml = test::synthetic_experiment();
  yaml.replace(yaml.find("{kind: sgd, lr: 0.1}"), 20, "{kind: sign_sgd, lr: 0.01}");
  const auto file = dir.write("e.yaml", yaml);
  const Outcome without = nnlab("run " + file + " --out " + dir.file("a"));
  EXPECT_EQ(without.status, 1);
  EXPECT_NE(without.err.find("unknown optimizer 'sign_sgd'"), std::string::npos) << without.err;
  const std::string plugin = std::string(NNLAB_TEST_FIXTURES) + "/test_sign_sgd.so";
  const Outcome with =
      nnlab("run " + file + " --out " + dir.file("b") + " --plugin-path " + plugin);
  ASSERT_EQ(with.status, 0) << with.err;
  EXPECT_GT(run_curves(dir.file("b") + "/curves.csv").at("train_acc").back(), 0.6);  // chance: 1/3
  EXPECT_EQ(nnlab("run " + file + " --out " + dir.file("c"),
                  "NNLAB_PLUGIN_PATH=" + std::string(NNLAB_TEST_FIXTURES) + "/test_sign_sgd.so")
                .status,
            0);
}

TEST(Cli, UnknownCommandsAndOptionsAreUsageErrors) {
  EXPECT_EQ(nnlab("frobnicate").status, 2);
  const Outcome r = nnlab("run x.yaml --epochs 3");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(lines(r.err), 1) << r.err;
}

}  // namespace
}  // namespace nnlab
