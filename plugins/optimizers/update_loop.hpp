#pragma once
// The per-parameter scaffolding every optimizer here shares: state looked up by parameter, the
// float64 master copy synced, the element loop, the rounding back to float32. An optimizer supplies
// only its update rule for one element:
//
//   update(state_, params, [lr = lr_](double& w, double g, double& v) { ... });
//
// w is the float64 master weight, g the gradient, and then one double& per state slot (velocity,
// squared-gradient sum, moments), all updated in place.
//
// Rules capture what they need by value. A captured `this` would be a pointer the loop cannot prove
// distinct from the arrays it writes, so every hyperparameter would be reloaded per element and the
// loop would not vectorize.
#include <cstddef>
#include <span>
#include <utility>

#include "nnlab/vectorize.hpp"
#include "state.hpp"

namespace nnlab::optimizers {

/// Runs `rule` on each of the n elements of one parameter, then stores each weight in both
/// precisions. Multiversioned, with the rule inlined into every clone, so each optimizer's update
/// runs at the machine's vector width. `__restrict` holds: the master copy, the float32 value, the
/// gradient and each slot are separate allocations.
template <class Rule, class... Slot>
NNLAB_MULTIVERSION void update_elements(double* __restrict master, float* __restrict value,
                                        const float* __restrict grad, std::size_t n, Rule rule,
                                        Slot* __restrict... slot) {
  sync_master(master, value, n);
  for (std::size_t i = 0; i < n; ++i) {
    rule(master[i], static_cast<double>(grad[i]), slot[i]...);
    value[i] = static_cast<float>(master[i]);
  }
}

template <std::size_t Slots, class Rule, std::size_t... k>
void update_parameter(SlotState<Slots>& s, Parameter& p, const Rule& rule,
                      std::index_sequence<k...>) {
  update_elements(s.master.data(), p.value.data(), p.grad.data(), s.master.size(), rule,
                  s.slot[k].data()...);
}

/// Applies `rule` to the parameter `p`, with p's state in `state` (created on first sight).
template <std::size_t Slots, class Rule>
void update_parameter(ParameterState<Slots>& state, Parameter& p, const Rule& rule) {
  update_parameter(state.of(p), p, rule, std::make_index_sequence<Slots>{});
}

/// Applies `rule` to every parameter in `params`.
template <std::size_t Slots, class Rule>
void update(ParameterState<Slots>& state, std::span<Parameter* const> params, const Rule& rule) {
  for (Parameter* p : params) update_parameter(state, *p, rule);
}

}  // namespace nnlab::optimizers
