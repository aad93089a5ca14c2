// The built-in regularizers plugin: l2 and l1 weight decay.
#include "nnlab/plugin.hpp"
#include "weight_decay.hpp"

namespace {
void register_components(nnlab::Registrar& r) {
  nnlab::regularizers::register_l2(r);
  nnlab::regularizers::register_l1(r);
}
}  // namespace

NNLAB_PLUGIN("regularizers", "0.1.0", register_components)
