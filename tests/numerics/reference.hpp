#pragma once
// Float64 reference implementations of the seed file's formulas, written for clarity, not speed.
// oneDNN's float32 results are checked against these; these are checked against finite differences.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <random>
#include <vector>

#include "nnlab/tensor.hpp"

namespace nnlab::ref {

/// A row-major double matrix.
struct Mat {
  std::int64_t rows = 0, cols = 0;
  std::vector<double> v;
  Mat() = default;
  Mat(std::int64_t r, std::int64_t c) : rows(r), cols(c), v(static_cast<std::size_t>(r * c), 0.0) {}
  double& operator()(std::int64_t r, std::int64_t c) {
    return v[static_cast<std::size_t>(r * cols + c)];
  }
  double operator()(std::int64_t r, std::int64_t c) const {
    return v[static_cast<std::size_t>(r * cols + c)];
  }
};

inline Mat from(ConstMatrixView m) {
  Mat out(m.rows, m.cols);
  for (std::int64_t i = 0; i < m.size(); ++i) out.v[static_cast<std::size_t>(i)] = m.data[i];
  return out;
}

/// Random values in ±[0.1, 1]: away from ReLU's kink at 0, so finite differences are meaningful.
inline void randomize(MatrixView m, std::mt19937_64& rng, double lo = 0.1, double hi = 1.0) {
  std::uniform_real_distribution<double> mag(lo, hi);
  std::bernoulli_distribution sign(0.5);
  for (std::int64_t i = 0; i < m.size(); ++i)
    m.data[i] = static_cast<float>(sign(rng) ? mag(rng) : -mag(rng));
}

inline Mat dense(const Mat& x, const Mat& w, const Mat& b) {
  Mat y(x.rows, w.cols);
  for (std::int64_t n = 0; n < x.rows; ++n)
    for (std::int64_t j = 0; j < w.cols; ++j) {
      double s = b.v.empty() ? 0.0 : b.v[static_cast<std::size_t>(j)];
      for (std::int64_t k = 0; k < x.cols; ++k) s += x(n, k) * w(k, j);
      y(n, j) = s;
    }
  return y;
}

/// dW = x^T dy; db = sum_n dy; dx = dy W^T.
inline void dense_backward(const Mat& x, const Mat& w, const Mat& dy, Mat& dx, Mat& dw, Mat& db) {
  dx = Mat(x.rows, x.cols);
  dw = Mat(w.rows, w.cols);
  db = Mat(1, w.cols);
  for (std::int64_t n = 0; n < x.rows; ++n)
    for (std::int64_t j = 0; j < w.cols; ++j) {
      db(0, j) += dy(n, j);
      for (std::int64_t k = 0; k < x.cols; ++k) {
        dw(k, j) += x(n, k) * dy(n, j);
        dx(n, k) += dy(n, j) * w(k, j);
      }
    }
}

struct BatchStats {
  std::vector<double> mean, var;  // biased variance (/N)
};

inline BatchStats batch_stats(const Mat& x) {
  BatchStats s{std::vector<double>(static_cast<std::size_t>(x.cols), 0.0),
               std::vector<double>(static_cast<std::size_t>(x.cols), 0.0)};
  for (std::int64_t c = 0; c < x.cols; ++c) {
    double m = 0, v = 0;
    for (std::int64_t n = 0; n < x.rows; ++n) m += x(n, c);
    m /= static_cast<double>(x.rows);
    for (std::int64_t n = 0; n < x.rows; ++n) v += (x(n, c) - m) * (x(n, c) - m);
    s.mean[static_cast<std::size_t>(c)] = m;
    s.var[static_cast<std::size_t>(c)] = v / static_cast<double>(x.rows);
  }
  return s;
}

/// y = gamma (x - mean) / sqrt(var + eps) + beta, with the given statistics.
inline Mat batch_norm(const Mat& x, const Mat& gamma, const Mat& beta, const BatchStats& s,
                      double eps) {
  Mat y(x.rows, x.cols);
  for (std::int64_t n = 0; n < x.rows; ++n)
    for (std::int64_t c = 0; c < x.cols; ++c) {
      const auto k = static_cast<std::size_t>(c);
      y(n, c) = gamma(0, c) * (x(n, c) - s.mean[k]) / std::sqrt(s.var[k] + eps) + beta(0, c);
    }
  return y;
}

/// The seed file's backward: d beta = sum dy; d gamma = sum xhat dy; with g = gamma dy,
/// dx = (g - mean g - xhat mean(g xhat)) / sqrt(var + eps).
inline void batch_norm_backward(const Mat& x, const Mat& gamma, const Mat& dy, double eps, Mat& dx,
                                Mat& dgamma, Mat& dbeta) {
  const BatchStats s = batch_stats(x);
  const auto n_rows = static_cast<double>(x.rows);
  dx = Mat(x.rows, x.cols);
  dgamma = Mat(1, x.cols);
  dbeta = Mat(1, x.cols);
  for (std::int64_t c = 0; c < x.cols; ++c) {
    const auto k = static_cast<std::size_t>(c);
    const double inv = 1.0 / std::sqrt(s.var[k] + eps);
    double mean_g = 0, mean_gx = 0;
    for (std::int64_t n = 0; n < x.rows; ++n) {
      const double xhat = (x(n, c) - s.mean[k]) * inv;
      const double g = gamma(0, c) * dy(n, c);
      dbeta(0, c) += dy(n, c);
      dgamma(0, c) += xhat * dy(n, c);
      mean_g += g / n_rows;
      mean_gx += g * xhat / n_rows;
    }
    for (std::int64_t n = 0; n < x.rows; ++n) {
      const double xhat = (x(n, c) - s.mean[k]) * inv;
      dx(n, c) = (gamma(0, c) * dy(n, c) - mean_g - xhat * mean_gx) * inv;
    }
  }
}

inline double relu(double x) { return x > 0 ? x : 0; }
inline double relu_grad(double x) { return x > 0 ? 1 : 0; }
inline double sigmoid(double x) { return 1 / (1 + std::exp(-x)); }
inline double sigmoid_grad(double x) { return sigmoid(x) * (1 - sigmoid(x)); }
inline double tanh_grad(double x) { return 1 - std::tanh(x) * std::tanh(x); }

inline Mat map(const Mat& x, const std::function<double(double)>& f) {
  Mat y = x;
  for (auto& e : y.v) e = f(e);
  return y;
}

/// The book's softmax cross-entropy: -(1/N) sum log(p[n, t_n] + 1e-7).
inline double softmax_cross_entropy(const Mat& z, const std::vector<std::int32_t>& t,
                                    Mat* dz = nullptr) {
  double loss = 0;
  if (dz) *dz = Mat(z.rows, z.cols);
  for (std::int64_t n = 0; n < z.rows; ++n) {
    double mx = z(n, 0), sum = 0;
    for (std::int64_t c = 0; c < z.cols; ++c) mx = std::max(mx, z(n, c));
    for (std::int64_t c = 0; c < z.cols; ++c) sum += std::exp(z(n, c) - mx);
    const auto label = t[static_cast<std::size_t>(n)];
    loss -= std::log(std::exp(z(n, label) - mx) / sum + 1e-7);
    if (dz) {
      for (std::int64_t c = 0; c < z.cols; ++c)
        (*dz)(n, c) = (std::exp(z(n, c) - mx) / sum - (c == label)) / static_cast<double>(z.rows);
    }
  }
  return loss / static_cast<double>(z.rows);
}

inline double mse(const Mat& z, const std::vector<std::int32_t>& t) {
  double loss = 0;
  for (std::int64_t n = 0; n < z.rows; ++n)
    for (std::int64_t c = 0; c < z.cols; ++c) {
      const double d = z(n, c) - (c == t[static_cast<std::size_t>(n)]);
      loss += 0.5 * d * d;
    }
  return loss / static_cast<double>(z.rows);
}

/// Central differences, h = 1e-4 as the book: d f / d values[i] for every i (values restored).
inline std::vector<double> numeric_gradient(const std::function<double()>& f,
                                            std::vector<double>& values, double h = 1e-4) {
  std::vector<double> grad(values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double saved = values[i];
    values[i] = saved + h;
    const double plus = f();
    values[i] = saved - h;
    const double minus = f();
    values[i] = saved;
    grad[i] = (plus - minus) / (2 * h);
  }
  return grad;
}

inline double mean_abs_diff(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += std::fabs(a[i] - b[i]);
  return s / static_cast<double>(a.size());
}

/// max |float - double| / max(1, max |double|): float32 results against a float64 reference.
inline double relative_error(ConstMatrixView actual, const Mat& expected) {
  double worst = 0, scale = 1;
  for (double e : expected.v) scale = std::max(scale, std::fabs(e));
  for (std::int64_t i = 0; i < actual.size(); ++i)
    worst = std::max(worst, std::fabs(actual.data[i] - expected.v[static_cast<std::size_t>(i)]));
  return worst / scale;
}

}  // namespace nnlab::ref
