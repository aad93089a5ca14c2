// Whole-network gradient checks (the seed's E6): a batch-normalised network built from YAML through
// the plugins, against a float64 reference network whose backprop is checked by finite differences.
#include <gtest/gtest.h>

#include "graph.hpp"
#include "reference.hpp"
#include "test_support.hpp"
#include "trainer.hpp"

namespace nnlab {
namespace {

using ref::Mat;

/// dense -> BN -> relu, twice, then dense and softmax CE; `batch_norm` is the BN component.
std::string batch_norm_net(const std::string& batch_norm = "{kind: batch_norm}") {
  return "name: e6\ndata: {kind: synthetic}\n"
         "model:\n"
         "  layers:\n"
         "    - repeat: 2\n"
         "      body: [{kind: dense, units: 5, init: 0.5}, " +
         batch_norm +
         ", {kind: relu}]\n"
         "    - {kind: dense, units: 3, init: 0.5}\n"
         "  loss: {kind: softmax_cross_entropy}\n"
         "optimizer: {kind: sgd}\ntrain: {epochs: 1}\n";
}

/// The float64 twin of batch_norm_net(): dense -> BN -> relu, twice, then dense and softmax CE.
struct ReferenceNet {
  std::vector<Mat> p;  // W1 b1 g1 be1 W2 b2 g2 be2 W3 b3 (the graph's order when BN is learned)

  double loss(const Mat& x, const std::vector<std::int32_t>& t,
              std::vector<Mat>* grads = nullptr) const {
    const Mat a1 = ref::dense(x, p[0], p[1]);
    const Mat n1 = ref::batch_norm(a1, p[2], p[3], ref::batch_stats(a1), 1e-6);
    const Mat h1 = ref::map(n1, ref::relu);
    const Mat a2 = ref::dense(h1, p[4], p[5]);
    const Mat n2 = ref::batch_norm(a2, p[6], p[7], ref::batch_stats(a2), 1e-6);
    const Mat h2 = ref::map(n2, ref::relu);
    const Mat z = ref::dense(h2, p[8], p[9]);
    Mat dz;
    const double value = ref::softmax_cross_entropy(z, t, grads ? &dz : nullptr);
    if (!grads) return value;
    grads->assign(10, Mat());
    auto& g = *grads;
    Mat dh2, dn2, da2, dh1, dn1, da1, dx;
    ref::dense_backward(h2, p[8], dz, dh2, g[8], g[9]);
    dn2 = dh2;
    for (std::size_t i = 0; i < dn2.v.size(); ++i) dn2.v[i] *= ref::relu_grad(n2.v[i]);
    ref::batch_norm_backward(a2, p[6], dn2, 1e-6, da2, g[6], g[7]);
    ref::dense_backward(h1, p[4], da2, dh1, g[4], g[5]);
    dn1 = dh1;
    for (std::size_t i = 0; i < dn1.v.size(); ++i) dn1.v[i] *= ref::relu_grad(n1.v[i]);
    ref::batch_norm_backward(a1, p[2], dn1, 1e-6, da1, g[2], g[3]);
    ref::dense_backward(x, p[0], da1, dx, g[0], g[1]);
    return value;
  }
};

TEST(NetworkGradient, BatchNormNetworkMatchesFloat64ReferenceAndFiniteDifferences) {
  const auto spec = parse_experiment(batch_norm_net(), "e6.yaml");
  Graph graph(spec.model, Shape{4}, test::builtin_host(), 17);
  auto loss =
      test::builtin_host().create(test::builtin_host().registries().losses, spec.model.loss);
  std::mt19937_64 rng(23);
  // Non-trivial gamma, beta and biases, so every term of the backward pass matters.
  for (Parameter* p : graph.parameters()) {
    if (p->role == ParameterRole::scale) ref::randomize(p->value, rng, 0.5, 1.5);
    if (p->role == ParameterRole::shift || p->role == ParameterRole::bias)
      ref::randomize(p->value, rng);
  }
  Matrix x(8, 4);
  ref::randomize(x, rng);
  const std::vector<std::int32_t> labels = {0, 1, 2, 1, 0, 2, 2, 1};

  Compute compute = Compute::make();
  const double float_loss = loss->forward(compute, graph.forward(compute, x, Mode::train), labels);
  loss->backward(compute, graph.output_grad());
  graph.backward(compute);

  ReferenceNet net;
  for (const Parameter* p : graph.parameters()) net.p.push_back(ref::from(p->value));
  ASSERT_EQ(net.p.size(), 10u);
  const Mat xd = ref::from(x);
  std::vector<Mat> analytic;
  EXPECT_NEAR(float_loss, net.loss(xd, labels, &analytic), 1e-5);

  for (std::size_t k = 0; k < net.p.size(); ++k) {
    const std::string name = graph.parameters()[k]->name;
    const auto numeric = ref::numeric_gradient([&] { return net.loss(xd, labels); }, net.p[k].v);
    // The reference's backprop is right to finite-difference precision ...
    EXPECT_LT(ref::mean_abs_diff(analytic[k].v, numeric), 1e-6) << name;
    // ... and oneDNN's float32 backprop matches it.
    EXPECT_LT(ref::relative_error(graph.parameters()[k]->grad, analytic[k]), 2e-4) << name;
  }
  // A Dense bias feeding batch norm gets no gradient: BN subtracts the batch mean.
  for (double g : analytic[1].v) EXPECT_NEAR(g, 0.0, 1e-12);
  for (std::int64_t i = 0; i < graph.parameters()[1]->grad.size(); ++i)
    EXPECT_NEAR(graph.parameters()[1]->grad.data()[i], 0.0f, 1e-6f);
}

TEST(NetworkGradient, FixedScaleShiftNetworkHasNoGammaOrBetaAndMatchesTheReference) {
  const auto spec =
      parse_experiment(batch_norm_net("{kind: batch_norm, scale_shift: fixed}"), "e6.yaml");
  Graph graph(spec.model, Shape{4}, test::builtin_host(), 17);
  auto loss =
      test::builtin_host().create(test::builtin_host().registries().losses, spec.model.loss);
  // Only the dense layers have parameters: W1 b1 W2 b2 W3 b3.
  const std::vector<std::size_t> trained = {0, 1, 4, 5, 8, 9};
  ASSERT_EQ(graph.parameters().size(), trained.size());
  std::mt19937_64 rng(31);
  for (Parameter* p : graph.parameters()) {
    EXPECT_TRUE(p->role == ParameterRole::weight || p->role == ParameterRole::bias) << p->name;
    if (p->role == ParameterRole::bias) ref::randomize(p->value, rng);
  }
  Matrix x(8, 4);
  ref::randomize(x, rng);
  const std::vector<std::int32_t> labels = {2, 1, 0, 1, 0, 2, 0, 1};

  Compute compute = Compute::make();
  const double float_loss = loss->forward(compute, graph.forward(compute, x, Mode::train), labels);
  loss->backward(compute, graph.output_grad());
  graph.backward(compute);

  // The reference with gamma = 1 and beta = 0 held constant.
  ReferenceNet net;
  net.p.assign(10, Mat());
  for (std::size_t j = 0; j < trained.size(); ++j)
    net.p[trained[j]] = ref::from(graph.parameters()[j]->value);
  for (std::size_t k : {2u, 6u}) {
    net.p[k] = Mat(1, 5);
    net.p[k].v.assign(5, 1.0);
    net.p[k + 1] = Mat(1, 5);
  }
  const Mat xd = ref::from(x);
  std::vector<Mat> analytic;
  EXPECT_NEAR(float_loss, net.loss(xd, labels, &analytic), 1e-5);
  for (std::size_t j = 0; j < trained.size(); ++j) {
    const std::size_t k = trained[j];
    const std::string name = graph.parameters()[j]->name;
    const auto numeric = ref::numeric_gradient([&] { return net.loss(xd, labels); }, net.p[k].v);
    EXPECT_LT(ref::mean_abs_diff(analytic[k].v, numeric), 1e-6) << name;
    EXPECT_LT(ref::relative_error(graph.parameters()[j]->grad, analytic[k]), 2e-4) << name;
  }
}

TEST(NetworkGradient, FixedScaleShiftNetworkTrains) {
  const std::string yaml =
      "name: fixed\nseed: 3\n"
      "data: {kind: synthetic, classes: 3, features: 8, train: 120, test: 60}\n"
      "model:\n"
      "  layers:\n"
      "    - repeat: 2\n"
      "      body: [{kind: dense, units: 16}, {kind: batch_norm, scale_shift: fixed}, "
      "{kind: relu}]\n"
      "    - {kind: dense, units: 3}\n"
      "  loss: {kind: softmax_cross_entropy}\n"
      "optimizer: {kind: sgd, lr: 0.1}\n"
      "train: {epochs: 5, batch_size: 20, eval: [train]}\n";
  const auto spec = parse_experiment(yaml, "fixed.yaml");
  const PreparedData data = prepare_data(spec.data, test::builtin_host(), spec.seed);
  Trainer trainer(spec, data, test::builtin_host());
  EXPECT_EQ(trainer.graph().parameters().size(), 6u);  // the three dense layers' W and b
  Compute compute = Compute::make();
  std::vector<double> train_loss;
  trainer.run(compute, [&](const EvalPoint& p) {
    for (const auto& [metric, value] : p.metrics)
      if (metric.name() == "train_loss") train_loss.push_back(value);
    return EvalAction::proceed;
  });
  ASSERT_GE(train_loss.size(), 2u);
  for (double v : train_loss) EXPECT_TRUE(std::isfinite(v));
  EXPECT_LT(train_loss.back(), 0.8 * train_loss.front());
}

TEST(NetworkGradient, ResidualGraphAccumulatesGradientsOfAFanOut) {
  const std::string yaml =
      "name: res\ndata: {kind: synthetic}\n"
      "model:\n"
      "  layers:\n"
      "    - {kind: dense, units: 6, name: a, init: 0.4}\n"
      "    - {kind: tanh, name: t}\n"
      "    - {kind: add, inputs: [a, t]}\n"
      "    - {kind: dense, units: 3, init: 0.4}\n"
      "  loss: {kind: softmax_cross_entropy}\n"
      "optimizer: {kind: sgd}\ntrain: {epochs: 1}\n";
  const auto spec = parse_experiment(yaml, "res.yaml");
  Graph graph(spec.model, Shape{5}, test::builtin_host(), 2);
  auto loss =
      test::builtin_host().create(test::builtin_host().registries().losses, spec.model.loss);
  std::mt19937_64 rng(29);
  Matrix x(6, 5);
  ref::randomize(x, rng);
  const std::vector<std::int32_t> labels = {0, 1, 2, 2, 1, 0};
  Compute compute = Compute::make();
  auto value = [&] {
    return loss->forward(compute, graph.forward(compute, x, Mode::train), labels);
  };
  value();
  loss->backward(compute, graph.output_grad());
  graph.backward(compute);
  // Central differences on the float32 graph itself: h = 1e-2 keeps rounding below the tolerance.
  for (Parameter* p : graph.parameters()) {
    const Matrix analytic = p->grad.clone();
    for (std::int64_t i = 0; i < p->value.size(); ++i) {
      const float saved = p->value.data()[i];
      p->value.data()[i] = saved + 1e-2f;
      const double plus = value();
      p->value.data()[i] = saved - 1e-2f;
      const double minus = value();
      p->value.data()[i] = saved;
      const double numeric = (plus - minus) / 2e-2;
      EXPECT_NEAR(analytic.data()[i], numeric, 2e-3 + 1e-2 * std::fabs(numeric))
          << p->name << "[" << i << "]";
    }
  }
}

}  // namespace
}  // namespace nnlab
