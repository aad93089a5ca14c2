// Mean squared error against one-hot labels: L = (1/N) sum_n 1/2 sum_k (z_nk - onehot_nk)^2,
// dL/dz = (z - onehot) / N. The book's mean_squared_error is the same 1/2-sum per example; nnlab
// averages over the batch, as its cross-entropy does, so learning rates carry over between the two.
#include "components.hpp"
#include "nnlab/loss.hpp"

namespace nnlab::layers {
namespace {

class MeanSquaredError final : public Loss {
 public:
  explicit MeanSquaredError(const Params&) {}

  double forward(Compute&, ConstMatrixView output, std::span<const std::int32_t> labels) override {
    output_ = output;
    labels_ = labels;
    double sum = 0;
    for (std::int64_t r = 0; r < output.rows; ++r) {
      for (std::int64_t c = 0; c < output.cols; ++c) {
        const double d = output.at(r, c) - (c == labels[static_cast<std::size_t>(r)] ? 1.0 : 0.0);
        sum += 0.5 * d * d;
      }
    }
    return sum / static_cast<double>(output.rows);
  }

  void backward(Compute&, MatrixView output_grad) override {
    const float inv_n = 1.0f / static_cast<float>(output_.rows);
    for (std::int64_t r = 0; r < output_.rows; ++r) {
      for (std::int64_t c = 0; c < output_.cols; ++c) {
        const float target = c == labels_[static_cast<std::size_t>(r)] ? 1.0f : 0.0f;
        output_grad.at(r, c) = (output_.at(r, c) - target) * inv_n;
      }
    }
  }

 private:
  ConstMatrixView output_;
  std::span<const std::int32_t> labels_;
};

}  // namespace

void register_mse(Registrar& r) {
  r.losses.add("mse", &make<Loss, MeanSquaredError>,
               Schema("mean squared error to one-hot labels, (1/N) sum 1/2 (z - t)^2 on the raw "
                      "outputs"));
}

}  // namespace nnlab::layers
