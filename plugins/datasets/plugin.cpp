// The built-in datasets plugin: idx (MNIST-format files) and synthetic.
#include "nnlab/plugin.hpp"
#include "components.hpp"

namespace {
void register_components(nnlab::Registrar& r) {
  nnlab::datasets::register_idx(r);
  nnlab::datasets::register_synthetic(r);
}
}  // namespace

NNLAB_PLUGIN("datasets", "0.1.0", register_components)
