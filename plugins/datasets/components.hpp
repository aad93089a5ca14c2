#pragma once
// The datasets plugin's components; plugin.cpp registers them.
#include "nnlab/registry.hpp"

namespace nnlab::datasets {

void register_idx(Registries& r);
void register_synthetic(Registries& r);

}  // namespace nnlab::datasets
