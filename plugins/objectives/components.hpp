#pragma once
// The analytic objectives plugin's components (definitions and optima: Surjanovic & Bingham's
// Virtual Library of Simulation Experiments); plugin.cpp registers them.
#include <cmath>

#include "nnlab/registrar.hpp"

namespace nnlab::objectives {

void register_bowl(Registrar& r);
void register_rosenbrock(Registrar& r);
void register_branin(Registrar& r);
void register_rastrigin(Registrar& r);
void register_hartmann6(Registrar& r);
void register_zdt(Registrar& r);

}  // namespace nnlab::objectives
