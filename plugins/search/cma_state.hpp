#pragma once
// The state of a covariance matrix adaptation evolution strategy (CMA-ES; Hansen, "The CMA
// Evolution Strategy: A Tutorial", arXiv:1604.00772, 2016): a Gaussian N(m, σ² C) over a box,
// sampled λ times per generation and moved by the ranked results of those λ samples. The update
// is the tutorial's (weighted recombination with negative weights for the worse half, cumulative
// step-size adaptation, rank-one plus rank-μ covariance update, eqs. 41–57), as the `cmaes`
// package behind Optuna's CmaEsSampler implements it; the covariance is diagonalized with
// Eigen's SelfAdjointEigenSolver once per generation.
#include <Eigen/Dense>
#include <utility>
#include <vector>

#include "nnlab/random.hpp"

namespace nnlab::search {

class CmaState {
 public:
  /// A candidate and its value (minimization), as told to update().
  using Solution = std::pair<Eigen::VectorXd, double>;

  /// `mean`: the initial mean m (n ≥ 1 coordinates, inside the box); `sigma`: the initial step
  /// size σ (> 0, in the box's units); `population_size`: λ ≥ 2 (0: 4 + ⌊3 ln n⌋, the tutorial's
  /// eq. 48); `lower`/`upper`: the box samples are kept in. C starts as the identity. Throws
  /// nnlab::Error on inconsistent arguments.
  CmaState(const Eigen::VectorXd& mean, double sigma, int population_size,
           const Eigen::VectorXd& lower, const Eigen::VectorXd& upper);

  /// A sample of N(m, σ² C). One outside the box is redrawn, up to 10 n times (the `cmaes`
  /// package's n_max_resampling as Optuna sets it); then the last draw is clipped to the box.
  Eigen::VectorXd sample(Rng& rng) const;

  /// One generation's update from exactly λ solutions (any order; ranked here, lower is better).
  /// Throws nnlab::Error for another count.
  void update(std::vector<Solution> solutions);

  /// Whether the run has stalled or diverged (the `cmaes` package's termination tests: flat
  /// recent values, σ below 1e-12 σ0, σ·√max eig(C) above 1e4, no-effect coordinate or axis, a
  /// condition number of C above 1e14); the IPOP restart asks it.
  bool should_stop() const;

  int population_size() const { return lambda_; }
  int generation() const { return generation_; }
  const Eigen::VectorXd& mean() const { return mean_; }
  double sigma() const { return sigma_; }
  const Eigen::MatrixXd& covariance() const { return c_; }

 private:
  void decompose();

  Eigen::Index n_;
  int lambda_, mu_;
  Eigen::VectorXd weights_;  ///< w_i, i = 1..λ: positive for the better μ, negative for the rest
  double mu_eff_, c_sigma_, d_sigma_, c_c_, c_1_, c_mu_, chi_n_;
  Eigen::VectorXd mean_, lower_, upper_;
  double sigma_, tol_x_;
  Eigen::MatrixXd c_;              ///< the covariance C
  Eigen::MatrixXd b_;              ///< C's eigenvectors (columns)
  Eigen::VectorXd d_;              ///< √ of C's eigenvalues
  Eigen::VectorXd p_sigma_, p_c_;  ///< the evolution paths
  int generation_ = 0;
  int history_length_;                 ///< generations whose best and worst values are kept
  std::vector<double> value_history_;  ///< best, worst of the last history_length_ generations
};

}  // namespace nnlab::search
