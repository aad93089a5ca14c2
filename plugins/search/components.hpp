#pragma once
// The search-strategy plugin's components; plugin.cpp registers them.
#include "nnlab/registrar.hpp"

namespace nnlab::search {

void register_grid(Registrar& r);
void register_random(Registrar& r);
void register_sobol(Registrar& r);
void register_tpe(Registrar& r);
void register_bayes(Registrar& r);
void register_cmaes(Registrar& r);
void register_nsga2(Registrar& r);
void register_autoaugment(Registrar& r);
void register_pruners(Registrar& r);

}  // namespace nnlab::search
