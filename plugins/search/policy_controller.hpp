#pragma once
// The AutoAugment controller (Cubuk et al., "AutoAugment: Learning Augmentation Strategies from
// Data", CVPR 2019, the NAS controller of Zoph & Le 2017): a one-layer LSTM that makes a sequence
// of categorical decisions, one softmax per step, the choice sampled at each step fed back as the
// next step's input (an embedding of the chosen value, one table per decision). Trained with PPO
// (Schulman et al. 2017): the clipped surrogate of the whole sequence's probability ratio, plus
// an entropy bonus. Float64, Eigen; the weights are one flat vector, so Adam and the gradient
// check see them alike.
#include <Eigen/Dense>
#include <vector>

#include "nnlab/random.hpp"

namespace nnlab::search {

class PolicyController {
 public:
  /// @param choices    values of each decision, in the order they are made (each at least 1)
  /// @param hidden     LSTM units (the paper's 100)
  /// @param init_range every weight drawn uniformly from [-init_range, init_range] (paper: 0.1)
  /// @param rng        draws the initial weights
  /// Throws nnlab::Error on an empty sequence, a decision without values, or hidden < 1.
  PolicyController(std::vector<int> choices, int hidden, double init_range, Rng& rng);

  /// One sequence of decisions drawn from the policy, with its log-probability.
  struct Draw {
    std::vector<int> actions;
    double log_prob = 0;
  };
  /// A drawn sequence's forward pass, step by step (one column each), as loss() needs it: an
  /// update reuses it for a sequence drawn under the current weights instead of recomputing it.
  struct Trace {
    Eigen::MatrixXd gates;                     ///< 4H × steps: i, f, g, o after their functions
    Eigen::MatrixXd cells, cell_tanh, states;  ///< H × steps
    std::vector<Eigen::VectorXd> log_p;        ///< per step, the log-softmax
  };
  /// `trace`, when given, receives the draw's forward pass.
  Draw sample(Rng& rng, Trace* trace = nullptr) const;

  /// log π(actions) under the current weights.
  double log_prob(const std::vector<int>& actions) const;

  /// A batch of drawn sequences, for the PPO loss.
  struct Batch {
    std::vector<std::vector<int>> actions;
    std::vector<double> old_log_prob;  ///< log π_old: under the weights that drew each sequence
    std::vector<double> advantage;     ///< reward − baseline
  };

  /// The PPO loss to minimize, with ρ_i = π(a_i) / π_old(a_i) and H_i the entropies of the
  /// softmaxes along sequence i:
  ///   L = −1/N Σ_i min(ρ_i A_i, clip(ρ_i, 1 − ε, 1 + ε) A_i) − β/N Σ_i H_i.
  /// Writes dL/dweights into `gradient` when it is given (back-propagation through time).
  /// `traces`: empty, or one per sequence, each recorded by sample() under the current weights
  /// (then the forward pass is taken from them).
  double loss(const Batch& batch, double clip, double entropy_weight, Eigen::VectorXd* gradient,
              const std::vector<const Trace*>& traces = {}) const;

  Eigen::VectorXd& weights() { return weights_; }
  const Eigen::VectorXd& weights() const { return weights_; }
  int hidden() const { return hidden_; }
  const std::vector<int>& choices() const { return choices_; }

 private:
  /// One pass down the sequence: draws each decision into `actions` when `rng` is given, else
  /// follows `actions`; returns the sequence's log-probability.
  double walk(Rng* rng, std::vector<int>& actions, Trace* trace = nullptr) const;
  using Matrix = Eigen::Map<const Eigen::MatrixXd>;
  using Vector = Eigen::Map<const Eigen::VectorXd>;
  // The inputs are embeddings 4H wide that enter the gates (i, f, g, o stacked) as they are: an
  // embedding E (H wide) times input weights W_x, with the product learned directly. A one-hot
  // input's W_x·E is a lookup either way, and this one costs half the matrix products per step
  // (the proposal budget is 1 ms: AutoAugment's 30 decisions at 100 units took 1.6 ms with W_x).
  Vector start() const;              ///< the first step's input (4H)
  Matrix recurrent_weights() const;  ///< W_h, 4H × H: gates i, f, g, o stacked
  Vector gate_bias() const;          ///< 4H
  Matrix embedding(int step) const;  ///< 4H × n_step: the input of step + 1 (not the last step's)
  Matrix head(int step) const;       ///< n_step × H: the step's softmax weights
  Vector head_bias(int step) const;  ///< n_step

  std::vector<int> choices_;
  int hidden_;
  Eigen::Index start_ = 0, recurrent_ = 0, bias_ = 0;
  std::vector<Eigen::Index> embedding_, head_, head_bias_;  ///< offsets into weights_
  Eigen::VectorXd weights_;
};

/// Adam (Kingma & Ba 2015) on a flat vector, TensorFlow's defaults (β1 0.9, β2 0.999, ε 1e-8).
class AdamStep {
 public:
  AdamStep(Eigen::Index size, double lr) : lr_(lr), m_(Eigen::VectorXd::Zero(size)), v_(m_) {}
  /// Moves `x` against `gradient`.
  void apply(Eigen::VectorXd& x, const Eigen::VectorXd& gradient);

 private:
  double lr_;
  Eigen::VectorXd m_, v_;
  int t_ = 0;
};

}  // namespace nnlab::search
