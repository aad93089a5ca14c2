#pragma once
// The datasets plugin's components; plugin.cpp registers them.
#include "nnlab/registrar.hpp"

namespace nnlab::datasets {

void register_idx(Registrar& r);
void register_synthetic(Registrar& r);

}  // namespace nnlab::datasets
