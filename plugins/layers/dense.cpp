// Dense (fully connected) layer: y = xW + b on oneDNN matmul. Backward is two more matmuls on
// transposed views of the same bytes (dW = x^T dy, dx = dy W^T); oneDNN's matmul has no backward
// mode.
#include <algorithm>
#include <map>
#include <unordered_map>

#include "components.hpp"
#include "init.hpp"
#include "memory_budget.hpp"
#include "nnlab/layer.hpp"
#include "onednn_util.hpp"

namespace nnlab::layers {
namespace {

class Dense final : public Layer {
 public:
  explicit Dense(const Params& params)
      : units_(params.integer("units")),
        init_(WeightInit::from(params, "init")),
        use_bias_(params.boolean("bias", true)) {}

  /// Flattens whatever it gets: an image's row is its C-H-W numbers already.
  Shape build(const LayerBuild& build) override {
    in_ = build.input_width.at(0);
    check_parameters_fit(static_cast<double>(in_) * static_cast<double>(units_));
    weights_ = {build.name + ".W", ParameterRole::weight, Matrix(in_, units_), Matrix(in_, units_)};
    init_.fill(weights_.value, in_, units_, *build.init_rng);
    if (use_bias_)
      bias_ = {build.name + ".b", ParameterRole::bias, Matrix(1, units_), Matrix(1, units_)};
    return {units_};
  }

  void forward(Compute& compute, std::span<const ConstMatrixView> inputs, MatrixView output,
               Mode) override {
    Primitives& p = primitives(compute, inputs[0].rows);
    bind(p.src, inputs[0].data);
    bind(p.dst, output.data);
    bind(p.weights, weights_.value.data());
    if (use_bias_) bind(p.bias, bias_.value.data());
    p.forward.execute(compute.stream, p.forward_args);
  }

  void backward(Compute& compute, std::span<const ConstMatrixView> inputs, ConstMatrixView,
                ConstMatrixView output_grad, std::span<const MatrixView> input_grads) override {
    Primitives& p = primitives(compute, inputs[0].rows);
    // dW = x^T dy
    bind(p.src_t, inputs[0].data);
    bind(p.diff_dst, output_grad.data);
    bind(p.diff_weights, weights_.grad.data());
    p.weights_grad.execute(compute.stream, p.weights_grad_args);
    // db = sum over the batch of dy
    if (use_bias_) {
      float* db = bias_.grad.data();
      std::fill(db, db + units_, 0.0f);
      for (std::int64_t r = 0; r < output_grad.rows; ++r) {
        const float* dy = output_grad.row(r);
        for (std::int64_t c = 0; c < units_; ++c) db[c] += dy[c];
      }
    }
    // dx = dy W^T, skipped for the data input
    if (input_grads[0].data) {
      bind(p.weights_t, weights_.value.data());
      bind(p.diff_src, input_grads[0].data);
      p.input_grad.execute(compute.stream, p.input_grad_args);
    }
  }

  std::vector<Parameter*> parameters() override {
    if (use_bias_) return {&weights_, &bias_};
    return {&weights_};
  }

 private:
  struct Primitives {
    dnnl::matmul forward, weights_grad, input_grad;
    dnnl::memory src, weights, bias, dst;        // forward
    dnnl::memory src_t, diff_dst, diff_weights;  // dW = x^T dy
    dnnl::memory weights_t, diff_src;            // dx = dy W^T
    std::unordered_map<int, dnnl::memory> forward_args, weights_grad_args, input_grad_args;
  };

  /// Primitives for one batch size, created on first use and kept: building them costs far more
  /// than running them.
  Primitives& primitives(Compute& compute, std::int64_t batch) {
    auto it = cache_.find(batch);
    if (it != cache_.end()) return it->second;
    const auto& engine = compute.engine;
    Primitives p;
    // Forward: create the descriptors, the primitive, and memory objects whose handles are set per
    // call.
    const auto src_md = matrix_desc(batch, in_);
    const auto weights_md = matrix_desc(in_, units_);
    const auto bias_md = matrix_desc(1, units_);
    const auto dst_md = matrix_desc(batch, units_);
    const auto forward_desc = use_bias_ ? dnnl::matmul::desc(src_md, weights_md, bias_md, dst_md)
                                        : dnnl::matmul::desc(src_md, weights_md, dst_md);
    p.forward = dnnl::matmul(dnnl::matmul::primitive_desc(forward_desc, engine));
    p.src = user_memory(src_md, engine);
    p.weights = user_memory(weights_md, engine);
    p.dst = user_memory(dst_md, engine);
    p.forward_args = {{DNNL_ARG_SRC, p.src}, {DNNL_ARG_WEIGHTS, p.weights}, {DNNL_ARG_DST, p.dst}};
    if (use_bias_) {
      p.bias = user_memory(bias_md, engine);
      p.forward_args.insert({DNNL_ARG_BIAS, p.bias});
    }
    // dW = x^T dy: x viewed as in x batch through strides.
    const auto src_t_md = transposed_desc(batch, in_);
    p.weights_grad = dnnl::matmul(
        dnnl::matmul::primitive_desc(dnnl::matmul::desc(src_t_md, dst_md, weights_md), engine));
    p.src_t = user_memory(src_t_md, engine);
    p.diff_dst = user_memory(dst_md, engine);
    p.diff_weights = user_memory(weights_md, engine);
    p.weights_grad_args = {
        {DNNL_ARG_SRC, p.src_t}, {DNNL_ARG_WEIGHTS, p.diff_dst}, {DNNL_ARG_DST, p.diff_weights}};
    // dx = dy W^T: W viewed as units x in through strides.
    const auto weights_t_md = transposed_desc(in_, units_);
    p.input_grad = dnnl::matmul(
        dnnl::matmul::primitive_desc(dnnl::matmul::desc(dst_md, weights_t_md, src_md), engine));
    p.weights_t = user_memory(weights_t_md, engine);
    p.diff_src = user_memory(src_md, engine);
    p.input_grad_args = {
        {DNNL_ARG_SRC, p.diff_dst}, {DNNL_ARG_WEIGHTS, p.weights_t}, {DNNL_ARG_DST, p.diff_src}};
    return cache_.emplace(batch, std::move(p)).first->second;
  }

  std::int64_t units_;
  WeightInit init_;
  bool use_bias_;
  std::int64_t in_ = 0;
  Parameter weights_, bias_;
  std::map<std::int64_t, Primitives> cache_;
};

}  // namespace

void register_dense(Registrar& r) {
  r.layers.add("dense", &make<Layer, Dense>,
               Schema("fully connected y = xW + b (oneDNN matmul)")
                   .required(ParamType::integer, "units", "output features")
                   .min(1)
                   .text("init", "he", "he | xavier | glorot | a std >= 0",
                         "weights N(0, 1) * std: he sqrt(2/n_in), xavier sqrt(1/n_in) (the "
                         "book's), glorot sqrt(2/(n_in + n_out)), or a fixed std")
                   .boolean("bias", true, "add a bias vector (initialised to 0)"));
}

}  // namespace nnlab::layers
