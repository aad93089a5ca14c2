// PCA and ZCA whitening against their defining properties, computed here in float64 from the
// data alone: the whitened covariance is I (or C (C + εI)^-1 with ε > 0), ZCA's matrix is the
// unique symmetric one (W² = C⁻¹), the map is y = W (x − μ) with the training rows' μ, and a
// feature that never varies in training maps to 0 instead of blowing up.
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "data.hpp"
#include "test_support.hpp"
#include "whitening.hpp"

namespace nnlab {
namespace {

constexpr std::int64_t kFeatures = 6;

using Square = std::vector<std::vector<double>>;

/// n rows of correlated features: x = A z + m with z ~ N(0, I), A fixed and far from diagonal.
Matrix correlated_rows(std::int64_t n, std::uint32_t seed, double shift = 0.0) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> normal;
  Matrix x(n, kFeatures);
  for (std::int64_t r = 0; r < n; ++r) {
    double z[kFeatures];
    for (double& v : z) v = normal(rng);
    for (std::int64_t i = 0; i < kFeatures; ++i) {
      double v = 0.5 + shift + 0.2 * static_cast<double>(i);
      for (std::int64_t j = 0; j <= i; ++j)
        v += z[j] * (i == j ? 0.3 + 0.1 * static_cast<double>(j) : 0.25);
      x.at(r, i) = static_cast<float>(v);
    }
  }
  return x;
}

Square reference_covariance(const Matrix& x) {
  const std::int64_t n = x.rows(), f = x.cols();
  std::vector<double> mean(static_cast<std::size_t>(f), 0.0);
  for (std::int64_t r = 0; r < n; ++r)
    for (std::int64_t c = 0; c < f; ++c) mean[static_cast<std::size_t>(c)] += x.at(r, c);
  for (double& m : mean) m /= static_cast<double>(n);
  Square c(static_cast<std::size_t>(f), std::vector<double>(static_cast<std::size_t>(f), 0.0));
  for (std::int64_t r = 0; r < n; ++r)
    for (std::int64_t i = 0; i < f; ++i)
      for (std::int64_t j = 0; j < f; ++j)
        c[i][j] += (x.at(r, i) - mean[i]) * (x.at(r, j) - mean[j]) / static_cast<double>(n);
  return c;
}

Square weights_of(const Whitening& w) {
  Square out(kFeatures, std::vector<double>(kFeatures));
  for (std::int64_t i = 0; i < kFeatures; ++i)
    for (std::int64_t j = 0; j < kFeatures; ++j) out[i][j] = w.weights[i * kFeatures + j];
  return out;
}

Square product(const Square& a, const Square& b) {
  Square out(a.size(), std::vector<double>(b[0].size(), 0.0));
  for (std::size_t i = 0; i < a.size(); ++i)
    for (std::size_t k = 0; k < b.size(); ++k)
      for (std::size_t j = 0; j < b[0].size(); ++j) out[i][j] += a[i][k] * b[k][j];
  return out;
}

double largest_difference(const Square& a, const Square& b) {
  double largest = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    for (std::size_t j = 0; j < a.size(); ++j)
      largest = std::max(largest, std::abs(a[i][j] - b[i][j]));
  return largest;
}

Square identity() {
  Square out(kFeatures, std::vector<double>(kFeatures, 0.0));
  for (std::int64_t i = 0; i < kFeatures; ++i) out[i][i] = 1.0;
  return out;
}

Matrix copy(const Matrix& x) { return x.clone(); }

TEST(Whitening, ZcaAndPcaMakeTheTrainingCovarianceTheIdentity) {
  const Matrix train = correlated_rows(5000, 1);
  ASSERT_GT(largest_off_diagonal_covariance(train), 0.05) << "the data starts correlated";
  for (WhiteningKind kind : {WhiteningKind::zca, WhiteningKind::pca}) {
    const Whitening w = fit_whitening(train, kind, 0.0);
    Matrix y = copy(train);
    w.apply(y);
    EXPECT_LT(largest_difference(reference_covariance(y), identity()), 2e-5);
    EXPECT_LT(largest_off_diagonal_covariance(y), 2e-5);
  }
}

TEST(Whitening, ZcaIsTheSymmetricWhiteningTheInverseSquareRootOfTheCovariance) {
  const Matrix train = correlated_rows(3000, 2);
  const Square c = reference_covariance(train);
  const Square w = weights_of(fit_whitening(train, WhiteningKind::zca, 0.0));
  Square transposed = w;
  for (std::int64_t i = 0; i < kFeatures; ++i)
    for (std::int64_t j = 0; j < kFeatures; ++j) transposed[i][j] = w[j][i];
  EXPECT_LT(largest_difference(w, transposed), 1e-9) << "symmetric";
  EXPECT_LT(largest_difference(product(product(w, w), c), identity()), 1e-6) << "W² = C⁻¹";
  // PCA's matrix differs from ZCA's by a rotation: same W C Wᵀ = I, but not symmetric.
  const Square p = weights_of(fit_whitening(train, WhiteningKind::pca, 0.0));
  Square pt = p;
  for (std::int64_t i = 0; i < kFeatures; ++i)
    for (std::int64_t j = 0; j < kFeatures; ++j) pt[i][j] = p[j][i];
  EXPECT_LT(largest_difference(product(product(p, c), pt), identity()), 1e-6);
  EXPECT_GT(largest_difference(p, pt), 1e-2);
}

TEST(Whitening, EpsilonShrinksEachDirectionToLambdaOverLambdaPlusEpsilon) {
  const Matrix train = correlated_rows(3000, 3);
  const Square c = reference_covariance(train);
  const double epsilon = 0.05;
  // ZCA: W C W = C (C + εI)⁻¹, i.e. (W C W)(C + εI) = C.
  const Square w = weights_of(fit_whitening(train, WhiteningKind::zca, epsilon));
  Square c_eps = c;
  for (std::int64_t i = 0; i < kFeatures; ++i) c_eps[i][i] += epsilon;
  EXPECT_LT(largest_difference(product(product(product(w, c), w), c_eps), c), 1e-9);
  // PCA: the outputs are the principal components, uncorrelated, variance λ/(λ+ε), falling.
  const Whitening pca = fit_whitening(train, WhiteningKind::pca, epsilon);
  Matrix y = copy(train);
  pca.apply(y);
  const Square cy = reference_covariance(y);
  double trace = 0;
  for (std::int64_t i = 0; i < kFeatures; ++i) {
    const double lambda = pca.eigenvalues[static_cast<std::size_t>(i)];
    EXPECT_NEAR(cy[i][i], lambda / (lambda + epsilon), 2e-5) << "component " << i;
    if (i > 0) {
      EXPECT_LE(lambda, pca.eigenvalues[static_cast<std::size_t>(i - 1)]);
    }
    trace += c[i][i];
  }
  double sum = 0;
  for (double lambda : pca.eigenvalues) sum += lambda;
  EXPECT_NEAR(sum, trace, 1e-9 * trace) << "the eigenvalues add up to the total variance";
  EXPECT_LT(largest_off_diagonal_covariance(y), 2e-5);
}

TEST(Whitening, TheMapIsWTimesXMinusTheTrainingMeanOnAnyRows) {
  const Matrix train = correlated_rows(2000, 4);
  const Whitening w = fit_whitening(train, WhiteningKind::zca, 0.01);
  // Rows from elsewhere (shifted, like a test set that differs): not re-centred on themselves.
  const Matrix test = correlated_rows(7, 5, 0.4);
  Matrix y = copy(test);
  w.apply(y);
  std::vector<double> mean(kFeatures, 0.0);
  for (std::int64_t r = 0; r < train.rows(); ++r)
    for (std::int64_t c = 0; c < kFeatures; ++c) mean[c] += train.at(r, c);
  for (double& m : mean) m /= static_cast<double>(train.rows());
  for (std::int64_t r = 0; r < test.rows(); ++r) {
    for (std::int64_t i = 0; i < kFeatures; ++i) {
      double expected = 0;
      for (std::int64_t j = 0; j < kFeatures; ++j)
        expected += w.weights[i * kFeatures + j] * (test.at(r, j) - mean[j]);
      EXPECT_NEAR(y.at(r, i), expected, 1e-4 * (1 + std::abs(expected))) << r << "," << i;
    }
  }
}

TEST(Whitening, AFeatureConstantInTrainingMapsToZeroNotToInfinity) {
  Matrix train = correlated_rows(1000, 6);
  for (std::int64_t r = 0; r < train.rows(); ++r) train.at(r, 2) = 0.0f;  // a border pixel
  for (WhiteningKind kind : {WhiteningKind::zca, WhiteningKind::pca}) {
    const Whitening w = fit_whitening(train, kind, 0.0);
    Matrix y = copy(train);
    w.apply(y);
    Square expected = identity();
    if (kind == WhiteningKind::zca) {
      expected[2][2] = 0.0;  // the constant pixel stays 0
    } else {
      expected[kFeatures - 1][kFeatures - 1] = 0.0;  // the last (zero-variance) component
    }
    EXPECT_LT(largest_difference(reference_covariance(y), expected), 2e-5);
    Matrix test = correlated_rows(3, 7);  // rows that do vary in that pixel
    w.apply(test);
    for (std::int64_t i = 0; i < test.size(); ++i)
      EXPECT_LT(std::abs(test.data()[i]), 100.0f) << "bounded, not 1/sqrt(0)";
  }
}

TEST(Whitening, TheDataPathFitsOnTrainingRowsAndAppliesToEverySplit) {
  const std::string yaml =
      "name: w\nseed: 4\n"
      "data: {kind: synthetic, classes: 3, features: 8, train: 400, test: 100, val_size: 50,"
      " scale: zca, epsilon: 0}\n"
      "model: {layers: [{kind: dense, units: 3}], loss: {kind: softmax_cross_entropy}}\n"
      "optimizer: {kind: sgd}\ntrain: {epochs: 1}\n";
  const auto spec = parse_experiment(yaml, "w.yaml");
  ASSERT_EQ(spec.data.scale, Scaling::zca);
  const PreparedData data = prepare_data(spec.data, test::builtin_host(), spec.seed);
  EXPECT_LT(largest_off_diagonal_covariance(data.train.features), 1e-4);
  EXPECT_EQ(data.val.features.rows(), 50);
  EXPECT_GT(largest_off_diagonal_covariance(data.val.features), 1e-3)
      << "validation rows are mapped with the training fit, not whitened on their own";
  EXPECT_EQ(data.test.features.cols(), 8);
}

}  // namespace
}  // namespace nnlab
