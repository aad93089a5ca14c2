// Element-wise activations on oneDNN's eltwise primitive: relu, sigmoid, tanh.
// ReLU's backward reads its input (derivative 0 at exactly 0); sigmoid and tanh read their output
// (dy*y*(1-y), dy*(1-y^2)), so they use oneDNN's *_use_dst_for_bwd algorithms.
#include <map>
#include <unordered_map>

#include "components.hpp"
#include "nnlab/layer.hpp"
#include "onednn_util.hpp"

namespace nnlab::layers {
namespace {

template <dnnl::algorithm Algorithm, bool UsesOutput>
class Eltwise final : public Layer {
 public:
  explicit Eltwise(const Params&) {}

  Shape build(const LayerBuild& build) override {
    width_ = build.input_width.at(0);  // element-wise: any shape, as a row of numbers
    return build.input_shapes.at(0);
  }

  std::optional<Layout> plan(Compute& compute, std::int64_t batch,
                             std::span<const Layout> inputs) override {
    cache_.erase(batch);
    make_primitives(compute, batch, inputs[0]);
    return inputs[0];
  }

  void forward(Compute& compute, std::span<const ConstMatrixView> inputs, MatrixView output,
               Mode mode) override {
    Primitives& p = primitives(compute, inputs[0].rows);
    bind(p.src, inputs[0].data);
    bind(p.dst, output.data);
    (mode == Mode::train ? p.forward_train : p.forward_infer)
        .execute(compute.stream, p.forward_args);
  }

  void backward(Compute& compute, std::span<const ConstMatrixView> inputs, ConstMatrixView output,
                ConstMatrixView output_grad, std::span<const MatrixView> input_grads) override {
    if (!input_grads[0].data) return;
    Primitives& p = primitives(compute, inputs[0].rows);
    bind(p.data, UsesOutput ? output.data : inputs[0].data);
    bind(p.diff_dst, output_grad.data);
    bind(p.diff_src, input_grads[0].data);
    p.backward.execute(compute.stream, p.backward_args);
  }

 private:
  struct Primitives {
    dnnl::eltwise_forward forward_train, forward_infer;
    dnnl::eltwise_backward backward;
    dnnl::memory src, dst, data, diff_dst, diff_src;
    std::unordered_map<int, dnnl::memory> forward_args, backward_args;
  };

  Primitives& primitives(Compute& compute, std::int64_t batch) {
    auto it = cache_.find(batch);
    if (it != cache_.end()) return it->second;
    return make_primitives(compute, batch, matrix_desc(batch, width_));
  }

  /// Input, output and both gradients in layout `md`.
  Primitives& make_primitives(Compute& compute, std::int64_t batch, const Layout& md) {
    const auto& engine = compute.engine;
    Primitives p;
    // Forward, in both modes (training keeps what backward needs).
    const auto train_pd = dnnl::eltwise_forward::primitive_desc(
        dnnl::eltwise_forward::desc(dnnl::prop_kind::forward_training, Algorithm, md, 0.0f, 0.0f),
        engine);
    p.forward_train = dnnl::eltwise_forward(train_pd);
    p.forward_infer = dnnl::eltwise_forward(dnnl::eltwise_forward::primitive_desc(
        dnnl::eltwise_forward::desc(dnnl::prop_kind::forward_inference, Algorithm, md, 0.0f, 0.0f),
        engine));
    // Backward, from the forward's input (relu) or output (sigmoid, tanh).
    p.backward = dnnl::eltwise_backward(dnnl::eltwise_backward::primitive_desc(
        dnnl::eltwise_backward::desc(Algorithm, md, md, 0.0f, 0.0f), engine, train_pd));
    p.src = user_memory(md, engine);
    p.dst = user_memory(md, engine);
    p.data = user_memory(md, engine);
    p.diff_dst = user_memory(md, engine);
    p.diff_src = user_memory(md, engine);
    p.forward_args = {{DNNL_ARG_SRC, p.src}, {DNNL_ARG_DST, p.dst}};
    p.backward_args = {{UsesOutput ? DNNL_ARG_DST : DNNL_ARG_SRC, p.data},
                       {DNNL_ARG_DIFF_DST, p.diff_dst},
                       {DNNL_ARG_DIFF_SRC, p.diff_src}};
    return cache_.emplace(batch, std::move(p)).first->second;
  }

  std::int64_t width_ = 0;
  std::map<std::int64_t, Primitives> cache_;
};

using Relu = Eltwise<dnnl::algorithm::eltwise_relu, false>;
using Sigmoid = Eltwise<dnnl::algorithm::eltwise_logistic_use_dst_for_bwd, true>;
using Tanh = Eltwise<dnnl::algorithm::eltwise_tanh_use_dst_for_bwd, true>;

}  // namespace

void register_eltwise(Registrar& r) {
  r.layers.add("relu", &make<Layer, Relu>,
               Schema("max(0, x) (oneDNN eltwise); derivative 0 at x = 0"));
  r.layers.add("sigmoid", &make<Layer, Sigmoid>, Schema("1 / (1 + e^-x) (oneDNN eltwise)"));
  r.layers.add("tanh", &make<Layer, Tanh>, Schema("tanh x (oneDNN eltwise)"));
}

}  // namespace nnlab::layers
