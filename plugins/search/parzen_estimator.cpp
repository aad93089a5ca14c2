#include "parzen_estimator.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

#include "nnlab/text.hpp"

namespace nnlab::search {

namespace {

double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

/// log of a sum of exponentials, without overflow.
double log_sum_exp(const std::vector<double>& terms) {
  const double top = *std::max_element(terms.begin(), terms.end());
  if (!std::isfinite(top)) return top;
  double sum = 0;
  for (double t : terms) sum += std::exp(t - top);
  return top + std::log(sum);
}

}  // namespace

std::vector<double> tpe_weights(std::size_t n) {
  if (n == 0) return {};
  if (n < 25) return std::vector<double>(n, 1.0);
  std::vector<double> w(n, 1.0);
  const std::size_t ramp = n - 25;
  for (std::size_t i = 0; i < ramp; ++i) {
    // numpy.linspace(1/n, 1, ramp)
    const double t = ramp == 1 ? 0.0 : static_cast<double>(i) / static_cast<double>(ramp - 1);
    w[i] = 1.0 / static_cast<double>(n) + t * (1.0 - 1.0 / static_cast<double>(n));
  }
  return w;
}

ParzenEstimator::ParzenEstimator(const SearchParameter& p, const std::vector<std::string>& values,
                                 double prior_weight)
    : p_(&p) {
  const std::size_t n = values.size();
  std::vector<double> weights = tpe_weights(n);
  weights.push_back(prior_weight);  // the prior kernel, last
  const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
  for (double& w : weights) w /= total;
  weights_ = weights;

  if (p.kind == SearchParameter::Kind::categorical) {
    categorical_ = true;
    const std::size_t k = p.choices.size();
    const double base = prior_weight / static_cast<double>(n + 1);
    for (std::size_t i = 0; i <= n; ++i) {
      std::vector<double> row(k, base);
      if (i < n) {
        const auto at = std::find(p.choices.begin(), p.choices.end(), values[i]);
        row[static_cast<std::size_t>(at - p.choices.begin())] += 1.0;
      }
      const double sum = std::accumulate(row.begin(), row.end(), 0.0);
      for (double& v : row) v /= sum;
      choice_probabilities_.push_back(std::move(row));
    }
    return;
  }

  log_ = p.kind == SearchParameter::Kind::log_uniform;
  step_ = p.step;
  low_ = log_ ? std::log(p.low) : p.low;
  high_ = log_ ? std::log(p.high) : p.high;
  if (step_ > 0 && !log_) {  // discrete: each value owns [v - step/2, v + step/2]
    low_ -= step_ / 2;
    high_ += step_ / 2;
  }
  for (const auto& v : values) {
    const double x = std::strtod(v.c_str(), nullptr);
    mus_.push_back(log_ ? std::log(x) : x);
  }
  // Bandwidths: the larger gap to a neighbour among the sorted observations and the prior's mean;
  // the two ends use their one inner gap. Clipped to [(high-low)/min(100, 1 + kernels), high-low]
  // (the prior is a kernel too, as in Optuna).
  const double prior_mu = 0.5 * (low_ + high_);
  const double prior_sigma = high_ - low_;
  std::vector<double> all = mus_;
  all.push_back(prior_mu);
  std::vector<std::size_t> order(all.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return all[a] < all[b]; });
  std::vector<double> sorted(all.size());
  for (std::size_t i = 0; i < order.size(); ++i) sorted[i] = all[order[i]];
  std::vector<double> sigma_sorted(sorted.size());
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    const double left = sorted[i] - (i == 0 ? low_ : sorted[i - 1]);
    const double right = (i + 1 == sorted.size() ? high_ : sorted[i + 1]) - sorted[i];
    sigma_sorted[i] = std::max(left, right);
  }
  if (sorted.size() >= 2) {
    sigma_sorted.front() = sorted[1] - sorted[0];
    sigma_sorted.back() = sorted[sorted.size() - 1] - sorted[sorted.size() - 2];
  }
  std::vector<double> sigmas(all.size());
  for (std::size_t i = 0; i < order.size(); ++i) sigmas[order[i]] = sigma_sorted[i];
  sigmas.back() = prior_sigma;
  const double max_sigma = high_ - low_;
  const double min_sigma = (high_ - low_) / std::min(100.0, static_cast<double>(n) + 2.0);
  for (double& s : sigmas) s = std::clamp(s, min_sigma, max_sigma);
  mus_ = all;
  sigmas_ = sigmas;
}

std::string ParzenEstimator::sample(Rng& rng) const {
  std::discrete_distribution<std::size_t> pick(weights_.begin(), weights_.end());
  const std::size_t kernel = pick(rng);
  if (categorical_) {
    const auto& row = choice_probabilities_[kernel];
    std::discrete_distribution<std::size_t> choose(row.begin(), row.end());
    return p_->choices[choose(rng)];
  }
  // A truncated normal by inverse CDF.
  const double mu = mus_[kernel], sigma = sigmas_[kernel];
  const double a = normal_cdf((low_ - mu) / sigma), b = normal_cdf((high_ - mu) / sigma);
  std::uniform_real_distribution<double> u(a, b);
  double z = u(rng);
  z = std::clamp(z, 1e-12, 1 - 1e-12);
  // Inverse of the normal CDF via erfc's inverse is not in <cmath>: bisection is exact enough.
  double lo = -40, hi = 40;
  for (int i = 0; i < 100; ++i) {
    const double mid = 0.5 * (lo + hi);
    (normal_cdf(mid) < z ? lo : hi) = mid;
  }
  double x = std::clamp(mu + sigma * 0.5 * (lo + hi), low_, high_);
  if (log_) x = std::exp(x);
  // value_at-style rounding to the grid of the parameter.
  const SearchParameter& p = *p_;
  if (p.step > 0) x = p.low + std::round((x - p.low) / p.step) * p.step;
  x = std::clamp(x, p.low, p.high);
  if (p.kind == SearchParameter::Kind::integer)
    return std::to_string(static_cast<long long>(std::llround(x)));
  return format_value(x);
}

double ParzenEstimator::log_pdf(const std::string& value) const {
  std::vector<double> terms(weights_.size());
  if (categorical_) {
    const auto at = std::find(p_->choices.begin(), p_->choices.end(), value);
    const auto c = static_cast<std::size_t>(at - p_->choices.begin());
    for (std::size_t i = 0; i < weights_.size(); ++i)
      terms[i] = std::log(weights_[i]) + std::log(choice_probabilities_[i][c]);
    return log_sum_exp(terms);
  }
  double x = std::strtod(value.c_str(), nullptr);
  if (log_) x = std::log(x);
  for (std::size_t i = 0; i < weights_.size(); ++i) {
    const double mu = mus_[i], sigma = sigmas_[i];
    const double mass = normal_cdf((high_ - mu) / sigma) - normal_cdf((low_ - mu) / sigma);
    double log_p;
    if (step_ > 0 && !log_) {  // the probability of x's cell
      const double cell =
          normal_cdf((x + step_ / 2 - mu) / sigma) - normal_cdf((x - step_ / 2 - mu) / sigma);
      log_p = std::log(std::max(cell, 1e-300));
    } else {
      const double z = (x - mu) / sigma;
      log_p = -0.5 * z * z - std::log(sigma) - 0.5 * std::log(2 * M_PI);
    }
    terms[i] = std::log(weights_[i]) + log_p - std::log(std::max(mass, 1e-300));
  }
  return log_sum_exp(terms);
}

}  // namespace nnlab::search
