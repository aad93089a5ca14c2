#pragma once
// Optimizer state kept per parameter (tiny-dnn's layout), created the first time a parameter is
// seen.
//
// Updates run in float64 on a float64 master copy of each weight; the float32 value the layers
// compute with is the master copy rounded. Without it, small steps vanish into float32 rounding (lr
// 1e-6 on a weight of 0.1 moves it by less than half an ulp), and paths drift from the book's
// float64 numpy results (the seed's E1 anchors, to 1e-6, fail in float32 after 30 steps).
// Mixed-precision training keeps master weights for the same reason.
#include <array>
#include <cmath>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "nnlab/optimizer.hpp"
#include "nnlab/registrar.hpp"

namespace nnlab::optimizers {

template <std::size_t Slots>
struct SlotState {
  std::vector<double> master;                   ///< float64 copy of the weights
  std::array<std::vector<double>, Slots> slot;  ///< velocities, squared-gradient sums, moments
};

template <std::size_t Slots>
class ParameterState {
 public:
  /// The state of `p`, zero but for the master copy (p's current value).
  SlotState<Slots>& of(const Parameter& p) {
    auto it = state_.find(&p);
    if (it != state_.end()) return it->second;
    const auto n = static_cast<std::size_t>(p.value.size());
    SlotState<Slots> s;
    s.master.assign(p.value.data(), p.value.data() + n);
    for (auto& v : s.slot) v.assign(n, 0.0);
    return state_.emplace(&p, std::move(s)).first->second;
  }

  /// Appends each parameter's master copy and slots, as "<parameter>.master" and
  /// "<parameter>.<slot name>", for checkpoints (Optimizer::training_state).
  void list(std::span<Parameter* const> params, const std::array<const char*, Slots>& slot_names,
            TrainingState& out) {
    for (Parameter* p : params) {
      SlotState<Slots>& s = of(*p);
      out.push_back({p->name + ".master", std::span<double>(s.master)});
      for (std::size_t k = 0; k < Slots; ++k)
        out.push_back({p->name + "." + slot_names[k], std::span<double>(s.slot[k])});
    }
  }

 private:
  std::unordered_map<const Parameter*, SlotState<Slots>> state_;
};

/// The schema of every optimizer starts with its learning rate `lr` (positive).
inline Schema optimizer_schema(std::string summary, double default_lr) {
  return Schema(std::move(summary)).number("lr", default_lr, "learning rate").greater_than(0);
}

/// Adds a coefficient in [0, 1) such as a momentum or a decay rate.
inline Schema& coefficient(Schema& schema, std::string name, double default_value,
                           std::string help) {
  return schema.number(std::move(name), default_value, std::move(help)).min(0).less_than(1);
}

void register_sgd(Registrar& r);
void register_momentum(Registrar& r);
void register_nesterov(Registrar& r);
void register_adagrad(Registrar& r);
void register_rmsprop(Registrar& r);
void register_adam(Registrar& r);
void register_adamw(Registrar& r);

}  // namespace nnlab::optimizers
