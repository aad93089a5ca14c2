// The built-in search plugin: strategies (grid, random, sobol, tpe, bayes, cmaes, nsga2,
// autoaugment) and pruners (median, asha, hyperband).
#include "nnlab/plugin.hpp"
#include "components.hpp"

namespace {
void register_components(nnlab::Registrar& r) {
  nnlab::search::register_grid(r);
  nnlab::search::register_random(r);
  nnlab::search::register_sobol(r);
  nnlab::search::register_tpe(r);
  nnlab::search::register_bayes(r);
  nnlab::search::register_cmaes(r);
  nnlab::search::register_nsga2(r);
  nnlab::search::register_autoaugment(r);
  nnlab::search::register_pruners(r);
}
}  // namespace

NNLAB_PLUGIN("search", "0.2.0", register_components)
