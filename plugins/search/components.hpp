#pragma once
// The search-strategy plugin's components; plugin.cpp registers them.
#include "nnlab/registry.hpp"

namespace nnlab::search {

void register_grid(Registries& r);
void register_random(Registries& r);
void register_sobol(Registries& r);
void register_tpe(Registries& r);
void register_bayes(Registries& r);
void register_pruners(Registries& r);

}  // namespace nnlab::search
