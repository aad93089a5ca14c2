#pragma once
// The search-strategy plugin's components; plugin.cpp registers them.
#include "nnlab/registry.hpp"

namespace nnlab::search {

void register_grid(Registries& r);
void register_random(Registries& r);

}  // namespace nnlab::search
