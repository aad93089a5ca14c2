#include "yaml_overrides.hpp"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "experiment.hpp"
#include "test_support.hpp"

namespace nnlab {
namespace {

TEST(KeyPath, ParsesKeysAndIndices) {
  const auto steps = parse_key_path("regularizers[0].lambda");
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_EQ(std::get<std::string>(steps[0]), "regularizers");
  EXPECT_EQ(std::get<std::size_t>(steps[1]), 0u);
  EXPECT_EQ(std::get<std::string>(steps[2]), "lambda");
  EXPECT_THROW(parse_key_path("a..b"), ConfigError);
  EXPECT_THROW(parse_key_path("a[x]"), ConfigError);
}

TEST(Overrides, ReplaceValuesAndAreResolvedIntoTheSavedExperiment) {
  const auto spec = parse_experiment(
      test::synthetic_experiment("tiny", "regularizers: [{kind: l2, lambda: 0.5}]\n"), "t.yaml",
      {"optimizer.lr=0.25", "regularizers[0].lambda=0.125", "train.eval=[test]"});
  EXPECT_EQ(spec.optimizer.params.number("lr"), 0.25);
  EXPECT_EQ(spec.regularizers[0].params.number("lambda"), 0.125);
  EXPECT_EQ(spec.train.eval, std::vector<Split>{Split::test});
  // The saved experiment carries the overrides: loading it again gives the same values.
  const auto again = parse_experiment(spec.resolved_yaml, "resolved.yaml");
  EXPECT_EQ(again.optimizer.params.number("lr"), 0.25);
  EXPECT_EQ(again.regularizers[0].params.number("lambda"), 0.125);
}

TEST(Overrides, CanAddAKeyToAComponent) {
  const auto spec = parse_experiment(test::synthetic_experiment(), "t.yaml",
                                     {"optimizer.kind=momentum", "optimizer.momentum=0.5"});
  EXPECT_EQ(spec.optimizer.kind, "momentum");
  EXPECT_EQ(spec.optimizer.params.number("momentum"), 0.5);
}

TEST(Overrides, BadPathsAreErrorsNamingTheOverride) {
  auto message = test::error_of(
      [] { parse_experiment(test::synthetic_experiment(), "t.yaml", {"optimiser.lr=0.1"}); });
  EXPECT_NE(message.find("--set: optimiser: unknown key 'optimiser'; did you mean 'optimizer'?"),
            std::string::npos)
      << message;
  message = test::error_of([] {
    parse_experiment(test::synthetic_experiment(), "t.yaml", {"model.layers[7].units=3"});
  });
  EXPECT_NE(message.find("index 7 is past the list's 2 items"), std::string::npos) << message;
  message = test::error_of(
      [] { parse_experiment(test::synthetic_experiment(), "t.yaml", {"optimizer.lr"}); });
  EXPECT_NE(message.find("expected key.path=value"), std::string::npos) << message;
}

TEST(Overrides, AWrongTypeFromTheCommandLineIsBlamedOnTheOverride) {
  const auto message = test::error_of(
      [] { parse_experiment(test::synthetic_experiment(), "t.yaml", {"train.epochs=many"}); });
  EXPECT_EQ(message, "--set: train.epochs: expected an integer, got 'many'");
}

std::string emitted(const YAML::Node& node) {
  YAML::Emitter out;
  out << YAML::Flow << node;
  return out.c_str();
}

TEST(Overrides, ATildeDeletesAKeySoAnotherFormCanReplaceIt) {
  // A shipped experiment pointed at other files: `dataset` and `dir` exclude each other.
  YAML::Node root = YAML::Load("data: {kind: idx, dataset: fashion-mnist, train_limit: 300}");
  EXPECT_EQ(apply_override(root, "~data.dataset"), "~data.dataset");
  apply_override(root, "data.dir=/my/mnist");
  EXPECT_EQ(emitted(root), "data: {kind: idx, train_limit: 300, dir: /my/mnist}");
}

TEST(Overrides, ATildeDeletesAListItemAndTheRestMoveUp) {
  const auto spec = parse_experiment(
      test::synthetic_experiment(
          "tiny", "regularizers: [{kind: l2, lambda: 0.5}, {kind: l1, lambda: 0.25}]\n"),
      "t.yaml", {"~regularizers[0]", "regularizers[0].lambda=0.125"});
  ASSERT_EQ(spec.regularizers.size(), 1u);
  EXPECT_EQ(spec.regularizers[0].kind, "l1");
  EXPECT_EQ(spec.regularizers[0].params.number("lambda"), 0.125);
}

TEST(Overrides, ADeletionIsResolvedIntoTheSavedExperiment) {
  const auto spec =
      parse_experiment(test::synthetic_experiment("tiny", "execution: {threads_per_trial: 2}\n"),
                       "t.yaml", {"~execution", "~data.features"});
  EXPECT_EQ(spec.resolved_yaml.find("execution"), std::string::npos) << spec.resolved_yaml;
  EXPECT_EQ(spec.resolved_yaml.find("features"), std::string::npos) << spec.resolved_yaml;
  // Loading the saved experiment again gives the same experiment, so a rerun (or a sweep's
  // --resume, which compares resolved experiments) sees no difference.
  EXPECT_EQ(parse_experiment(spec.resolved_yaml, "resolved.yaml").resolved_yaml,
            spec.resolved_yaml);
}

TEST(Overrides, DeletingWhatIsNotThereIsAnErrorNamingThePath) {
  auto message = test::error_of(
      [] { parse_experiment(test::synthetic_experiment(), "t.yaml", {"~data.dataset"}); });
  EXPECT_EQ(message, "--set: ~data.dataset: nothing to delete: no key 'dataset'");
  message = test::error_of(
      [] { parse_experiment(test::synthetic_experiment(), "t.yaml", {"~execution.seed"}); });
  EXPECT_EQ(message, "--set: ~execution.seed: nothing to delete: no key 'execution'");
  message = test::error_of(
      [] { parse_experiment(test::synthetic_experiment(), "t.yaml", {"~regularizers[0]"}); });
  EXPECT_EQ(message, "--set: ~regularizers[0]: nothing to delete: no key 'regularizers'");
  message = test::error_of(
      [] { parse_experiment(test::synthetic_experiment(), "t.yaml", {"~model.layers[2]"}); });
  EXPECT_EQ(message,
            "--set: ~model.layers[2]: nothing to delete: index 2 is past the list's 2 items");
  message = test::error_of(
      [] { parse_experiment(test::synthetic_experiment(), "t.yaml", {"~optimizer.lr=0.1"}); });
  EXPECT_EQ(message, "--set: ~optimizer.lr=0.1: a deletion takes no value: ~key.path");
  // Nothing was created on the way to the missing key.
  YAML::Node root = YAML::Load("optimizer: {kind: sgd}");
  EXPECT_THROW(apply_override(root, "~train.epochs"), ConfigError);
  EXPECT_EQ(emitted(root), "optimizer: {kind: sgd}");
}

TEST(Overrides, ErrorsInItemsADeletionMovedStillPointIntoTheFile) {
  const std::string yaml =
      "name: t\n"
      "data: {kind: synthetic}\n"
      "model:\n"
      "  layers:\n"
      "    - {kind: relu}\n"
      "    - {repeat: many, body: [{kind: relu}]}\n"
      "  loss: {kind: mse}\n"
      "optimizer: {kind: sgd}\n"
      "train: {epochs: 1}\n";
  const auto message =
      test::error_of([&] { parse_experiment(yaml, "t.yaml", {"~model.layers[0]"}); });
  EXPECT_EQ(message.rfind("t.yaml:6:", 0), 0u) << message;
}

}  // namespace
}  // namespace nnlab
