#include "policy_controller.hpp"

#include <algorithm>
#include <cmath>
#include <random>

#include "nnlab/error.hpp"

namespace nnlab::search {
namespace {

Eigen::ArrayXXd sigmoid(const Eigen::ArrayXXd& z) { return 1.0 / (1.0 + (-z).exp()); }

/// Column-wise log-softmax of logits (n × N), stable against large logits.
Eigen::MatrixXd log_softmax(const Eigen::MatrixXd& logits) {
  Eigen::MatrixXd out(logits.rows(), logits.cols());
  for (Eigen::Index i = 0; i < logits.cols(); ++i) {
    const double top = logits.col(i).maxCoeff();
    const double log_sum = top + std::log((logits.col(i).array() - top).exp().sum());
    out.col(i) = logits.col(i).array() - log_sum;
  }
  return out;
}

}  // namespace

PolicyController::PolicyController(std::vector<int> choices, int hidden, double init_range,
                                   Rng& rng)
    : choices_(std::move(choices)), hidden_(hidden) {
  if (choices_.empty()) throw Error("the controller needs at least one decision");
  if (hidden_ < 1) throw Error("the controller needs at least one LSTM unit");
  for (int n : choices_) {
    if (n < 1) throw Error("every decision of the controller needs at least one value");
  }
  const Eigen::Index h = hidden_;
  Eigen::Index size = 0;
  auto take = [&](Eigen::Index count) {
    const Eigen::Index at = size;
    size += count;
    return at;
  };
  start_ = take(4 * h);
  recurrent_ = take(4 * h * h);
  bias_ = take(4 * h);
  for (std::size_t t = 0; t < choices_.size(); ++t) {
    // The last decision feeds no step: it has no embedding.
    embedding_.push_back(t + 1 < choices_.size() ? take(4 * h * choices_[t]) : size);
    head_.push_back(take(choices_[t] * h));
    head_bias_.push_back(take(choices_[t]));
  }
  weights_.resize(size);
  std::uniform_real_distribution<double> uniform(-init_range, init_range);
  for (Eigen::Index i = 0; i < size; ++i) weights_[i] = uniform(rng);
}

PolicyController::Vector PolicyController::start() const {
  return Vector(weights_.data() + start_, 4 * hidden_);
}
PolicyController::Matrix PolicyController::recurrent_weights() const {
  return Matrix(weights_.data() + recurrent_, 4 * hidden_, hidden_);
}
PolicyController::Vector PolicyController::gate_bias() const {
  return Vector(weights_.data() + bias_, 4 * hidden_);
}
PolicyController::Matrix PolicyController::embedding(int step) const {
  const auto t = static_cast<std::size_t>(step);
  return Matrix(weights_.data() + embedding_[t], 4 * hidden_, choices_[t]);
}
PolicyController::Matrix PolicyController::head(int step) const {
  const auto t = static_cast<std::size_t>(step);
  return Matrix(weights_.data() + head_[t], choices_[t], hidden_);
}
PolicyController::Vector PolicyController::head_bias(int step) const {
  const auto t = static_cast<std::size_t>(step);
  return Vector(weights_.data() + head_bias_[t], choices_[t]);
}

double PolicyController::walk(Rng* rng, std::vector<int>& actions, Trace* trace) const {
  const Eigen::Index h = hidden_;
  const int steps = static_cast<int>(choices_.size());
  Eigen::VectorXd state = Eigen::VectorXd::Zero(h), cell = Eigen::VectorXd::Zero(h);
  Eigen::VectorXd z(4 * h);
  std::uniform_real_distribution<double> unit(0, 1);
  double total = 0;
  int previous = 0;
  if (trace) {
    trace->gates.resize(4 * h, steps);
    trace->cells.resize(h, steps);
    trace->cell_tanh.resize(h, steps);
    trace->states.resize(h, steps);
    trace->log_p.clear();
  }
  for (int t = 0; t < steps; ++t) {
    const auto s = static_cast<std::size_t>(t);
    z.noalias() = recurrent_weights() * state;
    z += gate_bias();
    z += t == 0 ? start() : Vector(embedding(t - 1).col(previous).data(), 4 * h);
    const Eigen::ArrayXd gates = z.array();
    const Eigen::ArrayXd in = 1.0 / (1.0 + (-gates.segment(0, h)).exp());
    const Eigen::ArrayXd forget = 1.0 / (1.0 + (-gates.segment(h, h)).exp());
    const Eigen::ArrayXd candidate = gates.segment(2 * h, h).tanh();
    const Eigen::ArrayXd out = 1.0 / (1.0 + (-gates.segment(3 * h, h)).exp());
    cell = (forget * cell.array() + in * candidate).matrix();
    state = (out * cell.array().tanh()).matrix();
    const Eigen::VectorXd log_p = log_softmax(head(t) * state + head_bias(t));
    if (trace) {
      trace->gates.col(t) << in, forget, candidate, out;
      trace->cells.col(t) = cell;
      trace->cell_tanh.col(t) = cell.array().tanh();
      trace->states.col(t) = state;
      trace->log_p.push_back(log_p);
    }
    if (rng) {
      // Inverse CDF: the first value whose cumulative probability passes u.
      const double u = unit(*rng);
      double cumulative = 0;
      int chosen = choices_[s] - 1;
      for (int k = 0; k < choices_[s]; ++k) {
        cumulative += std::exp(log_p[k]);
        if (u < cumulative) {
          chosen = k;
          break;
        }
      }
      actions.push_back(chosen);
    }
    previous = actions[s];
    total += log_p[previous];
  }
  return total;
}

PolicyController::Draw PolicyController::sample(Rng& rng, Trace* trace) const {
  Draw draw;
  draw.actions.reserve(choices_.size());
  draw.log_prob = walk(&rng, draw.actions, trace);
  return draw;
}

double PolicyController::log_prob(const std::vector<int>& actions) const {
  if (actions.size() != choices_.size()) throw Error("a sequence of the wrong length");
  for (std::size_t t = 0; t < actions.size(); ++t) {
    if (actions[t] < 0 || actions[t] >= choices_[t]) throw Error("a decision outside its values");
  }
  std::vector<int> follow = actions;
  return walk(nullptr, follow);
}

double PolicyController::loss(const Batch& batch, double clip, double entropy_weight,
                              Eigen::VectorXd* gradient,
                              const std::vector<const Trace*>& traces) const {
  const Eigen::Index h = hidden_, n = static_cast<Eigen::Index>(batch.actions.size());
  const int steps = static_cast<int>(choices_.size());
  if (n == 0) throw Error("the controller's update needs at least one sequence");
  for (const auto& a : batch.actions) {
    if (a.size() != choices_.size()) throw Error("a sequence of the wrong length");
    for (std::size_t t = 0; t < a.size(); ++t) {
      if (a[t] < 0 || a[t] >= choices_[t]) throw Error("a decision outside its values");
    }
  }
  auto action = [&](int t, Eigen::Index i) {
    return batch.actions[static_cast<std::size_t>(i)][static_cast<std::size_t>(t)];
  };

  // Forward, every sequence at once (one column each), keeping what the backward pass needs.
  const auto count = static_cast<std::size_t>(steps);
  std::vector<Eigen::ArrayXXd> in(count), forget(count), candidate(count), out(count), cells(count),
      cell_tanh(count);
  std::vector<Eigen::MatrixXd> states(count), log_p(count);
  Eigen::MatrixXd state = Eigen::MatrixXd::Zero(h, n);
  Eigen::ArrayXXd cell = Eigen::ArrayXXd::Zero(h, n);
  Eigen::MatrixXd z(4 * h, n);
  Eigen::VectorXd sequence_log_p = Eigen::VectorXd::Zero(n), entropy = Eigen::VectorXd::Zero(n);
  if (!traces.empty() && traces.size() != batch.actions.size())
    throw Error("the controller's update needs one trace per sequence, or none");
  for (int t = 0; t < steps && !traces.empty(); ++t) {
    const auto s = static_cast<std::size_t>(t);
    in[s].resize(h, n);
    forget[s].resize(h, n);
    candidate[s].resize(h, n);
    out[s].resize(h, n);
    cells[s].resize(h, n);
    cell_tanh[s].resize(h, n);
    states[s].resize(h, n);
    log_p[s].resize(choices_[s], n);
    for (Eigen::Index i = 0; i < n; ++i) {
      const Trace& trace = *traces[static_cast<std::size_t>(i)];
      in[s].col(i) = trace.gates.block(0, t, h, 1).array();
      forget[s].col(i) = trace.gates.block(h, t, h, 1).array();
      candidate[s].col(i) = trace.gates.block(2 * h, t, h, 1).array();
      out[s].col(i) = trace.gates.block(3 * h, t, h, 1).array();
      cells[s].col(i) = trace.cells.col(t).array();
      cell_tanh[s].col(i) = trace.cell_tanh.col(t).array();
      states[s].col(i) = trace.states.col(t);
      log_p[s].col(i) = trace.log_p[s];
      sequence_log_p[i] += log_p[s](action(t, i), i);
      entropy[i] -= (log_p[s].col(i).array().exp() * log_p[s].col(i).array()).sum();
    }
  }
  for (int t = 0; t < steps && traces.empty(); ++t) {
    const auto s = static_cast<std::size_t>(t);
    z.noalias() = recurrent_weights() * state;
    z.colwise() += Eigen::VectorXd(gate_bias());
    for (Eigen::Index i = 0; i < n; ++i)
      z.col(i) += t == 0 ? start() : Vector(embedding(t - 1).col(action(t - 1, i)).data(), 4 * h);
    in[s] = sigmoid(z.topRows(h).array());
    forget[s] = sigmoid(z.middleRows(h, h).array());
    candidate[s] = z.middleRows(2 * h, h).array().tanh();
    out[s] = sigmoid(z.bottomRows(h).array());
    cell = forget[s] * cell + in[s] * candidate[s];
    cells[s] = cell;
    cell_tanh[s] = cell.tanh();
    state = (out[s] * cell_tanh[s]).matrix();
    states[s] = state;
    Eigen::MatrixXd logits = head(t) * state;
    logits.colwise() += Eigen::VectorXd(head_bias(t));
    log_p[s] = log_softmax(logits);
    for (Eigen::Index i = 0; i < n; ++i) {
      sequence_log_p[i] += log_p[s](action(t, i), i);
      entropy[i] -= (log_p[s].col(i).array().exp() * log_p[s].col(i).array()).sum();
    }
  }

  // The clipped surrogate; dL/dlog π(a_i) is −A_i ρ_i / N where the unclipped term is the
  // smaller (inside the clip range both are equal), 0 where the clipped one is.
  const double scale = 1.0 / static_cast<double>(n);
  double value = 0;
  Eigen::VectorXd d_log_p(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const auto k = static_cast<std::size_t>(i);
    const double ratio = std::exp(sequence_log_p[i] - batch.old_log_prob[k]);
    const double a = batch.advantage[k];
    const double unclipped = ratio * a;
    const double clipped = std::clamp(ratio, 1 - clip, 1 + clip) * a;
    value -= scale * std::min(unclipped, clipped) + scale * entropy_weight * entropy[i];
    d_log_p[i] = unclipped <= clipped ? -scale * a * ratio : 0.0;
  }
  if (!gradient) return value;

  // Backward through time.
  gradient->setZero(weights_.size());
  Eigen::VectorXd& g = *gradient;
  Eigen::Map<Eigen::MatrixXd> d_recurrent(g.data() + recurrent_, 4 * h, h);
  Eigen::Map<Eigen::VectorXd> d_bias(g.data() + bias_, 4 * h);
  Eigen::MatrixXd d_state_next = Eigen::MatrixXd::Zero(h, n);
  Eigen::ArrayXXd d_cell_next = Eigen::ArrayXXd::Zero(h, n);
  Eigen::MatrixXd d_z(4 * h, n);
  // dL/dW_h = Σ_t dz_t h_{t−1}ᵀ as one product over every step: summed step by step, each term
  // (an inner dimension of N sequences) would rewrite all of W_h's gradient.
  Eigen::MatrixXd stacked_d_z(4 * h, (steps - 1) * n), stacked_states(h, (steps - 1) * n);
  for (int t = steps - 1; t >= 0; --t) {
    const auto s = static_cast<std::size_t>(t);
    const int values = choices_[s];
    // d/dlogits: the log-probability's (one-hot − p) and the entropy's p (log p + H_t).
    const Eigen::ArrayXXd p = log_p[s].array().exp();
    Eigen::MatrixXd d_logits(values, n);
    for (Eigen::Index i = 0; i < n; ++i) {
      const double step_entropy = -(p.col(i) * log_p[s].col(i).array()).sum();
      d_logits.col(i) = (-d_log_p[i] * p.col(i) + scale * entropy_weight * p.col(i) *
                                                      (log_p[s].col(i).array() + step_entropy))
                            .matrix();
      d_logits(action(t, i), i) += d_log_p[i];
    }
    Eigen::Map<Eigen::MatrixXd>(g.data() + head_[s], values, h).noalias() +=
        d_logits * states[s].transpose();
    Eigen::Map<Eigen::VectorXd>(g.data() + head_bias_[s], values) += d_logits.rowwise().sum();
    Eigen::MatrixXd d_state = head(t).transpose() * d_logits + d_state_next;
    const Eigen::ArrayXXd d_out = d_state.array() * cell_tanh[s];
    const Eigen::ArrayXXd d_cell =
        d_state.array() * out[s] * (1 - cell_tanh[s].square()) + d_cell_next;
    const Eigen::ArrayXXd previous_cell =
        t > 0 ? cells[s - 1] : Eigen::ArrayXXd(Eigen::ArrayXXd::Zero(h, n));
    d_z.topRows(h) = (d_cell * candidate[s] * in[s] * (1 - in[s])).matrix();
    d_z.middleRows(h, h) = (d_cell * previous_cell * forget[s] * (1 - forget[s])).matrix();
    d_z.middleRows(2 * h, h) = (d_cell * in[s] * (1 - candidate[s].square())).matrix();
    d_z.bottomRows(h) = (d_out * out[s] * (1 - out[s])).matrix();
    d_cell_next = d_cell * forget[s];
    if (t > 0) {
      stacked_d_z.middleCols((t - 1) * n, n) = d_z;
      stacked_states.middleCols((t - 1) * n, n) = states[s - 1];
    }
    d_bias += d_z.rowwise().sum();
    if (t > 0) d_state_next.noalias() = recurrent_weights().transpose() * d_z;
    // The step's input entered the gates as it is: its gradient is the gates'.
    if (t == 0) {
      Eigen::Map<Eigen::VectorXd>(g.data() + start_, 4 * h) += d_z.rowwise().sum();
    } else {
      Eigen::Map<Eigen::MatrixXd> d_embedding(g.data() + embedding_[s - 1], 4 * h, choices_[s - 1]);
      for (Eigen::Index i = 0; i < n; ++i) d_embedding.col(action(t - 1, i)) += d_z.col(i);
    }
  }
  if (steps > 1) d_recurrent.noalias() = stacked_d_z * stacked_states.transpose();
  return value;
}

void AdamStep::apply(Eigen::VectorXd& x, const Eigen::VectorXd& gradient) {
  constexpr double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
  ++t_;
  m_ = beta1 * m_ + (1 - beta1) * gradient;
  v_ = beta2 * v_ + (1 - beta2) * gradient.cwiseAbs2();
  const double correction1 = 1 - std::pow(beta1, t_), correction2 = 1 - std::pow(beta2, t_);
  x.array() -= lr_ * (m_.array() / correction1) / ((v_.array() / correction2).sqrt() + epsilon);
}

}  // namespace nnlab::search
