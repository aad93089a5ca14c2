#include "graph.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace nnlab {
namespace {

std::string model_yaml(const std::string& layers) {
  return "name: g\ndata: {kind: synthetic}\nmodel:\n  layers:\n" + layers +
         "  loss: {kind: softmax_cross_entropy}\noptimizer: {kind: sgd}\ntrain: {epochs: 1}\n";
}

std::string graph_error(const std::string& layers) {
  const auto spec = parse_experiment(model_yaml(layers), "g.yaml");
  return test::error_of([&] { Graph(spec.model, Shape{16}, test::builtin_host(), 1); });
}

TEST(Graph, BuildsAChainWithParametersInNodeOrder) {
  const auto spec = parse_experiment(test::synthetic_experiment(), "t.yaml");
  Graph graph(spec.model, Shape{8}, test::builtin_host(), 1);
  EXPECT_EQ(graph.output_width(), 3);
  std::vector<std::string> names;
  for (const Parameter* p : graph.parameters()) names.push_back(p->name);
  EXPECT_EQ(names, (std::vector<std::string>{"dense1.W", "dense1.b", "dense2.W", "dense2.b",
                                             "dense3.W", "dense3.b"}));
  EXPECT_EQ(graph.parameters()[0]->value.rows(), 8);
  EXPECT_EQ(graph.parameters()[0]->value.cols(), 16);
}

TEST(Graph, TheSameSeedGivesTheSameInitialWeights) {
  const auto spec = parse_experiment(test::synthetic_experiment(), "t.yaml");
  Graph a(spec.model, Shape{8}, test::builtin_host(), 7),
      b(spec.model, Shape{8}, test::builtin_host(), 7),
      c(spec.model, Shape{8}, test::builtin_host(), 8);
  const Matrix& wa = a.parameters()[0]->value;
  const Matrix& wb = b.parameters()[0]->value;
  const Matrix& wc = c.parameters()[0]->value;
  EXPECT_TRUE(std::equal(wa.data(), wa.data() + wa.size(), wb.data()));
  EXPECT_FALSE(std::equal(wa.data(), wa.data() + wa.size(), wc.data()));
}

TEST(Graph, WrongParameterTypeNamesTheLayersLine) {
  EXPECT_EQ(graph_error("    - {kind: dense, units: 10}\n    - {kind: dense, units: ten}\n"),
            "g.yaml:6:28: model.layers[1].units: expected an integer, got 'ten'");
}

TEST(Graph, UnknownLayerParameterIsRejected) {
  const auto message = graph_error("    - {kind: dense, units: 10, int: he}\n");
  EXPECT_NE(message.find("g.yaml:5:37: model.layers[0].int: unknown key 'int' for layer 'dense'; "
                         "did you mean 'init'?"),
            std::string::npos)
      << message;
}

TEST(Graph, UnknownKindListsKnownKeysTheNearestAndTheSearchPath) {
  const auto message = graph_error("    - {kind: dense, units: 10}\n    - {kind: rleu}\n");
  EXPECT_NE(
      message.find("g.yaml:6:14: model.layers[1].kind: unknown layer 'rleu'; did you mean 'relu'?"),
      std::string::npos)
      << message;
  EXPECT_NE(message.find("known: add avg_pool batch_norm conv2d dense dropout flatten "
                         "global_avg_pool identity max_pool relu sigmoid tanh"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("plugins searched in: " + PluginHost::builtin_plugin_dir()),
            std::string::npos)
      << message;
}

TEST(Graph, InputsMustNameEarlierNodes) {
  EXPECT_NE(graph_error("    - {kind: dense, units: 10, inputs: [nowhere]}\n")
                .find("no node named 'nowhere'"),
            std::string::npos);
}

TEST(Graph, CyclesAreRefused) {
  const auto message = graph_error(
      "    - {kind: dense, units: 10, name: a, inputs: [b]}\n"
      "    - {kind: dense, units: 10, name: b, inputs: [a]}\n");
  EXPECT_NE(message.find("is part of a cycle"), std::string::npos) << message;
}

TEST(Graph, NodesThatDoNotReachTheOutputAreRefused) {
  const auto message = graph_error(
      "    - {kind: dense, units: 10, name: a}\n"
      "    - {kind: dense, units: 10, name: orphan, inputs: [input]}\n"
      "    - {kind: relu, inputs: [a]}\n");
  EXPECT_NE(message.find("node 'orphan' does not lead to the model output 'relu1'"),
            std::string::npos)
      << message;
}

TEST(Graph, InputCountIsChecked) {
  EXPECT_NE(graph_error("    - {kind: add}\n").find("layer 'add' takes 2+ input(s), got 1"),
            std::string::npos);
  EXPECT_NE(
      graph_error("    - {kind: dense, units: 10, name: a}\n    - {kind: relu, inputs: [a, a]}\n")
          .find("layer 'relu' takes 1 input(s), got 2"),
      std::string::npos);
}

TEST(Graph, AddRefusesInputsOfDifferentShapes) {
  const auto message = graph_error(
      "    - {kind: dense, units: 10, name: a}\n"
      "    - {kind: dense, units: 12, name: b, inputs: [input]}\n"
      "    - {kind: add, inputs: [a, b]}\n");
  EXPECT_NE(
      message.find("add: every input must have the same shape, got 10 (input 1) and 12 (input 2)"),
      std::string::npos)
      << message;
}

TEST(Graph, ResidualForwardSumsItsBranches) {
  const auto spec = parse_experiment(model_yaml("    - {kind: dense, units: 4, name: a}\n"
                                                "    - {kind: relu, name: r}\n"
                                                "    - {kind: add, inputs: [a, r]}\n"),
                                     "g.yaml");
  Graph graph(spec.model, Shape{16}, test::builtin_host(), 5);
  Matrix x(3, 16);
  for (std::int64_t i = 0; i < x.size(); ++i) x.data()[i] = static_cast<float>((i % 7) - 3) * 0.25f;
  Compute compute = Compute::make();
  const ConstMatrixView y = graph.forward(compute, x, Mode::infer);
  // y = a + relu(a), with a = xW (bias 0 at init).
  const Matrix& w = graph.parameters()[0]->value;
  for (std::int64_t r = 0; r < 3; ++r) {
    for (std::int64_t c = 0; c < 4; ++c) {
      double a = 0;
      for (std::int64_t k = 0; k < 16; ++k) a += static_cast<double>(x.at(r, k)) * w.at(k, c);
      EXPECT_NEAR(y.at(r, c), a + std::max(a, 0.0), 1e-5);
    }
  }
}

}  // namespace
}  // namespace nnlab
