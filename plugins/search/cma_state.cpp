#include "cma_state.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <string>

#include "nnlab/error.hpp"

namespace nnlab::search {
namespace {

// Floors and caps as the `cmaes` package has them: an eigenvalue rounded below zero counts as
// this (C stays positive definite), and σ never overflows.
constexpr double kEigenFloor = 1e-8;
constexpr double kMaxSigma = 1e32;

}  // namespace

CmaState::CmaState(const Eigen::VectorXd& mean, double sigma, int population_size,
                   const Eigen::VectorXd& lower, const Eigen::VectorXd& upper)
    : n_(mean.size()), mean_(mean), lower_(lower), upper_(upper), sigma_(sigma) {
  if (n_ < 1) throw Error("CMA-ES: the search space has no numeric dimension");
  if (!(sigma > 0) || !std::isfinite(sigma))
    throw Error("CMA-ES: sigma0 must be a positive number, got " + std::to_string(sigma));
  if (lower.size() != n_ || upper.size() != n_)
    throw Error("CMA-ES: the box has " + std::to_string(lower.size()) + " dimensions, the mean " +
                std::to_string(n_));
  for (Eigen::Index i = 0; i < n_; ++i) {
    if (!(lower[i] <= mean[i] && mean[i] <= upper[i]))
      throw Error("CMA-ES: the initial mean lies outside the box in dimension " +
                  std::to_string(i));
  }
  const auto n = static_cast<double>(n_);
  lambda_ =
      population_size > 0 ? population_size : 4 + static_cast<int>(std::floor(3 * std::log(n)));
  if (lambda_ < 2)
    throw Error("CMA-ES: the population size must be at least 2, got " + std::to_string(lambda_));
  mu_ = lambda_ / 2;

  // Recombination weights (eqs. 49–53): log-linear in the rank, positive for the better μ; the
  // worse half gets negative weights ("active" CMA), scaled so the covariance stays positive.
  Eigen::VectorXd prime(lambda_);
  for (int i = 0; i < lambda_; ++i) prime[i] = std::log((lambda_ + 1) / 2.0) - std::log(i + 1.0);
  const Eigen::VectorXd better = prime.head(mu_), worse = prime.tail(lambda_ - mu_);
  mu_eff_ = better.sum() * better.sum() / better.squaredNorm();
  const double mu_eff_minus = worse.sum() * worse.sum() / worse.squaredNorm();

  // Learning rates of the rank-one and rank-μ updates (α_cov = 2).
  c_1_ = 2 / ((n + 1.3) * (n + 1.3) + mu_eff_);
  c_mu_ =
      std::min(1 - c_1_ - 1e-8, 2 * (mu_eff_ - 2 + 1 / mu_eff_) / ((n + 2) * (n + 2) + mu_eff_));
  // With μ_eff = 1 (λ = 2 or 3) there is no rank-μ update, and the two bounds that divide by c_μ
  // do not apply.
  double alpha_minus = 1 + 2 * mu_eff_minus / (mu_eff_ + 2);
  if (c_mu_ > 0)
    alpha_minus = std::min({alpha_minus, 1 + c_1_ / c_mu_, (1 - c_1_ - c_mu_) / (n * c_mu_)});
  double positive_sum = 0, negative_sum = 0;
  for (int i = 0; i < lambda_; ++i)
    (prime[i] >= 0 ? positive_sum : negative_sum) += std::abs(prime[i]);
  weights_.resize(lambda_);
  for (int i = 0; i < lambda_; ++i)
    weights_[i] = prime[i] >= 0 ? prime[i] / positive_sum : alpha_minus * prime[i] / negative_sum;

  // Step-size control (eq. 55) and the cumulation for the rank-one update (eq. 56).
  c_sigma_ = (mu_eff_ + 2) / (n + mu_eff_ + 5);
  d_sigma_ = 1 + 2 * std::max(0.0, std::sqrt((mu_eff_ - 1) / (n + 1)) - 1) + c_sigma_;
  c_c_ = (4 + mu_eff_ / n) / (n + 4 + 2 * mu_eff_ / n);
  chi_n_ = std::sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n));  // E‖N(0, I)‖

  tol_x_ = 1e-12 * sigma;
  history_length_ = 10 + static_cast<int>(std::ceil(30 * n / lambda_));
  value_history_.assign(2 * static_cast<std::size_t>(history_length_),
                        std::numeric_limits<double>::quiet_NaN());

  c_ = Eigen::MatrixXd::Identity(n_, n_);
  p_sigma_ = Eigen::VectorXd::Zero(n_);
  p_c_ = Eigen::VectorXd::Zero(n_);
  decompose();
}

void CmaState::decompose() {
  // Symmetrize against rounding, diagonalize, and rebuild C from the floored eigenvalues, so C,
  // B and D always describe the same matrix.
  c_ = 0.5 * (c_ + c_.transpose()).eval();
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(c_);
  b_ = solver.eigenvectors();
  const Eigen::VectorXd eigenvalues = solver.eigenvalues();
  d_.resize(n_);
  for (Eigen::Index i = 0; i < n_; ++i)
    d_[i] = std::sqrt(eigenvalues[i] < 0 ? kEigenFloor : eigenvalues[i]);
  c_ = b_ * d_.array().square().matrix().asDiagonal() * b_.transpose();
}

Eigen::VectorXd CmaState::sample(Rng& rng) const {
  std::normal_distribution<double> normal(0, 1);
  auto draw = [&] {
    Eigen::VectorXd z(n_);
    for (Eigen::Index i = 0; i < n_; ++i) z[i] = normal(rng);
    return Eigen::VectorXd(mean_ + sigma_ * (b_ * d_.cwiseProduct(z)));
  };
  auto inside = [&](const Eigen::VectorXd& x) {
    return (x.array() >= lower_.array()).all() && (x.array() <= upper_.array()).all();
  };
  for (Eigen::Index attempt = 0; attempt < 10 * n_; ++attempt) {
    Eigen::VectorXd x = draw();
    if (inside(x)) return x;
  }
  return draw().cwiseMax(lower_).cwiseMin(upper_);
}

void CmaState::update(std::vector<Solution> solutions) {
  if (static_cast<int>(solutions.size()) != lambda_)
    throw Error("CMA-ES: a generation needs " + std::to_string(lambda_) + " results, got " +
                std::to_string(solutions.size()));
  ++generation_;
  // Ties keep the order given (the caller's trial order), as Python's stable sort does.
  std::stable_sort(solutions.begin(), solutions.end(),
                   [](const Solution& a, const Solution& b) { return a.second < b.second; });
  const auto slot = 2 * static_cast<std::size_t>(generation_ % history_length_);
  value_history_[slot] = solutions.front().second;
  value_history_[slot + 1] = solutions.back().second;

  // Steps y_i = (x_i − m) / σ ~ N(0, C) of the ranked solutions, and their weighted mean.
  Eigen::MatrixXd y(n_, lambda_);
  for (int i = 0; i < lambda_; ++i)
    y.col(i) = (solutions[static_cast<std::size_t>(i)].first - mean_) / sigma_;
  const Eigen::VectorXd y_w = y.leftCols(mu_) * weights_.head(mu_);
  mean_ += sigma_ * y_w;  // c_m = 1

  // Cumulative step-size adaptation: p_σ in the whitened space C^(−1/2) = B D^(−1) Bᵀ.
  const Eigen::MatrixXd c_inv_sqrt = b_ * d_.cwiseInverse().asDiagonal() * b_.transpose();
  p_sigma_ = (1 - c_sigma_) * p_sigma_ +
             std::sqrt(c_sigma_ * (2 - c_sigma_) * mu_eff_) * (c_inv_sqrt * y_w);
  const double p_sigma_norm = p_sigma_.norm();
  sigma_ =
      std::min(sigma_ * std::exp(c_sigma_ / d_sigma_ * (p_sigma_norm / chi_n_ - 1)), kMaxSigma);

  // h_σ stalls p_c while p_σ is long (σ growing fast), so C does not grow along with it. The
  // exponent counts generations after this one's increment, as the `cmaes` package does.
  const double correction = std::sqrt(1 - std::pow(1 - c_sigma_, 2.0 * (generation_ + 1)));
  const double h_sigma =
      p_sigma_norm / correction < (1.4 + 2 / (static_cast<double>(n_) + 1)) * chi_n_ ? 1.0 : 0.0;
  p_c_ = (1 - c_c_) * p_c_ + h_sigma * std::sqrt(c_c_ * (2 - c_c_) * mu_eff_) * y_w;

  // Rank-one plus rank-μ update (eq. 47); a negative weight is rescaled by n / ‖C^(−1/2) y_i‖²
  // (eq. 46) so that a far, bad step cannot shrink C below positive definiteness.
  Eigen::VectorXd w_circ = weights_;
  for (int i = 0; i < lambda_; ++i) {
    if (weights_[i] < 0)
      w_circ[i] *= static_cast<double>(n_) / ((c_inv_sqrt * y.col(i)).squaredNorm() + kEigenFloor);
  }
  const double delta_h_sigma = (1 - h_sigma) * c_c_ * (2 - c_c_);
  const Eigen::MatrixXd rank_mu = y * w_circ.asDiagonal() * y.transpose();
  c_ = (1 + c_1_ * delta_h_sigma - c_1_ - c_mu_ * weights_.sum()) * c_ +
       c_1_ * p_c_ * p_c_.transpose() + c_mu_ * rank_mu;
  decompose();
}

bool CmaState::should_stop() const {
  const Eigen::VectorXd diagonal = c_.diagonal();
  // Flat: the best and worst values of the recent generations all within 1e-12.
  if (generation_ > history_length_) {
    const auto [low, high] = std::minmax_element(value_history_.begin(), value_history_.end());
    if (*high - *low < 1e-12) return true;
  }
  // Converged: every coordinate's σ and the rank-one path below 1e-12 σ0.
  if ((sigma_ * diagonal.array().sqrt() < tol_x_).all() &&
      (sigma_ * p_c_.array().abs() < tol_x_).all())
    return true;
  // Diverging.
  if (sigma_ * d_.maxCoeff() > 1e4) return true;
  // No effect: a 0.2-σ step along a coordinate, or a 0.1-σ step along a principal axis (one axis
  // per generation, in turn), leaves m unchanged in floating point.
  for (Eigen::Index i = 0; i < n_; ++i) {
    if (mean_[i] == mean_[i] + 0.2 * sigma_ * std::sqrt(diagonal[i])) return true;
  }
  const Eigen::Index axis = generation_ % n_;
  if (mean_ == mean_ + 0.1 * sigma_ * d_[axis] * b_.col(axis)) return true;
  // Ill-conditioned C.
  return d_.maxCoeff() / d_.minCoeff() > 1e14;
}

}  // namespace nnlab::search
