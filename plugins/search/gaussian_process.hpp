#pragma once
// A Gaussian-process regression model for Bayesian optimization: zero mean on standardized
// targets, an ARD Matérn 5/2 kernel on the unit cube, and hyperparameters (a length scale per
// dimension, the signal variance, the noise variance) fitted by maximizing the log marginal
// likelihood plus weak log-normal priors. Linear algebra is Eigen's (Cholesky, triangular solves).
//
// Between hyperparameter fits the model can be extended: update() adds the rows appended to the
// inputs under the hyperparameters it has, extending the Cholesky factor of K + σ²I by the new
// rows (O(n² k) for k new rows instead of O(n³) for a new factorization), so a Bayesian
// optimization loop can refit the hyperparameters every few trials only.
#include <Eigen/Dense>
#include <vector>

#include "nnlab/random.hpp"

namespace nnlab::search {

class GaussianProcess {
 public:
  /// Fits to inputs `x` (n rows in [0, 1]^d) and targets `y`. Hyperparameters are fitted from the
  /// previous fit's values (if any) and `restarts` random starts.
  void fit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, int restarts, Rng& rng);

  /// Fits as fit() does, but from the last fit's hyperparameters alone (no other starts): the
  /// cheap refit of a model whose data grew by a few rows since.
  void refit(const Eigen::MatrixXd& x, const Eigen::VectorXd& y);

  /// Conditions on inputs `x` and targets `y` under fixed hyperparameters `theta` (as theta()
  /// returns them): a new factorization, no fit.
  void condition(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, const Eigen::VectorXd& theta);

  /// Conditions on `x` and `y` under the hyperparameters of the last fit() or condition(). When
  /// the rows conditioned on before are the first rows of `x`, only the new rows are factored
  /// (a block extension of the Cholesky factor) and true is returned; otherwise (other rows, or
  /// the extension not positive definite in floating point) the whole matrix is factored again
  /// and false is returned. `y` may change anywhere: the targets are standardized again and
  /// K^-1 y is recomputed by two triangular solves. Requires a fit or a condition before.
  bool update(const Eigen::MatrixXd& x, const Eigen::VectorXd& y);

  /// Whether hyperparameters are set (by fit() or condition()).
  bool fitted() const { return theta_.size() > 0; }
  /// Rows conditioned on.
  Eigen::Index rows() const { return x_.rows(); }

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
  /// Adam ascent of log_posterior from each start; keeps the best end (`fallback` if none is
  /// finite) and conditions on x_, y_ under it.
  void ascend(const std::vector<Eigen::VectorXd>& starts, const Eigen::VectorXd& fallback);
  void standardize(const Eigen::VectorXd& y);
  /// Factors K + σ²I of all of x_ under theta_ into l_; false if not positive definite.
  bool factor();
  /// alpha_ = (K + σ²I)^-1 y_ from l_.
  void solve_alpha();

  Eigen::MatrixXd x_;
  Eigen::VectorXd y_;  ///< standardized
  double y_mean_ = 0, y_scale_ = 1;
  Eigen::VectorXd theta_;
  Eigen::MatrixXd l_;          ///< the lower Cholesky factor L of K + (σ² + jitter) I
  Eigen::MatrixXd l_inverse_;  ///< L^-1, lower triangular
  Eigen::VectorXd alpha_;      ///< K^-1 y
};

/// Expected improvement below `best` for a Gaussian with `mean` and `sd` (minimization).
double expected_improvement(double mean, double sd, double best);

}  // namespace nnlab::search
