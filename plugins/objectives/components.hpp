#pragma once
// The analytic objectives plugin's components (definitions and optima: Surjanovic & Bingham's
// Virtual Library of Simulation Experiments); plugin.cpp registers them.
#include <cmath>

#include "nnlab/registry.hpp"

namespace nnlab::objectives {

void register_bowl(Registries& r);
void register_rosenbrock(Registries& r);
void register_branin(Registries& r);
void register_rastrigin(Registries& r);
void register_hartmann6(Registries& r);

}  // namespace nnlab::objectives
