// Blocked layouts between layers (Layer::plan): a CNN run through the graph with activations in
// the layouts oneDNN's primitives chose must give what the same graph gives in plain rows, whose
// layers are checked against float64 references and finite differences (image_layer_test.cpp).
// The nets cover a chain of planning layers, a fan-out whose consumers plan and do not (add), a
// blocked node read by a probe, and a blocked output node read by the loss.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "graph.hpp"
#include "nnlab/random.hpp"
#include "test_support.hpp"

namespace nnlab {
namespace {

std::string cnn_yaml(const std::string& layers) {
  return "name: cnn\ndata: {kind: synthetic}\nmodel:\n" + layers +
         "  loss: {kind: softmax_cross_entropy}\noptimizer: {kind: sgd}\ntrain: {epochs: 1}\n";
}

const std::string kChain =
    "  layers:\n"
    "    - {kind: conv2d, filters: 20, kernel: 3, padding: 1}\n"
    "    - {kind: batch_norm}\n"
    "    - {kind: relu}\n"
    "    - {kind: max_pool, kernel: 2}\n"
    "    - {kind: conv2d, filters: 24, kernel: 3, stride: 2, padding: 1, name: c2}\n"
    "    - {kind: tanh}\n"
    "    - {kind: avg_pool, kernel: 3, stride: 1, padding: 1}\n"
    "    - {kind: sigmoid}\n"  // sigmoid(0) = 0.5: the channel padding must stay zero
    "    - {kind: conv2d, filters: 5, kernel: 1}\n"
    "    - {kind: dense, units: 7}\n";

// conv a -> {conv b -> relu, skip} -> add: the add does not plan, so the graph stages
// both of its inputs to plain rows; the first conv's output fans out to a planning consumer and a
// staged one, whose gradients are summed in the blocked layout.
const std::string kResidual =
    "  layers:\n"
    "    - {name: a, kind: conv2d, filters: 16, kernel: 3, padding: 1}\n"
    "    - {name: b, kind: conv2d, filters: 16, kernel: 3, padding: 1}\n"
    "    - {name: r, kind: relu}\n"
    "    - {name: s, kind: add, inputs: [r, a]}\n"
    "    - {name: g, kind: global_avg_pool}\n"
    "  output: g\n";

struct Pass {
  std::vector<float> output;
  std::vector<std::vector<float>> grads;
  std::vector<Layout> layouts;
};

/// One forward and backward with a fixed output gradient; `plain` keeps every node in plain rows.
Pass run(const std::string& model, const Shape& data, std::int64_t batch, bool plain) {
  const auto spec = parse_experiment(cnn_yaml(model), "cnn.yaml");
  Graph graph(spec.model, data, test::builtin_host(), 5);
  if (plain) graph.use_plain_layouts();
  Compute compute = Compute::make();
  Rng rng(11);
  std::normal_distribution<float> normal;
  Matrix x(batch, data.size());
  for (std::int64_t i = 0; i < x.size(); ++i) x.data()[i] = normal(rng);
  Pass pass;
  pass.layouts = graph.layouts(compute, batch);
  const ConstMatrixView y = graph.forward(compute, x, Mode::train);
  pass.output.assign(y.data, y.data + y.size());
  MatrixView dy = graph.output_grad();
  EXPECT_EQ(dy.cols, graph.output_width());
  for (std::int64_t i = 0; i < dy.size(); ++i) dy.data[i] = std::sin(0.37f * static_cast<float>(i));
  graph.backward(compute);
  for (const Parameter* p : graph.parameters())
    pass.grads.emplace_back(p->grad.data(), p->grad.data() + p->grad.size());
  compute.stream.wait();
  return pass;
}

/// Equal to float rounding: within 2e-5 of the largest |want|, or of `floor` when that is larger
/// (a conv bias in front of batch norm has a zero gradient, which is rounding noise here).
void expect_close(const std::vector<float>& got, const std::vector<float>& want, const char* what,
                  double floor = 1e-6) {
  ASSERT_EQ(got.size(), want.size()) << what;
  double scale = floor;
  for (float w : want) scale = std::max(scale, static_cast<double>(std::abs(w)));
  for (std::size_t i = 0; i < got.size(); ++i)
    ASSERT_NEAR(got[i], want[i], 2e-5 * scale) << what << " [" << i << "]";
}

double largest(const std::vector<std::vector<float>>& grads) {
  double m = 0;
  for (const auto& g : grads)
    for (float v : g) m = std::max(m, static_cast<double>(std::abs(v)));
  return m;
}

int blocked_count(const std::vector<Layout>& layouts) {
  int n = 0;
  for (const auto& l : layouts) n += is_plain(l) ? 0 : 1;
  return n;
}

TEST(BlockedLayouts, AChainOfImageLayersMatchesThePlainRun) {
  for (std::int64_t batch : {1, 5}) {
    const Pass blocked = run(kChain, Shape{3, 9, 11}, batch, false);
    const Pass plain = run(kChain, Shape{3, 9, 11}, batch, true);
    // The run under test must really be blocked, or it would compare plain with plain.
    EXPECT_GE(blocked_count(blocked.layouts), 3) << "batch " << batch;
    EXPECT_EQ(blocked_count(plain.layouts), 0);
    expect_close(blocked.output, plain.output, "output");
    ASSERT_EQ(blocked.grads.size(), plain.grads.size());
    for (std::size_t p = 0; p < plain.grads.size(); ++p)
      expect_close(blocked.grads[p], plain.grads[p], "parameter gradient", largest(plain.grads));
  }
}

TEST(BlockedLayouts, AFanOutToPlanningAndPlainConsumersMatchesThePlainRun) {
  const Pass blocked = run(kResidual, Shape{2, 6, 6}, 3, false);
  const Pass plain = run(kResidual, Shape{2, 6, 6}, 3, true);
  EXPECT_GE(blocked_count(blocked.layouts), 2);
  expect_close(blocked.output, plain.output, "output");
  for (std::size_t p = 0; p < plain.grads.size(); ++p)
    expect_close(blocked.grads[p], plain.grads[p], "parameter gradient", largest(plain.grads));
}

TEST(BlockedLayouts, ProbesAndTheLossReadPlainRowsOfABlockedNode) {
  const std::string model =
      "  layers:\n"
      "    - {kind: conv2d, filters: 17, kernel: 3, name: c}\n"
      "    - {kind: relu, name: out}\n";
  const auto spec = parse_experiment(cnn_yaml(model), "cnn.yaml");
  Graph blocked(spec.model, Shape{4, 7, 7}, test::builtin_host(), 3);
  Graph plain(spec.model, Shape{4, 7, 7}, test::builtin_host(), 3);
  plain.use_plain_layouts();
  Compute compute = Compute::make();
  const auto layouts = blocked.layouts(compute, 2);
  ASSERT_FALSE(is_plain(layouts.back())) << "the output node should be blocked for this test";
  Matrix x(2, 4 * 7 * 7);
  for (std::int64_t i = 0; i < x.size(); ++i) x.data()[i] = std::cos(static_cast<float>(i));
  const ConstMatrixView yb = blocked.forward(compute, x, Mode::infer);
  std::vector<float> out(yb.data, yb.data + yb.size());
  const ConstMatrixView yp = plain.forward(compute, x, Mode::infer);
  EXPECT_EQ(yb.cols, 17 * 5 * 5);
  expect_close(out, std::vector<float>(yp.data, yp.data + yp.size()), "loss input");
  const ConstMatrixView cb = blocked.node_output("c");
  std::vector<float> probed(cb.data, cb.data + cb.size());
  const ConstMatrixView cp = plain.node_output("c");
  expect_close(probed, std::vector<float>(cp.data, cp.data + cp.size()), "probe");
}

}  // namespace
}  // namespace nnlab
