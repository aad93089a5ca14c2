// Element-wise sum of two or more inputs of the same width (residual connections), on oneDNN's sum
// primitive. Backward hands the output gradient unchanged to every input.
#include <algorithm>
#include <cstring>
#include <map>
#include <unordered_map>

#include "components.hpp"
#include "nnlab/layer.hpp"
#include "onednn_util.hpp"

namespace nnlab::layers {
namespace {

class Add final : public Layer {
 public:
  explicit Add(const Params&) {}

  int max_inputs() const override { return 64; }
  int min_inputs() const override { return 2; }

  Shape build(const LayerBuild& build) override {
    const Shape& first = build.input_shapes.at(0);
    for (std::size_t i = 1; i < build.input_shapes.size(); ++i) {
      if (build.input_shapes[i] != first)
        throw Error("add: every input must have the same shape, got " + first.to_string() +
                    " (input 1) and " + build.input_shapes[i].to_string() + " (input " +
                    std::to_string(i + 1) + ")");
    }
    width_ = first.size();
    inputs_ = static_cast<int>(build.input_shapes.size());
    return first;
  }

  void forward(Compute& compute, std::span<const ConstMatrixView> inputs, MatrixView output,
               Mode) override {
    Primitive& p = primitive(compute, inputs[0].rows);
    for (int i = 0; i < inputs_; ++i)
      bind(p.sources[static_cast<std::size_t>(i)], inputs[static_cast<std::size_t>(i)].data);
    bind(p.dst, output.data);
    p.sum.execute(compute.stream, p.args);
  }

  void backward(Compute&, std::span<const ConstMatrixView>, ConstMatrixView,
                ConstMatrixView output_grad, std::span<const MatrixView> input_grads) override {
    for (const MatrixView& grad : input_grads) {
      if (grad.data)
        std::memcpy(grad.data, output_grad.data,
                    static_cast<std::size_t>(output_grad.size()) * sizeof(float));
    }
  }

 private:
  struct Primitive {
    dnnl::sum sum;
    std::vector<dnnl::memory> sources;
    dnnl::memory dst;
    std::unordered_map<int, dnnl::memory> args;
  };

  Primitive& primitive(Compute& compute, std::int64_t batch) {
    auto it = cache_.find(batch);
    if (it != cache_.end()) return it->second;
    const auto md = matrix_desc(batch, width_);
    Primitive p;
    // Unit scales: a plain sum of every input.
    const std::vector<dnnl::memory::desc> source_mds(static_cast<std::size_t>(inputs_), md);
    const std::vector<float> scales(static_cast<std::size_t>(inputs_), 1.0f);
    p.sum = dnnl::sum(dnnl::sum::primitive_desc(md, scales, source_mds, compute.engine));
    for (int i = 0; i < inputs_; ++i) {
      p.sources.push_back(user_memory(md, compute.engine));
      p.args.insert({DNNL_ARG_MULTIPLE_SRC + i, p.sources.back()});
    }
    p.dst = user_memory(md, compute.engine);
    p.args.insert({DNNL_ARG_DST, p.dst});
    return cache_.emplace(batch, std::move(p)).first->second;
  }

  std::int64_t width_ = 0;
  int inputs_ = 0;
  std::map<std::int64_t, Primitive> cache_;
};

}  // namespace

void register_add(Registrar& r) {
  r.layers.add("add", &make<Layer, Add>,
               Schema("element-wise sum of 2+ inputs of one width (oneDNN sum), for residual "
                      "graphs"));
}

}  // namespace nnlab::layers
