// 2-D convolution on oneDNN's convolution primitives: forward, backward data and backward
// weights (with the bias gradient). Images are our rows in C-H-W order (nchw); the weights are
// one filters x (channels/groups x kernel x kernel) matrix, oihw (goihw with groups), so
// optimizers and regularizers see them like a dense layer's. Primitives are made once per batch
// size. Each primitive chooses its layouts (format_tag::any). In a graph the layer plans: it
// takes its input in whatever layout the producer wrote and writes its output in the layout the
// forward primitive chose, so blocked activations (nChw16c) flow to the next layer untouched.
// What still differs from the primitive's choice is reordered around the call: the weights
// (oihw, since optimizers and regularizers see a filters x fan_in matrix; a few KB per step) and
// an input whose layout the primitive would not take (a plain nchw input with many channels).
#include <map>
#include <unordered_map>

#include "components.hpp"
#include "init.hpp"
#include "memory_budget.hpp"
#include "nnlab/layer.hpp"
#include "window.hpp"

namespace nnlab::layers {
namespace {

class Conv2d final : public Layer {
 public:
  explicit Conv2d(const Params& params)
      : filters_(params.integer("filters")),
        groups_(params.integer("groups")),
        init_(WeightInit::from(params, "init")),
        use_bias_(params.boolean("bias", true)) {
    window_.kernel = params.integer("kernel");
    window_.stride = params.integer("stride");
    window_.padding = params.integer("padding");
    window_.dilation = params.integer("dilation");
  }

  Shape build(const LayerBuild& build) override {
    in_ = build.input_shapes.at(0);
    if (!in_.is_image()) {
      throw Error("conv2d: needs images (channels x height x width), got " + in_.to_string() +
                  " features");
    }
    if (in_.channels() % groups_ != 0 || filters_ % groups_ != 0) {
      throw Error("conv2d: groups " + std::to_string(groups_) + " must divide the input's " +
                  std::to_string(in_.channels()) + " channels and the " + std::to_string(filters_) +
                  " filters");
    }
    out_ = Shape{filters_, window_.output(in_.height(), in_, "conv2d"),
                 window_.output(in_.width(), in_, "conv2d")};
    const std::int64_t fan_in = in_.channels() / groups_ * window_.kernel * window_.kernel;
    const std::int64_t fan_out = filters_ / groups_ * window_.kernel * window_.kernel;
    check_parameters_fit(static_cast<double>(filters_) * static_cast<double>(fan_in));
    weights_ = {build.name + ".W", ParameterRole::weight, Matrix(filters_, fan_in),
                Matrix(filters_, fan_in)};
    init_.fill(weights_.value, fan_in, fan_out, *build.init_rng);
    weights_.uses_per_sample = out_.height() * out_.width();
    weights_.dims = {filters_, in_.channels() / groups_, window_.kernel, window_.kernel};
    if (use_bias_) {
      bias_ = {build.name + ".b", ParameterRole::bias, Matrix(1, filters_), Matrix(1, filters_)};
    }
    return out_;
  }

  std::optional<Layout> plan(Compute& compute, std::int64_t batch,
                             std::span<const Layout> inputs) override {
    cache_.erase(batch);
    return make_primitives(compute, batch, &inputs[0]).dst.user.get_desc();
  }

  void forward(Compute& compute, std::span<const ConstMatrixView> inputs, MatrixView output,
               Mode) override {
    Primitives& p = primitives(compute, inputs[0].rows);
    auto& s = compute.stream;
    bind(p.src.user, inputs[0].data);
    bind(p.weights.user, weights_.value.data());
    if (use_bias_) bind(p.bias, bias_.value.data());
    bind(p.dst.user, output.data);
    p.src.stage_in(s);
    p.weights.stage_in(s);
    p.forward.execute(s, p.forward_args);
    p.dst.stage_out(s);
  }

  void backward(Compute& compute, std::span<const ConstMatrixView> inputs, ConstMatrixView,
                ConstMatrixView output_grad, std::span<const MatrixView> input_grads) override {
    Primitives& p = primitives(compute, inputs[0].rows);
    auto& s = compute.stream;
    bind(p.weights_src.user, inputs[0].data);
    bind(p.weights_diff_dst.user, output_grad.data);
    bind(p.diff_weights.user, weights_.grad.data());
    if (use_bias_) bind(p.diff_bias, bias_.grad.data());
    p.weights_src.stage_in(s);
    p.weights_diff_dst.stage_in(s);
    p.weights_grad.execute(s, p.weights_grad_args);
    p.diff_weights.stage_out(s);
    if (input_grads[0].data) {  // none for the data input
      bind(p.data_diff_dst.user, output_grad.data);
      bind(p.data_weights.user, weights_.value.data());
      bind(p.diff_src.user, input_grads[0].data);
      p.data_diff_dst.stage_in(s);
      p.data_weights.stage_in(s);
      p.data_grad.execute(s, p.data_grad_args);
      p.diff_src.stage_out(s);
    }
  }

  std::vector<Parameter*> parameters() override {
    if (use_bias_) return {&weights_, &bias_};
    return {&weights_};
  }

 private:
  /// One primitive argument in the layout the primitive chose (format_tag::any), staged through a
  /// reorder when that differs from ours (nchw rows, oihw weights). With plain layouts oneDNN
  /// falls back to gemm-based kernels that are up to 100x slower on a first layer (1 channel).
  struct Staged {
    dnnl::memory user;   ///< our layout; its handle is bound per call
    dnnl::memory inner;  ///< the primitive's (the same object when the layouts agree)
    dnnl::reorder reorder;
    bool needed = false;

    void make(const dnnl::memory::desc& ours, const dnnl::memory::desc& theirs,
              const dnnl::engine& engine, bool input) {
      user = user_memory(ours, engine);
      needed = ours != theirs;
      inner = needed ? dnnl::memory(theirs, engine) : user;
      if (needed) reorder = input ? dnnl::reorder(user, inner) : dnnl::reorder(inner, user);
    }
    void stage_in(dnnl::stream& s) {
      if (needed) reorder.execute(s, user, inner);
    }
    void stage_out(dnnl::stream& s) {
      if (needed) reorder.execute(s, inner, user);
    }
  };

  struct Primitives {
    dnnl::convolution_forward forward;
    dnnl::convolution_backward_data data_grad;
    dnnl::convolution_backward_weights weights_grad;
    Staged src, weights, dst;                            ///< forward
    Staged weights_src, weights_diff_dst, diff_weights;  ///< backward weights
    Staged data_diff_dst, data_weights, diff_src;        ///< backward data
    dnnl::memory bias, diff_bias;                        ///< plain vectors
    std::unordered_map<int, dnnl::memory> forward_args, data_grad_args, weights_grad_args;
  };

  Primitives& primitives(Compute& compute, std::int64_t batch) {
    auto it = cache_.find(batch);
    if (it != cache_.end()) return it->second;
    return make_primitives(compute, batch, nullptr);
  }

  /// Unplanned (`input` null): plain nchw in and out. Planned: the input's layout as given, the
  /// output in the forward primitive's choice.
  Primitives& make_primitives(Compute& compute, std::int64_t batch, const Layout* input) {
    const auto& engine = compute.engine;
    using dims = dnnl::memory::dims;
    const auto src_md = input ? *input : image_desc(batch, in_);
    const std::int64_t k = window_.kernel, c = in_.channels();
    const dims weights_dims = groups_ == 1 ? dims{filters_, c, k, k}
                                           : dims{groups_, filters_ / groups_, c / groups_, k, k};
    const dnnl::memory::desc weights_md(weights_dims, dt::f32,
                                        groups_ == 1 ? tag::oihw : tag::goihw);
    const dnnl::memory::desc bias_md({filters_}, dt::f32, tag::a);
    const dnnl::memory::desc src_any({batch, c, in_.height(), in_.width()}, dt::f32, tag::any);
    const dnnl::memory::desc dst_any({batch, filters_, out_.height(), out_.width()}, dt::f32,
                                     tag::any);
    const dnnl::memory::desc weights_any(weights_dims, dt::f32, tag::any);
    const dims strides = {window_.stride, window_.stride};
    // oneDNN counts dilation from 0 (0: a dense kernel); ours from 1, as PyTorch does.
    const dims dilation = {window_.dilation - 1, window_.dilation - 1};
    const dims before = {window_.padding, window_.padding};
    const dims after = {window_.padding_after(in_.height(), out_.height()),
                        window_.padding_after(in_.width(), out_.width())};
    const auto algorithm = dnnl::algorithm::convolution_direct;
    const auto forward_desc =
        use_bias_ ? dnnl::convolution_forward::desc(dnnl::prop_kind::forward_training, algorithm,
                                                    src_any, weights_any, bias_md, dst_any, strides,
                                                    dilation, before, after)
                  : dnnl::convolution_forward::desc(dnnl::prop_kind::forward_training, algorithm,
                                                    src_any, weights_any, dst_any, strides,
                                                    dilation, before, after);
    const dnnl::convolution_forward::primitive_desc forward_pd(forward_desc, engine);
    const auto dst_md = input ? forward_pd.dst_desc() : image_desc(batch, out_);
    const dnnl::convolution_backward_data::primitive_desc data_pd(
        dnnl::convolution_backward_data::desc(algorithm, src_any, weights_any, dst_any, strides,
                                              dilation, before, after),
        engine, forward_pd);
    const auto weights_desc =
        use_bias_
            ? dnnl::convolution_backward_weights::desc(algorithm, src_any, weights_any, bias_md,
                                                       dst_any, strides, dilation, before, after)
            : dnnl::convolution_backward_weights::desc(algorithm, src_any, weights_any, dst_any,
                                                       strides, dilation, before, after);
    const dnnl::convolution_backward_weights::primitive_desc weights_pd(weights_desc, engine,
                                                                        forward_pd);
    Primitives p;
    p.forward = dnnl::convolution_forward(forward_pd);
    p.data_grad = dnnl::convolution_backward_data(data_pd);
    p.weights_grad = dnnl::convolution_backward_weights(weights_pd);
    p.src.make(src_md, forward_pd.src_desc(), engine, true);
    p.weights.make(weights_md, forward_pd.weights_desc(), engine, true);
    p.dst.make(dst_md, forward_pd.dst_desc(), engine, false);
    p.weights_src.make(src_md, weights_pd.src_desc(), engine, true);
    p.weights_diff_dst.make(dst_md, weights_pd.diff_dst_desc(), engine, true);
    p.diff_weights.make(weights_md, weights_pd.diff_weights_desc(), engine, false);
    p.data_diff_dst.make(dst_md, data_pd.diff_dst_desc(), engine, true);
    p.data_weights.make(weights_md, data_pd.weights_desc(), engine, true);
    p.diff_src.make(src_md, data_pd.diff_src_desc(), engine, false);
    p.bias = user_memory(bias_md, engine);
    p.diff_bias = user_memory(bias_md, engine);
    p.forward_args = {{DNNL_ARG_SRC, p.src.inner},
                      {DNNL_ARG_WEIGHTS, p.weights.inner},
                      {DNNL_ARG_DST, p.dst.inner}};
    p.data_grad_args = {{DNNL_ARG_DIFF_DST, p.data_diff_dst.inner},
                        {DNNL_ARG_WEIGHTS, p.data_weights.inner},
                        {DNNL_ARG_DIFF_SRC, p.diff_src.inner}};
    p.weights_grad_args = {{DNNL_ARG_SRC, p.weights_src.inner},
                           {DNNL_ARG_DIFF_DST, p.weights_diff_dst.inner},
                           {DNNL_ARG_DIFF_WEIGHTS, p.diff_weights.inner}};
    if (use_bias_) {
      p.forward_args.insert({DNNL_ARG_BIAS, p.bias});
      p.weights_grad_args.insert({DNNL_ARG_DIFF_BIAS, p.diff_bias});
    }
    return cache_.emplace(batch, std::move(p)).first->second;
  }

  std::int64_t filters_, groups_;
  Window window_;
  WeightInit init_;
  bool use_bias_;
  Shape in_, out_;
  Parameter weights_, bias_;
  std::map<std::int64_t, Primitives> cache_;
};

}  // namespace

void register_conv2d(Registrar& r) {
  r.layers.add("conv2d", &make<Layer, Conv2d>,
               Schema("2-D convolution over images (oneDNN convolution); output filters x "
                      "height' x width'")
                   .required(ParamType::integer, "filters", "output channels")
                   .min(1)
                   .required(ParamType::integer, "kernel", "kernel height = width")
                   .min(1)
                   .integer("stride", 1, "step between windows")
                   .min(1)
                   .integer("padding", 0, "zeros added on every side")
                   .min(0)
                   .integer("dilation", 1, "spacing of the kernel's taps (1: dense)")
                   .min(1)
                   .integer("groups", 1, "channel groups: each filter sees channels/groups inputs")
                   .min(1)
                   .text("init", "he", "he | xavier | glorot | a std >= 0",
                         "weights N(0, 1) * std with n_in = channels/groups x kernel x kernel")
                   .boolean("bias", true, "add one bias per filter (initialised to 0)"));
}

}  // namespace nnlab::layers
