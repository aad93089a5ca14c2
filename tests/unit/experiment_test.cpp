#include "experiment.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace nnlab {
namespace {

TEST(Experiment, RepeatExpandsIntoANamedChain) {
  const auto spec = parse_experiment(test::synthetic_experiment(), "t.yaml");
  std::vector<std::string> names, inputs;
  for (const auto& node : spec.model.nodes) {
    names.push_back(node.name);
    inputs.push_back(node.inputs.at(0));
  }
  EXPECT_EQ(names, (std::vector<std::string>{"dense1", "relu1", "dense2", "relu2", "dense3"}));
  EXPECT_EQ(inputs, (std::vector<std::string>{"input", "dense1", "relu1", "dense2", "relu2"}));
  EXPECT_EQ(spec.model.output, "dense3");
  EXPECT_EQ(spec.model.nodes[2].layer.path, "model.layers[0].body[0]");
  EXPECT_EQ(spec.seed, 3u);
  EXPECT_EQ(spec.train.epochs, 5);
}

TEST(Experiment, NamedNodesInsideARepeatGetSuffixesAndKeepTheirReferences) {
  const std::string yaml =
      "name: res\ndata: {kind: synthetic}\n"
      "model:\n"
      "  layers:\n"
      "    - {kind: dense, units: 8, name: stem}\n"
      "    - repeat: 2\n"
      "      body:\n"
      "        - {kind: dense, units: 8, name: fc}\n"
      "        - {kind: add, name: sum, inputs: [fc, stem]}\n"
      "  loss: {kind: mse}\n"
      "optimizer: {kind: sgd}\ntrain: {epochs: 1}\n";
  const auto spec = parse_experiment(yaml, "r.yaml");
  ASSERT_EQ(spec.model.nodes.size(), 5u);
  EXPECT_EQ(spec.model.nodes[1].name, "fc_1");
  EXPECT_EQ(spec.model.nodes[2].inputs, (std::vector<std::string>{"fc_1", "stem"}));
  EXPECT_EQ(spec.model.nodes[3].inputs, (std::vector<std::string>{"sum_1"}));
  EXPECT_EQ(spec.model.nodes[4].inputs, (std::vector<std::string>{"fc_2", "stem"}));
}

TEST(Experiment, UnknownTopLevelKeyNamesItsLineAndTheNearestKey) {
  const std::string yaml = test::synthetic_experiment() + "trian: {epochs: 3}\n";
  const auto message = test::error_of([&] { parse_experiment(yaml, "exp.yaml"); });
  EXPECT_EQ(message.rfind("exp.yaml:12:1: trian: unknown key 'trian'; did you mean 'train'?", 0),
            0u)
      << message;
}

TEST(Experiment, WrongTypeInACoreSectionNamesFileLineAndPath) {
  std::string yaml = test::synthetic_experiment();
  yaml.replace(yaml.find("epochs: 5"), 9, "epochs: five");
  EXPECT_EQ(test::error_of([&] { parse_experiment(yaml, "exp.yaml"); }),
            "exp.yaml:11:17: train.epochs: expected an integer, got 'five'");
}

TEST(Experiment, AMappingAsAKeyIsAnErrorNamingItsLine) {
  // Found by fuzz_experiment: yaml-cpp's anonymous bad conversion escaped the loader.
  std::string yaml = test::synthetic_experiment();
  yaml.replace(yaml.find("epochs: 5"), 9, "? {epochs: 5}\n  : 1");
  EXPECT_EQ(test::error_of([&] { parse_experiment(yaml, "exp.yaml"); }),
            "exp.yaml:11:11: train: expected a plain key, got a list or mapping as a key");
}

TEST(Experiment, MissingSectionsAndKindsAreErrors) {
  EXPECT_NE(test::error_of([] {
              parse_experiment("name: x\n", "e.yaml");
            }).find("missing required key 'data'"),
            std::string::npos);
  std::string yaml = test::synthetic_experiment();
  yaml.replace(yaml.find("{kind: sgd, lr: 0.1}"), 20, "{lr: 0.1}");
  EXPECT_NE(test::error_of([&] {
              parse_experiment(yaml, "e.yaml");
            }).find("e.yaml:10:12: optimizer.kind: missing required key 'kind'"),
            std::string::npos);
}

TEST(Experiment, InvalidYamlReportsTheParserPosition) {
  const auto message =
      test::error_of([] { parse_experiment("name: x\nmodel: [a, b\n", "bad.yaml"); });
  EXPECT_EQ(message.rfind("bad.yaml:", 0), 0u) << message;
  EXPECT_NE(message.find("invalid YAML"), std::string::npos) << message;
}

TEST(Experiment, AMissingFileIsAnError) {
  EXPECT_EQ(test::error_of([] { load_experiment("/nonexistent/x.yaml"); }),
            "/nonexistent/x.yaml: cannot read the experiment file");
}

TEST(Experiment, ShippedExperimentsParse) {
  for (const char* name : {"overfit.yaml", "overfit_weight_decay.yaml", "batch_norm.yaml",
                           "hyperparameter_search.yaml", "batch_norm_vs_init.yaml"}) {
    const auto spec = load_experiment(std::string(NNLAB_SOURCE_DIR) + "/experiments/" + name);
    EXPECT_FALSE(spec.model.nodes.empty()) << name;
  }
  const auto overfit = load_experiment(std::string(NNLAB_SOURCE_DIR) + "/experiments/overfit.yaml");
  EXPECT_EQ(overfit.model.nodes.size(), 13u);  // 6 x (dense, relu) + output dense
  EXPECT_EQ(overfit.train.epochs, 201);
  EXPECT_EQ(overfit.data.train_limit, 300);
  const auto e9 =
      load_experiment(std::string(NNLAB_SOURCE_DIR) + "/experiments/hyperparameter_search.yaml");
  ASSERT_TRUE(e9.search.has_value());
  EXPECT_EQ(e9.search->trials, 100);
  EXPECT_EQ(e9.search->space.parameters.size(), 2u);
  EXPECT_EQ(e9.data.val_size, 100);
  const auto e5 =
      load_experiment(std::string(NNLAB_SOURCE_DIR) + "/experiments/batch_norm_vs_init.yaml");
  EXPECT_EQ(e5.search->space.parameters[0].paths.size(), 2u);
}

}  // namespace
}  // namespace nnlab
