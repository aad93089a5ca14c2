#pragma once
// The layer plugin's components; plugin.cpp registers them all.
#include "nnlab/registry.hpp"

namespace nnlab::layers {

void register_add(Registries& r);
void register_dense(Registries& r);
void register_batch_norm(Registries& r);
void register_eltwise(Registries& r);
void register_identity(Registries& r);
void register_dropout(Registries& r);
void register_softmax_cross_entropy(Registries& r);
void register_mse(Registries& r);

}  // namespace nnlab::layers
