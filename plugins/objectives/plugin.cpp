// The built-in analytic objectives plugin: bowl, rosenbrock, branin, rastrigin, hartmann6,
// zdt1, zdt2.
#include "nnlab/plugin.hpp"
#include "components.hpp"

namespace {
void register_components(nnlab::Registrar& r) {
  nnlab::objectives::register_bowl(r);
  nnlab::objectives::register_rosenbrock(r);
  nnlab::objectives::register_branin(r);
  nnlab::objectives::register_rastrigin(r);
  nnlab::objectives::register_hartmann6(r);
  nnlab::objectives::register_zdt(r);
}
}  // namespace

NNLAB_PLUGIN("objectives", "0.1.0", register_components)
