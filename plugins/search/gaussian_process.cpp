#include "gaussian_process.hpp"

#include <algorithm>
#include <cmath>
#include <random>

namespace nnlab::search {

namespace {

const double kSqrt5 = std::sqrt(5.0);
// Bounds of the log hyperparameters: length scales 0.01..20 on the unit cube, signal variance
// 0.01..100 and noise variance 1e-6..1 on standardized targets.
constexpr double kMinLogLength = -4.6, kMaxLogLength = 3.0;
constexpr double kMinLogSignal = -4.6, kMaxLogSignal = 4.6;
constexpr double kMinLogNoise = -13.8, kMaxLogNoise = 0.0;
constexpr double kJitter = 1e-8;

void clamp_theta(Eigen::VectorXd& theta) {
  const Eigen::Index d = theta.size() - 2;
  for (Eigen::Index i = 0; i < d; ++i)
    theta[i] = std::clamp(theta[i], kMinLogLength, kMaxLogLength);
  theta[d] = std::clamp(theta[d], kMinLogSignal, kMaxLogSignal);
  theta[d + 1] = std::clamp(theta[d + 1], kMinLogNoise, kMaxLogNoise);
}

/// The prior's centre: length scales 0.5 of the cube, signal variance 1, noise variance 1e-3.
Eigen::VectorXd standard_theta(Eigen::Index d) {
  Eigen::VectorXd theta(d + 2);
  theta.head(d).setConstant(std::log(0.5));
  theta[d] = 0;
  theta[d + 1] = std::log(1e-3);
  return theta;
}

/// The Matérn 5/2 kernel between every row of `a` and every row of `b` under `theta` (rows of a
/// down, rows of b across), without noise: the inputs are scaled by their length scales once, and
/// each pair is a loop over contiguous coordinates with no temporaries.
Eigen::MatrixXd cross_kernel(const Eigen::MatrixXd& a, const Eigen::MatrixXd& b,
                             const Eigen::VectorXd& theta) {
  const Eigen::Index d = a.cols();
  const Eigen::VectorXd inv_length = (-theta.head(d)).array().exp();
  const Eigen::MatrixXd pa = (a * inv_length.asDiagonal()).transpose();  // points as columns
  const Eigen::MatrixXd pb = (b * inv_length.asDiagonal()).transpose();
  const double signal = std::exp(theta[d]);
  Eigen::MatrixXd k(a.rows(), b.rows());
  for (Eigen::Index j = 0; j < b.rows(); ++j) {
    const double* q = pb.col(j).data();
    for (Eigen::Index i = 0; i < a.rows(); ++i) {
      const double* p = pa.col(i).data();
      double r2 = 0;
      for (Eigen::Index c = 0; c < d; ++c) r2 += (p[c] - q[c]) * (p[c] - q[c]);
      const double r = std::sqrt(r2);
      k(i, j) = signal * (1 + kSqrt5 * r + 5.0 / 3.0 * r2) * std::exp(-kSqrt5 * r);
    }
  }
  return k;
}

}  // namespace

double GaussianProcess::kernel(const Eigen::VectorXd& a, const Eigen::VectorXd& b,
                               const Eigen::VectorXd& theta) {
  const Eigen::Index d = a.size();
  double r2 = 0;
  for (Eigen::Index i = 0; i < d; ++i) {
    const double t = (a[i] - b[i]) / std::exp(theta[i]);
    r2 += t * t;
  }
  const double r = std::sqrt(r2);
  return std::exp(theta[d]) * (1 + kSqrt5 * r + 5.0 / 3.0 * r2) * std::exp(-kSqrt5 * r);
}

double GaussianProcess::log_posterior(const Eigen::VectorXd& theta,
                                      Eigen::VectorXd* gradient) const {
  const Eigen::Index n = x_.rows(), d = x_.cols();
  const double signal = std::exp(theta[d]), noise = std::exp(theta[d + 1]);
  Eigen::VectorXd inv_l2(d);
  for (Eigen::Index i = 0; i < d; ++i) inv_l2[i] = std::exp(-2 * theta[i]);
  Eigen::MatrixXd k(n, n);
  Eigen::MatrixXd common(
      n, n);  // s2 (5/3)(1 + sqrt5 r) e^(-sqrt5 r): d k / d log l_i = common dx_i^2/l_i^2
  for (Eigen::Index a = 0; a < n; ++a) {
    for (Eigen::Index b = a; b < n; ++b) {
      double r2 = 0;
      for (Eigen::Index i = 0; i < d; ++i) {
        const double t = x_(a, i) - x_(b, i);
        r2 += t * t * inv_l2[i];
      }
      const double r = std::sqrt(r2);
      const double e = std::exp(-kSqrt5 * r);
      k(a, b) = k(b, a) = signal * (1 + kSqrt5 * r + 5.0 / 3.0 * r2) * e;
      common(a, b) = common(b, a) = signal * 5.0 / 3.0 * (1 + kSqrt5 * r) * e;
    }
  }
  Eigen::MatrixXd kn = k;
  kn.diagonal().array() += noise + kJitter;
  const Eigen::LLT<Eigen::MatrixXd> llt(kn);
  if (llt.info() != Eigen::Success) return -HUGE_VAL;
  const Eigen::VectorXd alpha = llt.solve(y_);
  double log_det = 0;
  for (Eigen::Index i = 0; i < n; ++i) log_det += 2 * std::log(llt.matrixL()(i, i));
  double value =
      -0.5 * y_.dot(alpha) - 0.5 * log_det - 0.5 * static_cast<double>(n) * std::log(2 * M_PI);
  // Weak priors: length scales around 0.5 of the cube, signal variance around 1, noise small.
  auto log_normal = [](double v, double mean, double sd, double* g) {
    *g = -(v - mean) / (sd * sd);
    return -0.5 * (v - mean) * (v - mean) / (sd * sd);
  };
  Eigen::VectorXd prior_grad(d + 2);
  for (Eigen::Index i = 0; i < d; ++i)
    value += log_normal(theta[i], std::log(0.5), 1.0, &prior_grad[i]);
  value += log_normal(theta[d], 0.0, 1.5, &prior_grad[d]);
  value += log_normal(theta[d + 1], std::log(1e-3), 3.0, &prior_grad[d + 1]);
  if (gradient) {
    // d/dθ = 1/2 tr((α α^T − K^-1) dK/dθ)
    const Eigen::MatrixXd w =
        alpha * alpha.transpose() - llt.solve(Eigen::MatrixXd::Identity(n, n));
    gradient->resize(d + 2);
    for (Eigen::Index i = 0; i < d; ++i) {
      double sum = 0;
      for (Eigen::Index a = 0; a < n; ++a) {
        for (Eigen::Index b = a + 1; b < n; ++b) {
          const double t = x_(a, i) - x_(b, i);
          sum += 2 * w(b, a) * common(b, a) * t * t * inv_l2[i];  // column a: contiguous
        }
      }
      (*gradient)[i] = 0.5 * sum + prior_grad[i];
    }
    (*gradient)[d] = 0.5 * (w.array() * k.array()).sum() + prior_grad[d];
    (*gradient)[d + 1] = 0.5 * noise * w.trace() + prior_grad[d + 1];
  }
  return value;
}

void GaussianProcess::fit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, int restarts,
                          Rng& rng) {
  x_ = x;
  standardize(y);
  const Eigen::Index d = x.cols();

  std::vector<Eigen::VectorXd> starts;
  if (theta_.size() == d + 2) starts.push_back(theta_);  // warm start from the last fit
  const Eigen::VectorXd standard = standard_theta(d);
  starts.push_back(standard);
  std::normal_distribution<double> normal(0, 1);
  for (int s = 0; s < restarts; ++s) {
    Eigen::VectorXd t = standard;
    for (Eigen::Index i = 0; i < d + 2; ++i) t[i] += normal(rng);
    clamp_theta(t);
    starts.push_back(t);
  }
  ascend(starts, standard);
}

void GaussianProcess::ascend(const std::vector<Eigen::VectorXd>& starts,
                             const Eigen::VectorXd& fallback) {
  const Eigen::Index d = x_.cols();
  // Adam ascent on the log hyperparameters: robust to the likelihood's flat regions.
  double best_value = -HUGE_VAL;
  Eigen::VectorXd best = fallback;
  for (Eigen::VectorXd theta : starts) {
    Eigen::VectorXd m = Eigen::VectorXd::Zero(d + 2), v = Eigen::VectorXd::Zero(d + 2), g;
    const double lr = 0.1, b1 = 0.9, b2 = 0.999;
    double value = log_posterior(theta, &g);
    for (int it = 1; it <= 80 && std::isfinite(value); ++it) {
      m = b1 * m + (1 - b1) * g;
      v = b2 * v + (1 - b2) * g.cwiseProduct(g);
      const Eigen::VectorXd mh = m / (1 - std::pow(b1, it));
      const Eigen::VectorXd vh = v / (1 - std::pow(b2, it));
      theta += lr * mh.cwiseQuotient((vh.array().sqrt() + 1e-8).matrix());
      clamp_theta(theta);
      value = log_posterior(theta, &g);
    }
    if (std::isfinite(value) && value > best_value) {
      best_value = value;
      best = theta;
    }
  }
  theta_ = best;
  factor();  // positive definite: log_posterior factored the same matrix at `best`
  solve_alpha();
}

void GaussianProcess::refit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y) {
  x_ = x;
  standardize(y);
  const Eigen::VectorXd start = theta_.size() == x.cols() + 2 ? theta_ : standard_theta(x.cols());
  ascend({start}, start);
}

void GaussianProcess::standardize(const Eigen::VectorXd& y) {
  y_mean_ = y.mean();
  const double var = (y.array() - y_mean_).square().mean();
  y_scale_ = var > 1e-24 ? std::sqrt(var) : 1.0;
  y_ = (y.array() - y_mean_) / y_scale_;
}

bool GaussianProcess::factor() {
  const Eigen::Index n = x_.rows(), d = x_.cols();
  Eigen::MatrixXd kn = cross_kernel(x_, x_, theta_);
  kn.diagonal().array() += std::exp(theta_[d + 1]) + kJitter;
  const Eigen::LLT<Eigen::MatrixXd> llt(kn);
  l_ = llt.matrixL();
  // L^-1 explicitly: predict() then multiplies by a triangular matrix, several times faster than
  // a triangular solve with thousands of right-hand sides, and update() extends it in O(n² k).
  l_inverse_ = l_.triangularView<Eigen::Lower>().solve(Eigen::MatrixXd::Identity(n, n));
  return llt.info() == Eigen::Success;
}

void GaussianProcess::solve_alpha() {
  alpha_ = l_.triangularView<Eigen::Lower>().solve(y_);
  l_.triangularView<Eigen::Lower>().transpose().solveInPlace(alpha_);
}

void GaussianProcess::condition(const Eigen::MatrixXd& x, const Eigen::VectorXd& y,
                                const Eigen::VectorXd& theta) {
  x_ = x;
  theta_ = theta;
  standardize(y);
  factor();
  solve_alpha();
}

bool GaussianProcess::update(const Eigen::MatrixXd& x, const Eigen::VectorXd& y) {
  const Eigen::Index old_n = x_.rows(), n = x.rows(), d = x.cols();
  const bool extends = old_n > 0 && old_n <= n && x.cols() == x_.cols() && x.topRows(old_n) == x_ &&
                       l_.rows() == old_n;
  if (!extends) {
    condition(x, y, theta_);
    return false;
  }
  standardize(y);
  if (n > old_n) {
    // [L 0; B C] [L 0; B C]^T = [K11 K12; K21 K22]: B = K21 L^-T, C C^T = K22 - B B^T; and
    // [L 0; B C]^-1 = [L^-1 0; -C^-1 B L^-1 C^-1].
    const Eigen::Index k = n - old_n;
    const Eigen::MatrixXd fresh = x.bottomRows(k);
    const Eigen::MatrixXd k12 = cross_kernel(x_, fresh, theta_);
    Eigen::MatrixXd k22 = cross_kernel(fresh, fresh, theta_);
    k22.diagonal().array() += std::exp(theta_[d + 1]) + kJitter;
    const Eigen::MatrixXd b_transposed = l_inverse_.triangularView<Eigen::Lower>() * k12;
    k22.noalias() -= b_transposed.transpose() * b_transposed;
    const Eigen::LLT<Eigen::MatrixXd> corner(k22);
    if (corner.info() != Eigen::Success) {
      condition(x, y, theta_);
      return false;
    }
    const Eigen::MatrixXd c = corner.matrixL();
    const Eigen::MatrixXd c_inverse =
        c.triangularView<Eigen::Lower>().solve(Eigen::MatrixXd::Identity(k, k));
    Eigen::MatrixXd l = Eigen::MatrixXd::Zero(n, n), l_inverse = Eigen::MatrixXd::Zero(n, n);
    l.topLeftCorner(old_n, old_n) = l_;
    l.bottomLeftCorner(k, old_n) = b_transposed.transpose();
    l.bottomRightCorner(k, k) = c;
    l_inverse.topLeftCorner(old_n, old_n) = l_inverse_;
    l_inverse.bottomLeftCorner(k, old_n).noalias() =
        -c_inverse * (b_transposed.transpose() * l_inverse_.triangularView<Eigen::Lower>());
    l_inverse.bottomRightCorner(k, k) = c_inverse;
    l_ = std::move(l);
    l_inverse_ = std::move(l_inverse);
    x_ = x;
  }
  solve_alpha();
  return true;
}

void GaussianProcess::predict(const Eigen::MatrixXd& xs, Eigen::VectorXd& mean,
                              Eigen::VectorXd& sd) const {
  const Eigen::Index m = xs.rows(), d = x_.cols();
  const Eigen::MatrixXd ks = cross_kernel(x_, xs, theta_);
  mean = (ks.transpose() * alpha_).array() * y_scale_ + y_mean_;
  const Eigen::MatrixXd v = l_inverse_.triangularView<Eigen::Lower>() * ks;
  const double prior = std::exp(theta_[d]);
  sd.resize(m);
  for (Eigen::Index j = 0; j < m; ++j)
    sd[j] = std::sqrt(std::max(prior - v.col(j).squaredNorm(), 1e-12)) * y_scale_;
}

double expected_improvement(double mean, double sd, double best) {
  const double z = (best - mean) / sd;
  const double cdf = 0.5 * std::erfc(-z / std::sqrt(2.0));
  const double pdf = std::exp(-0.5 * z * z) / std::sqrt(2 * M_PI);
  return (best - mean) * cdf + sd * pdf;
}

}  // namespace nnlab::search
