// Softmax cross-entropy, as the book defines it: p = softmax(z) (oneDNN softmax, which subtracts
// the row max), L = -(1/N) sum_n log(p[n, t_n] + 1e-7), dL/dz = (p - onehot(t)) / N.
#include <cmath>
#include <map>
#include <unordered_map>

#include "components.hpp"
#include "nnlab/loss.hpp"
#include "onednn_util.hpp"

namespace nnlab::layers {
namespace {

class SoftmaxCrossEntropy final : public Loss {
 public:
  explicit SoftmaxCrossEntropy(const Params&) {}

  double forward(Compute& compute, ConstMatrixView output,
                 std::span<const std::int32_t> labels) override {
    if (probabilities_.size() < output.size()) probabilities_ = Matrix(output.rows, output.cols);
    auto& p = primitive(compute, output.rows, output.cols);
    bind(p.src, output.data);
    bind(p.dst, probabilities_.data());
    p.softmax.execute(compute.stream, p.args);
    rows_ = output.rows;
    cols_ = output.cols;
    labels_ = labels;
    double sum = 0;
    for (std::int64_t r = 0; r < rows_; ++r) {
      sum -= std::log(static_cast<double>(
                          probabilities_.data()[r * cols_ + labels[static_cast<std::size_t>(r)]]) +
                      1e-7);
    }
    return sum / static_cast<double>(rows_);
  }

  void backward(Compute&, MatrixView output_grad) override {
    const float inv_n = 1.0f / static_cast<float>(rows_);
    const float* p = probabilities_.data();
    for (std::int64_t r = 0; r < rows_; ++r) {
      for (std::int64_t c = 0; c < cols_; ++c)
        output_grad.data[r * cols_ + c] = p[r * cols_ + c] * inv_n;
      output_grad.data[r * cols_ + labels_[static_cast<std::size_t>(r)]] -= inv_n;
    }
  }

 private:
  struct Primitive {
    dnnl::softmax_forward softmax;
    dnnl::memory src, dst;
    std::unordered_map<int, dnnl::memory> args;
  };

  Primitive& primitive(Compute& compute, std::int64_t rows, std::int64_t cols) {
    auto it = cache_.find(rows);
    if (it != cache_.end()) return it->second;
    const auto md = matrix_desc(rows, cols);
    Primitive p;
    p.softmax = dnnl::softmax_forward(dnnl::softmax_forward::primitive_desc(
        dnnl::softmax_forward::desc(dnnl::prop_kind::forward_inference, md, 1), compute.engine));
    p.src = user_memory(md, compute.engine);
    p.dst = user_memory(md, compute.engine);
    p.args = {{DNNL_ARG_SRC, p.src}, {DNNL_ARG_DST, p.dst}};
    return cache_.emplace(rows, std::move(p)).first->second;
  }

  Matrix probabilities_;  ///< grown to the largest batch and reused
  std::int64_t rows_ = 0, cols_ = 0;
  std::span<const std::int32_t> labels_;
  std::map<std::int64_t, Primitive> cache_;
};

}  // namespace

void register_softmax_cross_entropy(Registrar& r) {
  r.losses.add(
      "softmax_cross_entropy", &make<Loss, SoftmaxCrossEntropy>,
      Schema("softmax then cross-entropy, mean over the batch, log(p + 1e-7) as the book"));
}

}  // namespace nnlab::layers
