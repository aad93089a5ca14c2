#pragma once
// Transitional, force-included into this plugin's files by CMakeLists.txt: state.hpp and the
// optimizer files (being changed on another branch) still name `Registries` in their register_*
// functions and get the Optimizer interface through nnlab/registry.hpp, which since ABI 4 only
// declares it. Here `Registries` means the Registrar inside nnlab::optimizers, so those files build
// unchanged. Delete this file and its -include once state.hpp declares
// `void register_sgd(Registrar& r);` ... and includes nnlab/optimizer.hpp and nnlab/registrar.hpp.
#include "nnlab/optimizer.hpp"
#include "nnlab/registrar.hpp"

namespace nnlab::optimizers {
using Registries = Registrar;
}  // namespace nnlab::optimizers
