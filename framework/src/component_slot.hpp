#pragma once
/// The kinds of component an experiment holds. Only the enum, so the experiment's spec can name a
/// slot without the table (component_slots.hpp) and the registries behind it.

namespace nnlab {

enum class ComponentSlot {
  layer,
  loss,
  regularizer,
  optimizer,
  dataset,
  strategy,
  pruner,
  objective,
  augmentation
};

}  // namespace nnlab
