#pragma once
// The layer plugin's components; plugin.cpp registers them all.
#include "nnlab/registrar.hpp"

namespace nnlab::layers {

void register_add(Registrar& r);
void register_dense(Registrar& r);
void register_conv2d(Registrar& r);
void register_pooling(Registrar& r);
void register_flatten(Registrar& r);
void register_batch_norm(Registrar& r);
void register_eltwise(Registrar& r);
void register_identity(Registrar& r);
void register_dropout(Registrar& r);
void register_softmax_cross_entropy(Registrar& r);
void register_mse(Registrar& r);

}  // namespace nnlab::layers
