#pragma once
// A Gaussian-process regression model for Bayesian optimization: zero mean on standardized
// targets, an ARD Matérn 5/2 kernel on the unit cube, and hyperparameters (a length scale per
// dimension, the signal variance, the noise variance) fitted by maximizing the log marginal
// likelihood plus weak log-normal priors. Linear algebra is Eigen's (Cholesky, triangular solves).
#include <Eigen/Dense>

#include "nnlab/random.hpp"

namespace nnlab::search {

class GaussianProcess {
 public:
  /// Fits to inputs `x` (n rows in [0, 1]^d) and targets `y`. Hyperparameters are fitted from the
  /// previous fit's values (if any) and `restarts` random starts.
  void fit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, int restarts, Rng& rng);

  /// Posterior mean and standard deviation at the rows of `xs`, in the units of y.
  void predict(const Eigen::MatrixXd& xs, Eigen::VectorXd& mean, Eigen::VectorXd& sd) const;

  /// The objective the fit maximizes at `theta` (log length scales, log signal variance, log
  /// noise variance), and its gradient; exposed for the finite-difference test.
  double log_posterior(const Eigen::VectorXd& theta, Eigen::VectorXd* gradient) const;

  const Eigen::VectorXd& theta() const { return theta_; }
  /// The Matérn 5/2 kernel between rows a and b under `theta`, without noise.
  static double kernel(const Eigen::VectorXd& a, const Eigen::VectorXd& b,
                       const Eigen::VectorXd& theta);

 private:
  Eigen::MatrixXd x_;
  Eigen::VectorXd y_;  ///< standardized
  double y_mean_ = 0, y_scale_ = 1;
  Eigen::VectorXd theta_;
  Eigen::LLT<Eigen::MatrixXd> llt_;
  Eigen::VectorXd alpha_;  ///< K^-1 y
};

/// Expected improvement below `best` for a Gaussian with `mean` and `sd` (minimization).
double expected_improvement(double mean, double sd, double best);

}  // namespace nnlab::search
