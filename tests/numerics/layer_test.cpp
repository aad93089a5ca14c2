// Every layer's oneDNN forward and backward against the float64 reference, and the reference's own
// backward formulas against central differences (h = 1e-4, batch >= 2).
#include <gtest/gtest.h>

#include "reference.hpp"
#include "test_support.hpp"

namespace nnlab {
namespace {

using ref::Mat;

/// A layer made through the plugin registry from a YAML component, built for one input.
struct BuiltLayer {
  std::unique_ptr<Layer> layer;
  std::int64_t width = 0;
};

BuiltLayer make_layer(const std::string& component, std::int64_t in, std::uint64_t seed = 11) {
  const std::string yaml = "name: l\ndata: {kind: synthetic}\nmodel: {layers: [" + component +
                           "], loss: {kind: mse}}\noptimizer: {kind: sgd}\ntrain: {epochs: 1}\n";
  const auto spec = parse_experiment(yaml, "l.yaml");
  BuiltLayer out;
  out.layer = test::builtin_host().create(test::builtin_host().registries().layers,
                                          spec.model.nodes.at(0).layer);
  Rng rng(seed);
  LayerBuild build{"l", {Shape{in}}, {in}, &rng, seed};
  out.width = out.layer->build(build).size();
  return out;
}

struct Pass {
  Matrix x, y, dy, dx;
};

/// Runs forward (train) and backward on random x and dy.
Pass run(BuiltLayer& l, std::int64_t batch, std::int64_t in, std::uint64_t seed = 5) {
  std::mt19937_64 rng(seed);
  Pass p{Matrix(batch, in), Matrix(batch, l.width), Matrix(batch, l.width), Matrix(batch, in)};
  ref::randomize(p.x, rng);
  ref::randomize(p.dy, rng);
  Compute compute = Compute::make();
  const ConstMatrixView inputs[] = {p.x.view()};
  l.layer->forward(compute, inputs, p.y.view(), Mode::train);
  const MatrixView grads[] = {p.dx.view()};
  l.layer->backward(compute, inputs, p.y.view(), p.dy.view(), grads);
  return p;
}

TEST(Dense, MatchesTheReferenceForwardAndBackward) {
  auto l = make_layer("{kind: dense, units: 5, init: he}", 7);
  auto params = l.layer->parameters();
  ASSERT_EQ(params.size(), 2u);
  std::mt19937_64 rng(3);
  ref::randomize(params[1]->value, rng);  // a non-zero bias
  const Pass p = run(l, 4, 7);
  const Mat x = ref::from(p.x), w = ref::from(params[0]->value), b = ref::from(params[1]->value),
            dy = ref::from(p.dy);
  EXPECT_LT(ref::relative_error(p.y, ref::dense(x, w, b)), 1e-6);
  Mat dx, dw, db;
  ref::dense_backward(x, w, dy, dx, dw, db);
  EXPECT_LT(ref::relative_error(p.dx, dx), 1e-6);
  EXPECT_LT(ref::relative_error(params[0]->grad, dw), 1e-6);
  EXPECT_LT(ref::relative_error(params[1]->grad, db), 1e-6);
}

TEST(Dense, ReferenceBackwardAgreesWithFiniteDifferences) {
  std::mt19937_64 rng(8);
  Matrix xf(3, 4), wf(4, 2), bf(1, 2), dyf(3, 2);
  for (Matrix* m : {&xf, &wf, &bf, &dyf}) ref::randomize(*m, rng);
  Mat x = ref::from(xf), w = ref::from(wf), b = ref::from(bf);
  const Mat dy = ref::from(dyf);
  auto objective = [&] {
    const Mat y = ref::dense(x, w, b);
    double s = 0;
    for (std::size_t i = 0; i < y.v.size(); ++i) s += y.v[i] * dy.v[i];
    return s;
  };
  Mat dx, dw, db;
  ref::dense_backward(x, w, dy, dx, dw, db);
  EXPECT_LT(ref::mean_abs_diff(dx.v, ref::numeric_gradient(objective, x.v)), 1e-6);
  EXPECT_LT(ref::mean_abs_diff(dw.v, ref::numeric_gradient(objective, w.v)), 1e-6);
  EXPECT_LT(ref::mean_abs_diff(db.v, ref::numeric_gradient(objective, b.v)), 1e-6);
}

TEST(Dense, InitialisationHasTheRequestedSpread) {
  const std::int64_t n = 400;
  for (const auto& [init, expected] :
       std::vector<std::pair<std::string, double>>{{"he", std::sqrt(2.0 / n)},
                                                   {"xavier", std::sqrt(1.0 / n)},
                                                   {"glorot", std::sqrt(2.0 / (n + 300))},
                                                   {"0.01", 0.01}}) {
    auto l = make_layer("{kind: dense, units: 300, init: " + init + "}", n);
    const Matrix& w = l.layer->parameters()[0]->value;
    double sq = 0, sum = 0;
    for (std::int64_t i = 0; i < w.size(); ++i) {
      sum += w.data()[i];
      sq += static_cast<double>(w.data()[i]) * w.data()[i];
    }
    const double mean = sum / static_cast<double>(w.size());
    EXPECT_NEAR(std::sqrt(sq / static_cast<double>(w.size()) - mean * mean), expected,
                expected * 0.01)
        << init;
    EXPECT_EQ(l.layer->parameters()[1]->value.at(0, 0), 0.0f) << "biases start at 0";
  }
}

TEST(Dense, CanBeBiasFree) {
  auto l = make_layer("{kind: dense, units: 3, bias: false}", 4);
  EXPECT_EQ(l.layer->parameters().size(), 1u);
  const Pass p = run(l, 2, 4);
  EXPECT_LT(ref::relative_error(
                p.y, ref::dense(ref::from(p.x), ref::from(l.layer->parameters()[0]->value), Mat())),
            1e-6);
}

struct Activation {
  const char* kind;
  double (*f)(double);
  double (*df)(double);
};

void PrintTo(const Activation& a, std::ostream* os) { *os << a.kind; }

class Activations : public ::testing::TestWithParam<Activation> {};

TEST_P(Activations, MatchTheReferenceAndItsDerivative) {
  const Activation a = GetParam();
  auto l = make_layer(std::string("{kind: ") + a.kind + "}", 6);
  const Pass p = run(l, 5, 6);
  const Mat x = ref::from(p.x), dy = ref::from(p.dy);
  EXPECT_LT(ref::relative_error(p.y, ref::map(x, a.f)), 1e-6);
  Mat dx = x;
  for (std::size_t i = 0; i < dx.v.size(); ++i) dx.v[i] = dy.v[i] * a.df(x.v[i]);
  EXPECT_LT(ref::relative_error(p.dx, dx), 1e-6);
  // The derivative itself against central differences of the function.
  Mat probe = x;
  for (std::size_t i = 0; i < probe.v.size(); ++i) {
    std::vector<double> one{probe.v[i]};
    const auto numeric = ref::numeric_gradient([&] { return a.f(one[0]); }, one);
    EXPECT_NEAR(a.df(probe.v[i]), numeric[0], 1e-8);
  }
}

INSTANTIATE_TEST_SUITE_P(Eltwise, Activations,
                         ::testing::Values(Activation{"relu", ref::relu, ref::relu_grad},
                                           Activation{"sigmoid", ref::sigmoid, ref::sigmoid_grad},
                                           Activation{"tanh", [](double x) { return std::tanh(x); },
                                                      ref::tanh_grad}),
                         [](const auto& p) { return std::string(p.param.kind); });

TEST(Relu, DerivativeAtExactlyZeroIsZero) {
  auto l = make_layer("{kind: relu}", 2);
  Matrix x(1, 2), y(1, 2), dy(1, 2), dx(1, 2);
  x.at(0, 1) = 1.0f;
  dy.fill(1.0f);
  Compute compute = Compute::make();
  const ConstMatrixView in[] = {x.view()};
  l.layer->forward(compute, in, y.view(), Mode::train);
  const MatrixView grads[] = {dx.view()};
  l.layer->backward(compute, in, y.view(), dy.view(), grads);
  EXPECT_EQ(dx.at(0, 0), 0.0f);
  EXPECT_EQ(dx.at(0, 1), 1.0f);
}

TEST(BatchNorm, TrainingForwardAndBackwardMatchTheReference) {
  auto l = make_layer("{kind: batch_norm, epsilon: 1.0e-6}", 6);
  auto params = l.layer->parameters();
  std::mt19937_64 rng(21);
  ref::randomize(params[0]->value, rng, 0.5, 1.5);  // gamma
  ref::randomize(params[1]->value, rng);            // beta
  const Pass p = run(l, 8, 6);
  const Mat x = ref::from(p.x), gamma = ref::from(params[0]->value),
            beta = ref::from(params[1]->value), dy = ref::from(p.dy);
  EXPECT_LT(ref::relative_error(p.y, ref::batch_norm(x, gamma, beta, ref::batch_stats(x), 1e-6)),
            1e-5);
  Mat dx, dgamma, dbeta;
  ref::batch_norm_backward(x, gamma, dy, 1e-6, dx, dgamma, dbeta);
  EXPECT_LT(ref::relative_error(p.dx, dx), 1e-4);
  EXPECT_LT(ref::relative_error(params[0]->grad, dgamma), 1e-5);
  EXPECT_LT(ref::relative_error(params[1]->grad, dbeta), 1e-5);
}

TEST(BatchNorm, ReferenceBackwardAgreesWithFiniteDifferences) {
  std::mt19937_64 rng(4);
  Matrix xf(4, 3), gf(1, 3), bf(1, 3), dyf(4, 3);
  for (Matrix* m : {&xf, &gf, &bf, &dyf}) ref::randomize(*m, rng);
  Mat x = ref::from(xf), gamma = ref::from(gf), beta = ref::from(bf);
  const Mat dy = ref::from(dyf);
  auto objective = [&] {
    const Mat y = ref::batch_norm(x, gamma, beta, ref::batch_stats(x), 1e-6);
    double s = 0;
    for (std::size_t i = 0; i < y.v.size(); ++i) s += y.v[i] * dy.v[i];
    return s;
  };
  Mat dx, dgamma, dbeta;
  ref::batch_norm_backward(x, gamma, dy, 1e-6, dx, dgamma, dbeta);
  EXPECT_LT(ref::mean_abs_diff(dx.v, ref::numeric_gradient(objective, x.v)), 1e-6);
  EXPECT_LT(ref::mean_abs_diff(dgamma.v, ref::numeric_gradient(objective, gamma.v)), 1e-6);
  EXPECT_LT(ref::mean_abs_diff(dbeta.v, ref::numeric_gradient(objective, beta.v)), 1e-6);
}

TEST(BatchNorm, FixedScaleShiftIsPureStandardizationWithNoParameters) {
  auto l = make_layer("{kind: batch_norm, epsilon: 1.0e-6, scale_shift: fixed}", 6);
  EXPECT_TRUE(l.layer->parameters().empty());
  const Pass p = run(l, 8, 6);
  const Mat x = ref::from(p.x), dy = ref::from(p.dy);
  // y = (x - mean) / sqrt(var + eps) per column, written out here rather than through gamma/beta.
  const ref::BatchStats s = ref::batch_stats(x);
  Mat standardized(x.rows, x.cols);
  for (std::int64_t n = 0; n < x.rows; ++n)
    for (std::int64_t c = 0; c < x.cols; ++c) {
      const auto k = static_cast<std::size_t>(c);
      standardized(n, c) = (x(n, c) - s.mean[k]) / std::sqrt(s.var[k] + 1e-6);
    }
  EXPECT_LT(ref::relative_error(p.y, standardized), 1e-5);
  // Backward is the reference's with gamma = 1.
  Mat gamma(1, 6), dx, dgamma, dbeta;
  gamma.v.assign(6, 1.0);
  ref::batch_norm_backward(x, gamma, dy, 1e-6, dx, dgamma, dbeta);
  EXPECT_LT(ref::relative_error(p.dx, dx), 1e-4);
}

TEST(BatchNorm, ReferenceBackwardWithUnitScaleAndZeroShiftAgreesWithFiniteDifferences) {
  std::mt19937_64 rng(8);
  Matrix xf(5, 3), dyf(5, 3);
  for (Matrix* m : {&xf, &dyf}) ref::randomize(*m, rng);
  Mat x = ref::from(xf), gamma(1, 3), beta(1, 3);
  gamma.v = {1, 1, 1};
  const Mat dy = ref::from(dyf);
  auto objective = [&] {
    const Mat y = ref::batch_norm(x, gamma, beta, ref::batch_stats(x), 1e-6);
    double sum = 0;
    for (std::size_t i = 0; i < y.v.size(); ++i) sum += y.v[i] * dy.v[i];
    return sum;
  };
  Mat dx, dgamma, dbeta;
  ref::batch_norm_backward(x, gamma, dy, 1e-6, dx, dgamma, dbeta);
  EXPECT_LT(ref::mean_abs_diff(dx.v, ref::numeric_gradient(objective, x.v)), 1e-6);
}

/// Inference output of a batch-norm layer after training forwards on `batches`.
Matrix infer_after(BuiltLayer& l, const std::vector<Matrix>& batches, const Matrix& probe) {
  Compute compute = Compute::make();
  for (const Matrix& b : batches) {
    Matrix y(b.rows(), b.cols());
    const ConstMatrixView in[] = {b.view()};
    l.layer->forward(compute, in, y.view(), Mode::train);
  }
  Matrix out(probe.rows(), probe.cols());
  const ConstMatrixView in[] = {probe.view()};
  l.layer->forward(compute, in, out.view(), Mode::infer);
  return out;
}

/// `count` random batches of `rows` x 3.
std::vector<Matrix> random_batches(int count, std::int64_t rows, std::mt19937_64& rng) {
  std::vector<Matrix> batches;
  for (int i = 0; i < count; ++i) {
    batches.emplace_back(rows, 3);
    ref::randomize(batches.back(), rng);
  }
  return batches;
}

/// The book's moving averages of 3 columns' batch statistics, starting at zero.
ref::BatchStats moving_averages(const std::vector<Matrix>& batches, double momentum) {
  ref::BatchStats running{{0, 0, 0}, {0, 0, 0}};
  for (const Matrix& b : batches) {
    const auto s = ref::batch_stats(ref::from(b));
    for (std::size_t c = 0; c < 3; ++c) {
      running.mean[c] = momentum * running.mean[c] + (1 - momentum) * s.mean[c];
      running.var[c] = momentum * running.var[c] + (1 - momentum) * s.var[c];
    }
  }
  return running;
}

/// Inference after `batches` (momentum `momentum`) against the reference with γ 1, β 0.
void expect_inference_with_moving_averages(const std::string& yaml, double momentum,
                                           std::uint64_t seed) {
  auto l = make_layer(yaml, 3);
  std::mt19937_64 rng(seed);
  const std::vector<Matrix> batches = random_batches(3, 5, rng);
  Matrix probe(2, 3);
  ref::randomize(probe, rng);
  const Matrix out = infer_after(l, batches, probe);
  Mat gamma(1, 3), beta(1, 3);
  gamma.v = {1, 1, 1};
  EXPECT_LT(ref::relative_error(out, ref::batch_norm(ref::from(probe), gamma, beta,
                                                     moving_averages(batches, momentum), 1e-6)),
            1e-5);
}

TEST(BatchNorm, BookStatisticsAreMovingAveragesStartingAtZero) {
  expect_inference_with_moving_averages("{kind: batch_norm, momentum: 0.9, stats: book}", 0.9, 2);
}

TEST(BatchNorm, PaperStatisticsArePopulationEstimatesWithBesselsCorrection) {
  auto l = make_layer("{kind: batch_norm, stats: paper}", 3);
  std::mt19937_64 rng(6);
  const std::vector<Matrix> batches = random_batches(4, 5, rng);
  Matrix probe(2, 3);
  ref::randomize(probe, rng);
  const Matrix out = infer_after(l, batches, probe);
  ref::BatchStats population{{0, 0, 0}, {0, 0, 0}};
  for (const Matrix& b : batches) {
    const auto s = ref::batch_stats(ref::from(b));
    for (std::size_t c = 0; c < 3; ++c) {
      population.mean[c] += s.mean[c] / 4;
      population.var[c] += (5.0 / 4.0) * s.var[c] / 4;  // m/(m-1) * mean of batch variances
    }
  }
  Mat gamma(1, 3), beta(1, 3);
  gamma.v = {1, 1, 1};
  EXPECT_LT(
      ref::relative_error(out, ref::batch_norm(ref::from(probe), gamma, beta, population, 1e-6)),
      1e-5);
}

TEST(BatchNorm, FixedScaleShiftInfersWithTheMovingAveragesAlone) {
  expect_inference_with_moving_averages("{kind: batch_norm, momentum: 0.5, scale_shift: fixed}",
                                        0.5, 9);
}

TEST(Dropout, BookModeDropsWithoutRescalingAndScalesAtInference) {
  auto l = make_layer("{kind: dropout, ratio: 0.3, mode: book}", 100);
  const Pass p = run(l, 50, 100);
  std::int64_t dropped = 0;
  for (std::int64_t i = 0; i < p.x.size(); ++i) {
    const float y = p.y.data()[i];
    ASSERT_TRUE(y == 0.0f || y == p.x.data()[i]);
    dropped += y == 0.0f;
    EXPECT_EQ(p.dx.data()[i], y == 0.0f ? 0.0f : p.dy.data()[i])
        << "backward passes dy through the mask";
  }
  // 5000 Bernoulli(0.3) draws: the std of the count is about 32.
  EXPECT_NEAR(static_cast<double>(dropped), 1500.0, 130.0);
  Matrix out(50, 100);
  Compute compute = Compute::make();
  const ConstMatrixView in[] = {p.x.view()};
  l.layer->forward(compute, in, out.view(), Mode::infer);
  for (std::int64_t i = 0; i < out.size(); ++i)
    EXPECT_FLOAT_EQ(out.data()[i], p.x.data()[i] * 0.7f);
}

TEST(Dropout, InvertedModeRescalesInTrainingAndAgreesInExpectation) {
  auto l = make_layer("{kind: dropout, ratio: 0.2, mode: inverted}", 1);
  Matrix x(4000, 1), y(4000, 1);
  x.fill(1.0f);
  Compute compute = Compute::make();
  const ConstMatrixView in[] = {x.view()};
  l.layer->forward(compute, in, y.view(), Mode::train);
  double mean = 0;
  for (std::int64_t i = 0; i < y.size(); ++i) {
    ASSERT_TRUE(y.data()[i] == 0.0f || std::fabs(y.data()[i] - 1.25f) < 1e-6f);
    mean += y.data()[i] / 4000.0;
  }
  EXPECT_NEAR(mean, 1.0, 0.05);  // inference is the identity: the training mean must match it
  l.layer->forward(compute, in, y.view(), Mode::infer);
  EXPECT_EQ(y.at(17, 0), 1.0f);
}

TEST(Dropout, MasksAreFreshEachForward) {
  auto l = make_layer("{kind: dropout, ratio: 0.5}", 64);
  const Pass a = run(l, 4, 64, 1);
  const Pass b = run(l, 4, 64, 1);  // same input, next mask
  EXPECT_FALSE(std::equal(a.y.data(), a.y.data() + a.y.size(), b.y.data()));
}

std::unique_ptr<Loss> make_loss(const std::string& kind) {
  const std::string yaml =
      "name: l\ndata: {kind: synthetic}\nmodel: {layers: [{kind: relu}], loss: {kind: " + kind +
      "}}\noptimizer: {kind: sgd}\ntrain: {epochs: 1}\n";
  return test::builtin_host().create(test::builtin_host().registries().losses,
                                     parse_experiment(yaml, "l.yaml").model.loss);
}

TEST(SoftmaxCrossEntropy, MatchesTheReferenceAndFiniteDifferences) {
  auto loss = make_loss("softmax_cross_entropy");
  std::mt19937_64 rng(13);
  Matrix z(6, 4), dz(6, 4);
  ref::randomize(z, rng, 0.1, 3.0);
  const std::vector<std::int32_t> labels = {0, 3, 1, 2, 2, 0};
  Compute compute = Compute::make();
  const double value = loss->forward(compute, z, labels);
  loss->backward(compute, dz);
  Mat zd = ref::from(z), expected_dz;
  EXPECT_NEAR(value, ref::softmax_cross_entropy(zd, labels, &expected_dz), 1e-6);
  EXPECT_LT(ref::relative_error(dz, expected_dz), 1e-6);
  EXPECT_LT(ref::mean_abs_diff(expected_dz.v,
                               ref::numeric_gradient(
                                   [&] { return ref::softmax_cross_entropy(zd, labels); }, zd.v)),
            1e-6);
}

TEST(MeanSquaredError, MatchesTheReferenceAndFiniteDifferences) {
  auto loss = make_loss("mse");
  std::mt19937_64 rng(14);
  Matrix z(5, 3), dz(5, 3);
  ref::randomize(z, rng);
  const std::vector<std::int32_t> labels = {0, 2, 1, 1, 0};
  Compute compute = Compute::make();
  Mat zd = ref::from(z);
  EXPECT_NEAR(loss->forward(compute, z, labels), ref::mse(zd, labels), 1e-6);
  loss->backward(compute, dz);
  Mat numeric;
  numeric.rows = 5;
  numeric.cols = 3;
  numeric.v = ref::numeric_gradient([&] { return ref::mse(zd, labels); }, zd.v);
  EXPECT_LT(ref::relative_error(dz, numeric), 1e-6);
}

}  // namespace
}  // namespace nnlab
