#pragma once
// Optimizer state kept per parameter (tiny-dnn's layout): zero-initialised matrices of the parameter's
// shape, created the first time a parameter is seen.
#include <array>
#include <cmath>
#include <unordered_map>

#include "nnlab/registry.hpp"

namespace nnlab::optimizers {

template <std::size_t Slots>
class ParameterState {
 public:
  /// The state matrices of `p` (velocity, squared-gradient sums, moments...).
  std::array<Matrix, Slots>& of(const Parameter& p) {
    auto it = state_.find(&p);
    if (it != state_.end()) return it->second;
    std::array<Matrix, Slots> slots;
    for (auto& m : slots) m = Matrix(p.value.rows(), p.value.cols());
    return state_.emplace(&p, std::move(slots)).first->second;
  }

 private:
  std::unordered_map<const Parameter*, std::array<Matrix, Slots>> state_;
};

/// The learning rate `lr` (positive, finite).
inline double learning_rate(const Params& params, double fallback) {
  const double lr = params.number("lr", fallback);
  if (!(lr > 0) || !std::isfinite(lr)) params.fail("lr", "expected a positive learning rate");
  return lr;
}

/// A coefficient in [0, 1) such as a momentum or a decay rate.
inline double coefficient(const Params& params, const char* key, double fallback) {
  const double value = params.number(key, fallback);
  if (!(value >= 0 && value < 1)) params.fail(key, "expected a value in [0, 1)");
  return value;
}

void register_sgd(Registries& r);
void register_momentum(Registries& r);
void register_nesterov(Registries& r);
void register_adagrad(Registries& r);
void register_rmsprop(Registries& r);
void register_adam(Registries& r);
void register_adamw(Registries& r);

}  // namespace nnlab::optimizers
