#include "yaml_overrides.hpp"

#include <gtest/gtest.h>

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
  EXPECT_NE(message.find("--set: optimiser: unknown key 'optimiser'; did you mean 'optimizer'?"), std::string::npos) << message;
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

}  // namespace
}  // namespace nnlab
