#pragma once
/// The component slots: each kind of component, with its registry, the name messages and
/// `nnlab plugins` use for it, and where it goes in an experiment. One table, so the experiment
/// loader, the search-space check and `nnlab plugins` cannot disagree about a kind.
#include <array>
#include <cstddef>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>

#include "component_slot.hpp"
#include "nnlab/registrar.hpp"
#include "nnlab/registry.hpp"

namespace nnlab {

/// A slot as text.
struct SlotInfo {
  ComponentSlot slot;
  /// The kind as messages ("unknown layer 'x'") and `nnlab plugins` name it.
  std::string_view kind_name;
  /// Key path of its `{kind: ...}` mapping in an experiment ("model.layers": an item of that list).
  std::string_view yaml_path;
  /// An experiment's lines holding one, for `nnlab plugins --describe`: "{map}" stands for
  /// `{kind: key, ...}`, "{fields}" for the same fields without braces.
  std::string_view example;
  /// Whether a search space may set its keys; its schema then checks the searched values.
  bool searchable;
};

/// One row of the table: the slot's text, its registry in the host's Registries and its staging
/// area in a plugin's Registrar.
template <class T>
struct SlotRow {
  using Component = T;
  SlotInfo info;
  Registry<T> Registries::*registry;
  StagedRegistry<T> Registrar::*staged;
};

/// The table, in ComponentSlot order (which is also the order `nnlab plugins` lists them in).
inline constexpr std::tuple kComponentSlots{
    SlotRow<Layer>{
        {ComponentSlot::layer, "layer", "model.layers", "model:\n  layers:\n    - {map}", true},
        &Registries::layers,
        &Registrar::layers},
    SlotRow<Loss>{{ComponentSlot::loss, "loss", "model.loss", "model:\n  loss: {map}", true},
                  &Registries::losses,
                  &Registrar::losses},
    SlotRow<Regularizer>{
        {ComponentSlot::regularizer, "regularizer", "regularizers", "regularizers: [{map}]", true},
        &Registries::regularizers,
        &Registrar::regularizers},
    SlotRow<Optimizer>{
        {ComponentSlot::optimizer, "optimizer", "optimizer", "optimizer: {map}", true},
        &Registries::optimizers,
        &Registrar::optimizers},
    SlotRow<Dataset>{{ComponentSlot::dataset, "dataset", "data", "data: {map}", false},
                     &Registries::datasets,
                     &Registrar::datasets},
    SlotRow<SearchStrategy>{
        {ComponentSlot::strategy, "search strategy", "search",
         "search:\n  {fields}\n  trials: 20\n  objective: {metric: val_acc, mode: max}", false},
        &Registries::strategies,
        &Registrar::strategies},
    SlotRow<Pruner>{
        {ComponentSlot::pruner, "pruner", "search.pruner", "search:\n  pruner: {map}", false},
        &Registries::pruners,
        &Registrar::pruners},
    SlotRow<Objective>{
        {ComponentSlot::objective, "objective", "objective", "objective: {map}", false},
        &Registries::objectives,
        &Registrar::objectives},
    // Policies name operations by `op:`, not `kind:`; their keys are core settings that the
    // experiment loader checks (and the sweep's search-space check, augment.policy[i][j].op).
    SlotRow<Augmentation>{{ComponentSlot::augmentation, "augmentation", "augment",
                           "augment:\n  policy: [[{op: {key}, p: 0.5, magnitude: 5}]]", false},
                          &Registries::augmentations,
                          &Registrar::augmentations},
};

/// Every slot's text, indexed by ComponentSlot.
inline constexpr auto kSlotInfos =
    std::apply([](const auto&... row) { return std::array<SlotInfo, sizeof...(row)>{row.info...}; },
               kComponentSlots);

constexpr bool slots_in_order() {
  for (std::size_t i = 0; i < kSlotInfos.size(); ++i) {
    if (static_cast<std::size_t>(kSlotInfos[i].slot) != i) return false;
  }
  return true;
}
static_assert(slots_in_order(), "kComponentSlots must list the slots in ComponentSlot order");

inline const SlotInfo& slot_info(ComponentSlot slot) {
  return kSlotInfos[static_cast<std::size_t>(slot)];
}

/// Calls `f(row)` for every row of the table, in order; `row.registry` and `row.staged` are typed.
template <class F>
void for_each_slot(F&& f) {
  std::apply([&](const auto&... row) { (f(row), ...); }, kComponentSlots);
}

/// The text of the slot whose components are T.
template <class T>
constexpr const SlotInfo& slot_of() {
  const SlotInfo* found = nullptr;
  std::apply(
      [&](const auto&... row) {
        ((found = std::is_same_v<typename std::decay_t<decltype(row)>::Component, T> ? &row.info
                                                                                     : found),
         ...);
      },
      kComponentSlots);
  return *found;
}

}  // namespace nnlab
