// The built-in layers plugin: add, dense, conv2d, max/avg/global_avg pooling, flatten, batch_norm,
// relu/sigmoid/tanh, dropout, and the losses.
#include "nnlab/plugin.hpp"
#include "components.hpp"

namespace {
void register_components(nnlab::Registrar& r) {
  nnlab::layers::register_add(r);
  nnlab::layers::register_dense(r);
  nnlab::layers::register_conv2d(r);
  nnlab::layers::register_pooling(r);
  nnlab::layers::register_flatten(r);
  nnlab::layers::register_batch_norm(r);
  nnlab::layers::register_eltwise(r);
  nnlab::layers::register_identity(r);
  nnlab::layers::register_dropout(r);
  nnlab::layers::register_softmax_cross_entropy(r);
  nnlab::layers::register_mse(r);
}
}  // namespace

NNLAB_PLUGIN("layers", "0.1.0", register_components)
