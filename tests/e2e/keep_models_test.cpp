// search.keep_models: a sweep keeps the best trial's trained model beside best.yaml (and
// `nnlab run best.yaml` trains the same bytes), every complete trial's with `all`, none with
// `none`, the Pareto trials' in a multi-objective sweep; a resume drops a model left stale by a
// kill between best.yaml and its model.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "cli.hpp"
#include "results/trials_file.hpp"
#include "test_support.hpp"

namespace nnlab {
namespace {

namespace fs = std::filesystem;

/// Six random trials; the largest learning rates diverge (FAIL rows).
std::string sweep_yaml(const std::string& extra = "") {
  return test::synthetic_experiment("keep") +
         "search:\n  kind: random\n  trials: 8\n  objective: {metric: test_acc, mode: max}\n"
         "  space:\n    optimizer.lr: {distribution: log_uniform, min: 1.0e-3, max: 1.0e12}\n" +
         extra;
}

std::set<std::string> files_in(const std::string& dir) {
  std::set<std::string> names;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (!name.starts_with(".")) names.insert(name);  // not the folder's lock file
  }
  return names;
}

TEST(KeepModels, TheBestTrialsModelIsWhatRunningBestYamlTrains) {
  test::TempDir dir;
  const std::string out = dir.file("out");
  const auto swept = test::run_cli("sweep " + dir.write("s.yaml", sweep_yaml()) + " --out " + out);
  ASSERT_EQ(swept.status, 0) << swept.err;
  EXPECT_NE(swept.out.find(out + "/best.safetensors"), std::string::npos) << swept.out;
  const auto run = test::run_cli("run " + out + "/best.yaml --out " + dir.file("again") + " -q");
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(test::slurp(out + "/best.safetensors"),
            test::slurp(dir.file("again") + "/model.safetensors"))
      << "the kept model is the best trial's, byte for byte";
  EXPECT_FALSE(fs::exists(out + "/models"));
}

TEST(KeepModels, AllKeepsEveryCompleteTrialsAndNoneKeepsNone) {
  test::TempDir dir;
  const std::string all = dir.file("all"), none = dir.file("none");
  const std::string file = dir.write("s.yaml", sweep_yaml());
  ASSERT_EQ(
      test::run_cli("sweep " + file + " --out " + all + " -q --set search.keep_models=all").status,
      0);
  std::set<std::string> expected;
  int failed = 0;
  for (const auto& r : read_trials(all + "/trials.csv", {"optimizer.lr"})) {
    if (r.state == TrialState::complete)
      expected.insert("trial_" + std::to_string(r.trial) + ".safetensors");
    failed += r.state == TrialState::failed;
  }
  ASSERT_GT(failed, 0) << "the space holds diverging rates";
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(files_in(all + "/models"), expected);
  EXPECT_FALSE(fs::exists(all + "/best.safetensors"));
  ASSERT_EQ(test::run_cli("sweep " + file + " --out " + none + " -q --set search.keep_models=none")
                .status,
            0);
  EXPECT_EQ(files_in(none),
            (std::set<std::string>{"best.yaml", "curves.csv", "sweep.yaml", "trials.csv"}));
  const auto bad = test::run_cli("sweep " + file + " --set search.keep_models=last");
  EXPECT_EQ(bad.status, 1);
  EXPECT_EQ(bad.err,
            "nnlab: error: --set: search.keep_models: expected one of best all none, got 'last'; "
            "did you mean "
            "'best'?\n");
}

TEST(KeepModels, AMultiObjectiveSweepKeepsEachParetoTrialsModel) {
  test::TempDir dir;
  const std::string out = dir.file("out");
  const std::string yaml =
      test::synthetic_experiment("mo") +
      "search:\n  kind: random\n  trials: 10\n  objectives:\n"
      "    - {metric: test_acc, mode: max}\n    - {metric: params, mode: min}\n"
      "  space:\n    optimizer.lr: {distribution: log_uniform, min: 1.0e-3, max: 0.5}\n"
      "    model.layers[0].body[0].units: {distribution: int, min: 1, max: 32}\n";
  ASSERT_EQ(test::run_cli("sweep " + dir.write("mo.yaml", yaml) + " --out " + out + " -q").status,
            0);
  std::set<std::string> yamls, models;
  for (const auto& name : files_in(out + "/pareto"))
    (name.ends_with(".yaml") ? yamls : models).insert(name.substr(0, name.find('.')));
  ASSERT_FALSE(yamls.empty());
  EXPECT_EQ(models, yamls) << "a model beside each Pareto trial's YAML, and no other";
}

TEST(KeepModels, AResumeDropsAModelThatIsNotTheBestTrials) {
  test::TempDir dir;
  const std::string out = dir.file("out");
  const std::string file = dir.write("s.yaml", sweep_yaml());
  ASSERT_EQ(
      test::run_cli("sweep " + file + " --out " + out + " -q --set search.keep_models=all").status,
      0);
  // As if killed between best.yaml and its model: another trial's model under the best's name.
  const std::string best = test::slurp(out + "/best.yaml");
  std::string other;
  for (const auto& name : files_in(out + "/models")) {
    const std::string bytes = test::slurp(out + "/models/" + name);
    if (bytes.find(best) == std::string::npos) other = bytes;
  }
  ASSERT_FALSE(other.empty());
  dir.write("out/best.safetensors", other);
  ASSERT_EQ(
      test::run_cli("sweep " + file + " --out " + out + " -q --resume --set search.keep_models=all")
          .status,
      0);
  EXPECT_FALSE(fs::exists(out + "/best.safetensors")) << "a stale model is not kept";
}

}  // namespace
}  // namespace nnlab
