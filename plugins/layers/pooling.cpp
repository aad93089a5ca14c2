// Pooling over images on oneDNN's pooling primitives: max_pool (backward routes each gradient to
// its window's maximum, through the workspace the training forward keeps), avg_pool (padding
// counts as zeros in the average, PyTorch's default), and global_avg_pool (one average per
// channel: output channels x 1 x 1). Primitives and workspace are made once per batch size. In a
// graph the layer plans: it pools its input in the layout it arrives in (blocked after a
// convolution) and writes the layout the primitive chooses for that input.
#include <map>
#include <unordered_map>

#include "components.hpp"
#include "nnlab/layer.hpp"
#include "window.hpp"

namespace nnlab::layers {
namespace {

enum class Pool { max, average, global_average };

template <Pool Kind>
class Pooling final : public Layer {
 public:
  explicit Pooling(const Params& params) {
    if constexpr (Kind != Pool::global_average) {
      window_.kernel = params.integer("kernel");
      window_.stride = params.has("stride") ? params.integer("stride") : window_.kernel;
      window_.padding = params.integer("padding");
      if (window_.padding * 2 >= window_.kernel + 1)
        params.fail("padding", "expected at most half the kernel (" +
                                   std::to_string(window_.kernel / 2) + ")");
    }
  }

  Shape build(const LayerBuild& build) override {
    in_ = build.input_shapes.at(0);
    if (!in_.is_image())
      throw Error(std::string(name()) + ": needs images (channels x height x width), got " +
                  in_.to_string() + " features");
    if constexpr (Kind == Pool::global_average) {
      out_ = Shape{in_.channels(), 1, 1};
    } else {
      out_ = Shape{in_.channels(), window_.output(in_.height(), in_, name()),
                   window_.output(in_.width(), in_, name())};
    }
    return out_;
  }

  std::optional<Layout> plan(Compute& compute, std::int64_t batch,
                             std::span<const Layout> inputs) override {
    cache_.erase(batch);
    return make_primitives(compute, batch, &inputs[0]).dst.get_desc();
  }

  void forward(Compute& compute, std::span<const ConstMatrixView> inputs, MatrixView output,
               Mode mode) override {
    Primitives& p = primitives(compute, inputs[0].rows);
    bind(p.src, inputs[0].data);
    bind(p.dst, output.data);
    (mode == Mode::train ? p.forward_train : p.forward_infer)
        .execute(compute.stream, mode == Mode::train ? p.train_args : p.infer_args);
  }

  void backward(Compute& compute, std::span<const ConstMatrixView> inputs, ConstMatrixView,
                ConstMatrixView output_grad, std::span<const MatrixView> input_grads) override {
    if (!input_grads[0].data) return;
    Primitives& p = primitives(compute, inputs[0].rows);
    bind(p.diff_dst, output_grad.data);
    bind(p.diff_src, input_grads[0].data);
    p.backward.execute(compute.stream, p.backward_args);
  }

 private:
  struct Primitives {
    dnnl::pooling_forward forward_train, forward_infer;
    dnnl::pooling_backward backward;
    dnnl::memory src, dst, diff_dst, diff_src, workspace;
    std::unordered_map<int, dnnl::memory> train_args, infer_args, backward_args;
  };

  static const char* name() {
    return Kind == Pool::max ? "max_pool" : Kind == Pool::average ? "avg_pool" : "global_avg_pool";
  }

  Primitives& primitives(Compute& compute, std::int64_t batch) {
    auto it = cache_.find(batch);
    if (it != cache_.end()) return it->second;
    return make_primitives(compute, batch, nullptr);
  }

  /// Unplanned (`input` null): plain nchw in and out. Planned: the input's layout as given, the
  /// output in the primitive's choice (format_tag::any).
  Primitives& make_primitives(Compute& compute, std::int64_t batch, const Layout* input) {
    const auto& engine = compute.engine;
    using dims = dnnl::memory::dims;
    const auto src_md = input ? *input : image_desc(batch, in_);
    const auto dst_request =
        input ? dnnl::memory::desc({batch, out_.channels(), out_.height(), out_.width()}, dt::f32,
                                   tag::any)
              : image_desc(batch, out_);
    Window w = window_;
    if constexpr (Kind == Pool::global_average) w = {in_.height(), 1, 0, 1};
    const dims kernel = {Kind == Pool::global_average ? in_.height() : w.kernel,
                         Kind == Pool::global_average ? in_.width() : w.kernel};
    const dims strides = {w.stride, w.stride};
    const dims before = {w.padding, w.padding};
    const dims after = Kind == Pool::global_average
                           ? dims{0, 0}
                           : dims{w.padding_after(in_.height(), out_.height()),
                                  w.padding_after(in_.width(), out_.width())};
    const auto algorithm = Kind == Pool::max ? dnnl::algorithm::pooling_max
                                             : dnnl::algorithm::pooling_avg_include_padding;
    const dnnl::pooling_forward::primitive_desc train_pd(
        dnnl::pooling_forward::desc(dnnl::prop_kind::forward_training, algorithm, src_md,
                                    dst_request, strides, kernel, before, after),
        engine);
    const auto dst_md = train_pd.dst_desc();
    Primitives p;
    p.forward_train = dnnl::pooling_forward(train_pd);
    p.forward_infer = dnnl::pooling_forward(dnnl::pooling_forward::primitive_desc(
        dnnl::pooling_forward::desc(dnnl::prop_kind::forward_inference, algorithm, src_md, dst_md,
                                    strides, kernel, before, after),
        engine));
    p.backward = dnnl::pooling_backward(dnnl::pooling_backward::primitive_desc(
        dnnl::pooling_backward::desc(algorithm, src_md, dst_md, strides, kernel, before, after),
        engine, train_pd));
    p.src = user_memory(src_md, engine);
    p.dst = user_memory(dst_md, engine);
    p.diff_dst = user_memory(dst_md, engine);
    p.diff_src = user_memory(src_md, engine);
    p.train_args = {{DNNL_ARG_SRC, p.src}, {DNNL_ARG_DST, p.dst}};
    p.infer_args = p.train_args;
    p.backward_args = {{DNNL_ARG_DIFF_DST, p.diff_dst}, {DNNL_ARG_DIFF_SRC, p.diff_src}};
    if constexpr (Kind == Pool::max) {
      // Where each window's maximum was, written by the training forward, read by backward.
      p.workspace = dnnl::memory(train_pd.workspace_desc(), engine);
      p.train_args.insert({DNNL_ARG_WORKSPACE, p.workspace});
      p.backward_args.insert({DNNL_ARG_WORKSPACE, p.workspace});
    }
    return cache_.emplace(batch, std::move(p)).first->second;
  }

  Window window_;
  Shape in_, out_;
  std::map<std::int64_t, Primitives> cache_;
};

Schema window_schema(const char* help) {
  return Schema(help)
      .integer("kernel", 2, "window height = width")
      .min(1)
      .optional(ParamType::integer, "stride", "step between windows (default: the kernel)")
      .min(1)
      .integer("padding", 0, "padding on every side, at most half the kernel")
      .min(0);
}

}  // namespace

void register_pooling(Registrar& r) {
  r.layers.add("max_pool", &make<Layer, Pooling<Pool::max>>,
               window_schema("the maximum of each window, per channel (oneDNN pooling)"));
  r.layers.add("avg_pool", &make<Layer, Pooling<Pool::average>>,
               window_schema("the mean of each window, per channel, padding counted as zeros "
                             "(oneDNN pooling)"));
  r.layers.add("global_avg_pool", &make<Layer, Pooling<Pool::global_average>>,
               Schema("the mean of each channel over height and width: channels x 1 x 1"));
}

}  // namespace nnlab::layers
