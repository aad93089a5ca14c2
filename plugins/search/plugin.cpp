// The built-in search strategies plugin: grid and random.
#include "nnlab/plugin.hpp"
#include "components.hpp"

namespace {
void register_components(nnlab::Registries& r) {
  nnlab::search::register_grid(r);
  nnlab::search::register_random(r);
}
}  // namespace

NNLAB_PLUGIN("search", "0.1.0", register_components)
