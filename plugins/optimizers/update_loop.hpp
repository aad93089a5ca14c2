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
#include <omp.h>

#include <algorithm>
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
  for (std::size_t i = 0; i < n; ++i) {
    // A weight whose float32 value was changed outside the optimizer (a loaded model, a user's
    // re-initialisation) restarts its master copy from it. A select, so the loop still vectorizes.
    double w = master[i];
    if (static_cast<float>(w) != value[i]) w = value[i];
    rule(w, static_cast<double>(grad[i]), slot[i]...);
    master[i] = w;
    value[i] = static_cast<float>(w);
  }
}

/// Elements below which one thread updates a parameter alone: a parallel region costs a few
/// microseconds, a 32K-element Adam update about ten.
inline constexpr std::size_t kElementsPerThread = std::size_t{1} << 15;

/// update_elements over the trial's OpenMP threads (its thread budget), each on its own range. The
/// update is element-wise, so the numbers do not depend on the split. A large layer's update is
/// memory-bound (Adam moves 60 bytes per weight: float64 master and moments, float32 value and
/// gradient) and took a third of a SimpleConvNet step's time beyond oneDNN's on one thread.
template <class Rule, class... Slot>
void update_elements_parallel(double* master, float* value, const float* grad, std::size_t n,
                              const Rule& rule, Slot*... slot) {
  const auto chunks = static_cast<long>(std::min<std::size_t>(
      static_cast<std::size_t>(omp_get_max_threads()), n / kElementsPerThread));
  if (chunks <= 1) {
    update_elements(master, value, grad, n, rule, slot...);
    return;
  }
#pragma omp parallel for num_threads(chunks) schedule(static, 1)
  for (long c = 0; c < chunks; ++c) {
    const std::size_t begin = n * static_cast<std::size_t>(c) / static_cast<std::size_t>(chunks);
    const std::size_t end = n * static_cast<std::size_t>(c + 1) / static_cast<std::size_t>(chunks);
    update_elements(master + begin, value + begin, grad + begin, end - begin, rule,
                    (slot + begin)...);
  }
}

template <std::size_t Slots, class Rule, std::size_t... k>
void update_parameter(SlotState<Slots>& s, Parameter& p, const Rule& rule,
                      std::index_sequence<k...>) {
  update_elements_parallel(s.master.data(), p.value.data(), p.grad.data(), s.master.size(), rule,
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
