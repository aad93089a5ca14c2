// The GP behind `bayes`: the marginal-likelihood gradient against central differences, the
// posterior against the textbook formulas computed with a full-pivot LU, and the incremental
// update against a factorization from scratch.
#include "gaussian_process.hpp"

#include <gtest/gtest.h>

#include <random>

namespace nnlab::search {
namespace {

struct Data {
  Eigen::MatrixXd x;
  Eigen::VectorXd y;
};

Data sample(int n, int d, std::uint64_t seed) {
  Rng rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  Data data{Eigen::MatrixXd(n, d), Eigen::VectorXd(n)};
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < d; ++j) data.x(i, j) = u(rng);
    data.y[i] = std::sin(6 * data.x(i, 0)) + data.x.row(i).squaredNorm();
  }
  return data;
}

TEST(GaussianProcess, LogPosteriorGradientMatchesCentralDifferences) {
  const Data data = sample(14, 3, 1);
  GaussianProcess gp;
  Rng rng(2);
  gp.fit(data.x, data.y, 0, rng);
  Eigen::VectorXd theta(5);
  theta << std::log(0.3), std::log(0.8), std::log(2.0), std::log(1.5), std::log(1e-2);
  Eigen::VectorXd gradient;
  gp.log_posterior(theta, &gradient);
  for (Eigen::Index i = 0; i < theta.size(); ++i) {
    const double h = 1e-5;
    Eigen::VectorXd plus = theta, minus = theta;
    plus[i] += h;
    minus[i] -= h;
    const double numeric =
        (gp.log_posterior(plus, nullptr) - gp.log_posterior(minus, nullptr)) / (2 * h);
    EXPECT_NEAR(gradient[i], numeric, 1e-6 * std::max(1.0, std::abs(numeric))) << "theta " << i;
  }
}

TEST(GaussianProcess, PosteriorMatchesTheTextbookFormulas) {
  const Data data = sample(20, 2, 3);
  GaussianProcess gp;
  Rng rng(4);
  gp.fit(data.x, data.y, 2, rng);
  const Eigen::VectorXd& theta = gp.theta();
  const Eigen::Index n = data.x.rows(), d = data.x.cols();
  // Reference in float64 with an LU solve: mean = k*^T (K + s I)^-1 y (on standardized y),
  // var = k** - k*^T (K + s I)^-1 k*.
  const double mean_y = data.y.mean();
  const double scale = std::sqrt((data.y.array() - mean_y).square().mean());
  const Eigen::VectorXd ys = (data.y.array() - mean_y) / scale;
  Eigen::MatrixXd k(n, n);
  for (Eigen::Index a = 0; a < n; ++a)
    for (Eigen::Index b = 0; b < n; ++b)
      k(a, b) =
          GaussianProcess::kernel(data.x.row(a).transpose(), data.x.row(b).transpose(), theta);
  k.diagonal().array() += std::exp(theta[d + 1]) + 1e-8;
  const Eigen::FullPivLU<Eigen::MatrixXd> lu(k);
  Eigen::MatrixXd xs(3, 2);
  xs << 0.1, 0.9, 0.5, 0.5, data.x(0, 0), data.x(0, 1);
  Eigen::VectorXd mean, sd;
  gp.predict(xs, mean, sd);
  for (Eigen::Index j = 0; j < xs.rows(); ++j) {
    Eigen::VectorXd ks(n);
    for (Eigen::Index a = 0; a < n; ++a)
      ks[a] = GaussianProcess::kernel(data.x.row(a).transpose(), xs.row(j).transpose(), theta);
    const double ref_mean = ks.dot(lu.solve(ys)) * scale + mean_y;
    const double ref_var = std::exp(theta[d]) - ks.dot(lu.solve(ks));
    EXPECT_NEAR(mean[j], ref_mean, 1e-8 * scale);
    EXPECT_NEAR(sd[j], std::sqrt(std::max(ref_var, 1e-12)) * scale, 1e-6 * scale);
  }
  // At a training point the fitted GP is close to the data and sure of it.
  EXPECT_NEAR(mean[2], data.y[0], 0.05 * scale);
  EXPECT_LT(sd[2], sd[0]);
}

TEST(GaussianProcess, AnIncrementalUpdateGivesTheSamePosteriorAsAFullFactorization) {
  // 40 rows fitted, then 1, then 7 appended with the targets of every row changed (as the
  // constant liar's worst value changes): each update extends the factor and must agree with
  // conditioning from scratch under the same hyperparameters.
  const Data data = sample(48, 4, 5);
  GaussianProcess incremental;
  Rng rng(6);
  incremental.fit(data.x.topRows(40), data.y.head(40), 1, rng);
  Eigen::MatrixXd xs(5, 4);
  xs.setRandom();
  xs = (xs.array() + 1) / 2;
  xs.row(4) = data.x.row(45);  // a training point: sd near the noise floor
  for (const Eigen::Index n : {41, 48}) {
    Eigen::VectorXd y = data.y.head(n);
    y.head(10).array() += 0.3 * static_cast<double>(n);
    ASSERT_TRUE(incremental.update(data.x.topRows(n), y)) << n;
    EXPECT_EQ(incremental.rows(), n);
    GaussianProcess full;
    full.condition(data.x.topRows(n), y, incremental.theta());
    Eigen::VectorXd mean_a, sd_a, mean_b, sd_b;
    incremental.predict(xs, mean_a, sd_a);
    full.predict(xs, mean_b, sd_b);
    const double scale = (y.array() - y.mean()).matrix().norm();
    for (Eigen::Index j = 0; j < xs.rows(); ++j) {
      EXPECT_NEAR(mean_a[j], mean_b[j], 1e-9 * scale) << n << " " << j;
      EXPECT_NEAR(sd_a[j], sd_b[j], 1e-9 * scale) << n << " " << j;
    }
  }
  // Rows that do not extend the ones conditioned on: a factorization from scratch.
  EXPECT_FALSE(incremental.update(data.x.bottomRows(20), data.y.tail(20)));
  EXPECT_EQ(incremental.rows(), 20);
}

TEST(GaussianProcess, ExpectedImprovementIsTheGaussianIntegral) {
  // EI = E[max(best - Y, 0)] for Y ~ N(mean, sd^2), by quadrature.
  for (double mean : {-1.0, 0.0, 0.7}) {
    const double sd = 0.4, best = 0.2;
    double integral = 0;
    const int steps = 200000;
    for (int i = 0; i < steps; ++i) {
      const double y = mean - 10 * sd + 20 * sd * (i + 0.5) / steps;
      const double density =
          std::exp(-0.5 * (y - mean) * (y - mean) / (sd * sd)) / (sd * std::sqrt(2 * M_PI));
      integral += std::max(best - y, 0.0) * density * 20 * sd / steps;
    }
    EXPECT_NEAR(expected_improvement(mean, sd, best), integral, 1e-6) << mean;
  }
}

}  // namespace
}  // namespace nnlab::search
