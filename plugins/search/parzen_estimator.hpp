#pragma once
// The Parzen estimators of TPE (Bergstra et al. 2011), as Optuna 3.1 builds them by default
// (univariate, prior weight 1, magic clip, no endpoints): one per parameter and per group ("below"
// the gamma quantile, and "above" it).
#include <string>
#include <vector>

#include "nnlab/random.hpp"
#include "nnlab/search_strategy.hpp"

namespace nnlab::search {

/// Optuna's default weights: flat for under 25 observations; beyond, the oldest ramp from 1/n up.
/// `observations` are in trial order.
std::vector<double> tpe_weights(std::size_t observations);

class ParzenEstimator {
 public:
  /// @param values the group's values of `p`, in trial order
  ParzenEstimator(const SearchParameter& p, const std::vector<std::string>& values,
                  double prior_weight);
  /// A value drawn from the estimator.
  std::string sample(Rng& rng) const;
  /// log density (numeric) or log probability (categorical, integer or quantized) of `value`.
  double log_pdf(const std::string& value) const;

 private:
  const SearchParameter* p_;
  bool categorical_ = false, log_ = false;
  double low_ = 0, high_ = 0, step_ = 0;  ///< in the estimator's space (log for log_uniform)
  std::vector<double> weights_, mus_, sigmas_;
  std::vector<std::vector<double>> choice_probabilities_;  ///< per kernel, categorical
};

}  // namespace nnlab::search
