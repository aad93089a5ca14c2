// The built-in optimizers plugin.
#include "nnlab/plugin.hpp"
#include "state.hpp"

namespace {
void register_components(nnlab::Registrar& r) {
  using namespace nnlab::optimizers;
  register_sgd(r);
  register_momentum(r);
  register_nesterov(r);
  register_adagrad(r);
  register_rmsprop(r);
  register_adam(r);
  register_adamw(r);
}
}  // namespace

NNLAB_PLUGIN("optimizers", "0.1.0", register_components)
