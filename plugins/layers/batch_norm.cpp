// Batch normalization (Ioffe & Szegedy 2015) on oneDNN's batch_normalization primitive.
// Features (N x C) are described as N x C x 1 x 1 in nhwc: the same bytes as a row-major matrix,
// but a layout oneDNN runs on its fast path, where plain 2-D `nc` takes a slow reference kernel.
// Images (N x C x H x W) are normalized per channel over batch x height x width, the paper's
// convolutional form (§3.2): one mean, variance, gamma and beta per channel. In a graph, images
// are normalized in the layout they arrive in (blocked after a convolution), written back in it.
// `scale_shift: fixed` drops gamma and beta altogether (gamma = 1, beta = 0 for good): the layer
// has no parameters, the primitives run without use_scale / use_shift and backward computes
// diff_src only (prop_kind::backward_data): pure standardization.
#include <map>
#include <unordered_map>

#include "components.hpp"
#include "nnlab/layer.hpp"
#include "onednn_util.hpp"

namespace nnlab::layers {
namespace {

class BatchNorm final : public Layer {
 public:
  explicit BatchNorm(const Params& params)
      : epsilon_(params.number("epsilon")),
        momentum_(params.number("momentum")),
        paper_stats_(params.string("stats") == "paper"),
        learned_(params.string("scale_shift") == "learned") {
    if (!(epsilon_ > 0)) params.fail("epsilon", "expected a positive epsilon");
    if (!(momentum_ >= 0 && momentum_ <= 1))
      params.fail("momentum", "expected a momentum in [0, 1]");
  }

  Shape build(const LayerBuild& build) override {
    const Shape& in = build.input_shapes.at(0);
    name_ = build.name;
    channels_ = in.is_image() ? in.channels() : in.size();
    height_ = in.is_image() ? in.height() : 1;
    width_ = in.is_image() ? in.width() : 1;
    if (learned_) {
      gamma_ = {build.name + ".gamma", ParameterRole::scale, Matrix(1, channels_),
                Matrix(1, channels_)};
      beta_ = {build.name + ".beta", ParameterRole::shift, Matrix(1, channels_),
               Matrix(1, channels_)};
      gamma_.value.fill(1.0f);
    }
    batch_mean_ = Matrix(1, channels_);
    batch_var_ = Matrix(1, channels_);
    // The book's moving averages start at zero (its first evaluation is near chance by design).
    running_mean_ = Matrix(1, channels_);
    running_var_ = Matrix(1, channels_);
    mean_sum_.assign(static_cast<std::size_t>(channels_), 0.0);
    var_sum_.assign(static_cast<std::size_t>(channels_), 0.0);
    return in;
  }

  std::optional<Layout> plan(Compute& compute, std::int64_t batch,
                             std::span<const Layout> inputs) override {
    if (height_ * width_ == 1) return std::nullopt;  // features: plain rows, as nhwc
    cache_.erase(batch);
    make_primitives(compute, batch, inputs[0]);
    return inputs[0];
  }

  void forward(Compute& compute, std::span<const ConstMatrixView> inputs, MatrixView output,
               Mode mode) override {
    const std::int64_t batch = inputs[0].rows;
    Primitives& p = primitives(compute, batch);
    if (mode == Mode::train) {
      bind(p.src, inputs[0].data);
      bind(p.dst, output.data);
      p.forward_train.execute(compute.stream, p.train_args);
      update_statistics(batch);
    } else {
      if (paper_stats_) population_statistics();
      bind(p.src, inputs[0].data);
      bind(p.dst, output.data);
      p.forward_infer.execute(compute.stream, p.infer_args);
    }
  }

  void backward(Compute& compute, std::span<const ConstMatrixView> inputs, ConstMatrixView,
                ConstMatrixView output_grad, std::span<const MatrixView> input_grads) override {
    Primitives& p = primitives(compute, inputs[0].rows);
    bind(p.src, inputs[0].data);
    bind(p.diff_dst, output_grad.data);
    // The data input needs no gradient, but oneDNN always writes diff_src: give it scratch.
    if (input_grads[0].data) {
      bind(p.diff_src, input_grads[0].data);
    } else {
      if (scratch_.size() < inputs[0].size()) scratch_ = Matrix(inputs[0].rows, inputs[0].cols);
      bind(p.diff_src, scratch_.data());
    }
    p.backward.execute(compute.stream, p.backward_args);
  }

  /// The statistics inference uses: the moving averages, or (paper) the population estimates,
  /// brought up to date here so a saved model evaluates exactly as the run's last evaluation.
  std::vector<StateTensor> state() override {
    if (paper_stats_) population_statistics();
    return {{name_ + ".running_mean", &running_mean_}, {name_ + ".running_var", &running_var_}};
  }

  /// The moving averages (book) or the sums of batch statistics (paper) training builds up.
  void training_state(TrainingState& out) override {
    out.push_back(
        {name_ + ".running_mean",
         std::span<float>(running_mean_.data(), static_cast<std::size_t>(running_mean_.size()))});
    out.push_back(
        {name_ + ".running_var",
         std::span<float>(running_var_.data(), static_cast<std::size_t>(running_var_.size()))});
    if (paper_stats_) {
      out.push_back({name_ + ".mean_sum", std::span<double>(mean_sum_)});
      out.push_back({name_ + ".var_sum", std::span<double>(var_sum_)});
      out.push_back({name_ + ".batches", std::span<std::int64_t>(&batches_, 1)});
      out.push_back({name_ + ".last_batch", std::span<std::int64_t>(&last_batch_, 1)});
    }
  }

  /// Fixed mode has none: optimizers, regularizers and gradient checks never see gamma or beta.
  std::vector<Parameter*> parameters() override {
    if (!learned_) return {};
    return {&gamma_, &beta_};
  }

 private:
  struct Primitives {
    dnnl::batch_normalization_forward forward_train, forward_infer;
    dnnl::batch_normalization_backward backward;
    dnnl::memory src, dst, diff_dst, diff_src;
    std::unordered_map<int, dnnl::memory> train_args, infer_args, backward_args;
  };

  void update_statistics(std::int64_t batch) {
    const float* mu = batch_mean_.data();
    const float* var = batch_var_.data();
    if (paper_stats_) {
      // Alg. 2 of the paper: population estimates from every training mini-batch.
      for (std::int64_t c = 0; c < channels_; ++c) {
        mean_sum_[static_cast<std::size_t>(c)] += mu[c];
        var_sum_[static_cast<std::size_t>(c)] += var[c];
      }
      ++batches_;
      last_batch_ = batch;
    } else {
      const auto rho = static_cast<float>(momentum_);
      float* rm = running_mean_.data();
      float* rv = running_var_.data();
      for (std::int64_t c = 0; c < channels_; ++c) {
        rm[c] = rho * rm[c] + (1 - rho) * mu[c];
        rv[c] = rho * rv[c] + (1 - rho) * var[c];
      }
    }
  }

  /// E[x] = mean of batch means; Var[x] = m/(m-1) * mean of batch variances.
  void population_statistics() {
    if (batches_ == 0) return;
    const double m = static_cast<double>(last_batch_);
    const double unbias = m > 1 ? m / (m - 1) : 1.0;
    for (std::int64_t c = 0; c < channels_; ++c) {
      running_mean_.data()[c] = static_cast<float>(mean_sum_[static_cast<std::size_t>(c)] /
                                                   static_cast<double>(batches_));
      running_var_.data()[c] = static_cast<float>(unbias * var_sum_[static_cast<std::size_t>(c)] /
                                                  static_cast<double>(batches_));
    }
  }

  Primitives& primitives(Compute& compute, std::int64_t batch) {
    auto it = cache_.find(batch);
    if (it != cache_.end()) return it->second;
    // Features: N x C as N x C x 1 x 1 in nhwc, the same bytes, oneDNN's fast kernels. Images:
    // the rows' own C-H-W order, nchw.
    return make_primitives(compute, batch,
                           dnnl::memory::desc({batch, channels_, height_, width_}, dt::f32,
                                              height_ * width_ == 1 ? tag::nhwc : tag::nchw));
  }

  /// Input, output and both gradients in layout `data_md`.
  Primitives& make_primitives(Compute& compute, std::int64_t batch,
                              const dnnl::memory::desc& data_md) {
    using flags = dnnl::normalization_flags;
    const auto& engine = compute.engine;
    const auto eps = static_cast<float>(epsilon_);
    Primitives p;
    const dnnl::memory::desc channel_md({channels_}, dt::f32, tag::a);
    // Learned: gamma and beta are SCALE and SHIFT. Fixed: no flags, oneDNN only standardizes.
    const flags affine = learned_ ? flags::use_scale | flags::use_shift : flags::none;
    // Forward training: computes and outputs the batch mean and (biased) variance.
    const auto train_pd = dnnl::batch_normalization_forward::primitive_desc(
        dnnl::batch_normalization_forward::desc(dnnl::prop_kind::forward_training, data_md, eps,
                                                affine),
        engine);
    p.forward_train = dnnl::batch_normalization_forward(train_pd);
    // Forward inference: uses the given (running or population) statistics.
    const auto infer_pd = dnnl::batch_normalization_forward::primitive_desc(
        dnnl::batch_normalization_forward::desc(dnnl::prop_kind::forward_inference, data_md, eps,
                                                flags::use_global_stats | affine),
        engine);
    p.forward_infer = dnnl::batch_normalization_forward(infer_pd);
    // Backward, learned: diff_src, diff_scale (d gamma) and diff_shift (d beta); SHIFT must be
    // passed too. Fixed: diff_src only (backward_data), no scale or shift arguments at all.
    const auto backward_pd = dnnl::batch_normalization_backward::primitive_desc(
        dnnl::batch_normalization_backward::desc(
            learned_ ? dnnl::prop_kind::backward : dnnl::prop_kind::backward_data, data_md, data_md,
            eps, affine),
        engine, train_pd);
    p.backward = dnnl::batch_normalization_backward(backward_pd);

    p.src = user_memory(data_md, engine);
    p.dst = user_memory(data_md, engine);
    p.diff_dst = user_memory(data_md, engine);
    p.diff_src = user_memory(data_md, engine);
    auto channel = [&](Matrix& m) { return dnnl::memory(channel_md, engine, m.data()); };
    p.train_args = {{DNNL_ARG_SRC, p.src},
                    {DNNL_ARG_DST, p.dst},
                    {DNNL_ARG_MEAN, channel(batch_mean_)},
                    {DNNL_ARG_VARIANCE, channel(batch_var_)}};
    p.infer_args = {{DNNL_ARG_SRC, p.src},
                    {DNNL_ARG_DST, p.dst},
                    {DNNL_ARG_MEAN, channel(running_mean_)},
                    {DNNL_ARG_VARIANCE, channel(running_var_)}};
    p.backward_args = {{DNNL_ARG_SRC, p.src},
                       {DNNL_ARG_MEAN, channel(batch_mean_)},
                       {DNNL_ARG_VARIANCE, channel(batch_var_)},
                       {DNNL_ARG_DIFF_DST, p.diff_dst},
                       {DNNL_ARG_DIFF_SRC, p.diff_src}};
    if (learned_) {
      const auto scale = channel(gamma_.value), shift = channel(beta_.value);
      for (auto* args : {&p.train_args, &p.infer_args, &p.backward_args}) {
        args->emplace(DNNL_ARG_SCALE, scale);
        args->emplace(DNNL_ARG_SHIFT, shift);
      }
      p.backward_args.emplace(DNNL_ARG_DIFF_SCALE, channel(gamma_.grad));
      p.backward_args.emplace(DNNL_ARG_DIFF_SHIFT, channel(beta_.grad));
    }
    return cache_.emplace(batch, std::move(p)).first->second;
  }

  std::string name_;
  double epsilon_;
  double momentum_;
  bool paper_stats_;
  bool learned_;  ///< scale_shift: learned (gamma, beta trained) or fixed (gamma 1, beta 0)
  std::int64_t channels_ = 0, height_ = 1, width_ = 1;
  Parameter gamma_, beta_;  ///< learned mode only
  Matrix batch_mean_, batch_var_, running_mean_, running_var_, scratch_;
  std::vector<double> mean_sum_, var_sum_;  ///< paper mode: sums of batch means and variances
  std::int64_t batches_ = 0, last_batch_ = 0;
  std::map<std::int64_t, Primitives> cache_;
};

}  // namespace

void register_batch_norm(Registrar& r) {
  r.layers.add("batch_norm", &make<Layer, BatchNorm>,
               Schema("batch normalization over the batch, per feature; per channel over batch, "
                      "height and width for images (oneDNN)")
                   .number("epsilon", 1e-6, "added to the variance")
                   .greater_than(0)
                   .number("momentum", 0.9, "running averages: r = momentum r + (1 - momentum) x")
                   .min(0)
                   .max(1)
                   .choice("stats", "book", {"book", "paper"},
                           "inference statistics: book = moving averages from zero, paper = "
                           "population estimates with m/(m-1)")
                   .choice("scale_shift", "learned", {"learned", "fixed"},
                           "gamma and beta: learned = trained, fixed = gamma 1 and beta 0, not "
                           "parameters (pure standardization)"));
}

}  // namespace nnlab::layers
