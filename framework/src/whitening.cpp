#include "whitening.hpp"

#include <Eigen/Dense>
#include <algorithm>
#include <cmath>
#include <limits>
#include <oneapi/dnnl/dnnl.hpp>

#include "nnlab/compute.hpp"
#include "nnlab/error.hpp"

namespace nnlab {
namespace {

using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Rows are centred and multiplied in blocks: the float64 copy of a block stays small (2048 rows of
// 784 features is 12 MiB) however many rows the data has.
constexpr std::int64_t kBlock = 2048;

std::vector<double> column_means(ConstMatrixView rows) {
  std::vector<double> mean(static_cast<std::size_t>(rows.cols), 0.0);
  for (std::int64_t r = 0; r < rows.rows; ++r)
    for (std::int64_t c = 0; c < rows.cols; ++c) mean[static_cast<std::size_t>(c)] += rows.at(r, c);
  for (double& m : mean) m /= static_cast<double>(rows.rows);
  return mean;
}

Eigen::MatrixXd covariance_about(ConstMatrixView rows, const std::vector<double>& mean) {
  const std::int64_t f = rows.cols;
  Eigen::MatrixXd sum = Eigen::MatrixXd::Zero(f, f);
  RowMajor block;
  for (std::int64_t first = 0; first < rows.rows; first += kBlock) {
    const std::int64_t count = std::min(kBlock, rows.rows - first);
    block.resize(count, f);
    for (std::int64_t r = 0; r < count; ++r)
      for (std::int64_t c = 0; c < f; ++c)
        block(r, c) = rows.at(first + r, c) - mean[static_cast<std::size_t>(c)];
    // Only the lower triangle is accumulated: half the work of a full product.
    sum.selfadjointView<Eigen::Lower>().rankUpdate(block.transpose());
  }
  Eigen::MatrixXd full = sum.selfadjointView<Eigen::Lower>();
  return full / static_cast<double>(rows.rows);
}

}  // namespace

std::vector<double> covariance(ConstMatrixView rows) {
  if (rows.rows == 0) return std::vector<double>(static_cast<std::size_t>(rows.cols * rows.cols));
  const Eigen::MatrixXd c = covariance_about(rows, column_means(rows));
  std::vector<double> out(static_cast<std::size_t>(rows.cols * rows.cols));
  Eigen::Map<RowMajor>(out.data(), rows.cols, rows.cols) = c;
  return out;
}

double largest_off_diagonal_covariance(ConstMatrixView rows) {
  const std::vector<double> c = covariance(rows);
  double largest = 0;
  for (std::int64_t i = 0; i < rows.cols; ++i)
    for (std::int64_t j = 0; j < rows.cols; ++j)
      if (i != j)
        largest = std::max(largest, std::abs(c[static_cast<std::size_t>(i * rows.cols + j)]));
  return largest;
}

Whitening fit_whitening(ConstMatrixView train, WhiteningKind kind, double epsilon) {
  if (train.rows == 0) throw Error("whitening needs at least one training row");
  const std::int64_t f = train.cols;
  Whitening w;
  w.features = f;
  w.mean = column_means(train);
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(covariance_about(train, w.mean));
  if (eigen.info() != Eigen::Success) throw Error("whitening: the covariance's eigensolver failed");
  // Eigen sorts eigenvalues rising; PCA's outputs come in falling order of variance.
  const Eigen::VectorXd lambda = eigen.eigenvalues().reverse();
  const Eigen::MatrixXd u = eigen.eigenvectors().rowwise().reverse();
  // A direction whose variance is zero to rounding (a pixel constant over the training images)
  // carries nothing: it maps to 0, as a pseudo-inverse does (numpy's matrix_rank tolerance,
  // largest λ × features × machine epsilon), instead of being scaled by 1/√ε — or by infinity
  // with ε = 0 — which would blow up the test rows that do vary there.
  const double zero = lambda(0) * static_cast<double>(f) * std::numeric_limits<double>::epsilon();
  Eigen::VectorXd inverse_sqrt(f);
  for (std::int64_t i = 0; i < f; ++i)
    inverse_sqrt(i) = lambda(i) <= zero ? 0.0 : 1.0 / std::sqrt(lambda(i) + epsilon);
  RowMajor weights = inverse_sqrt.asDiagonal() * u.transpose();  // PCA
  if (kind == WhiteningKind::zca) weights = u * weights;         // rotate back: ZCA
  w.weights.assign(weights.data(), weights.data() + f * f);
  w.eigenvalues.assign(lambda.data(), lambda.data() + f);
  return w;
}

void Whitening::apply(MatrixView rows) const {
  if (rows.cols != features)
    throw Error("whitening fitted on " + std::to_string(features) + " features, applied to " +
                std::to_string(rows.cols));
  if (rows.rows == 0) return;
  // y = W x + b with b = −W μ, folded in float64, then one oneDNN matmul per block of rows
  // (weights given as Wᵀ): the map costs rows × features² multiply-adds, which oneDNN's JIT
  // kernels do an order of magnitude faster than a portable build of Eigen.
  const Eigen::Map<const RowMajor> w(weights.data(), features, features);
  const Eigen::Map<const Eigen::VectorXd> mu(mean.data(), features);
  const Eigen::VectorXf bias = (-(w * mu)).cast<float>();
  const Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> wt =
      w.transpose().cast<float>();

  Compute compute = Compute::make();
  using tag = dnnl::memory::format_tag;
  using dt = dnnl::memory::data_type;
  const std::int64_t block = std::min(kBlock, rows.rows);
  const dnnl::memory::desc src_md({block, features}, dt::f32, tag::ab);
  const dnnl::memory::desc weights_md({features, features}, dt::f32, tag::ab);
  const dnnl::memory::desc bias_md({1, features}, dt::f32, tag::ab);
  const dnnl::matmul matmul(dnnl::matmul::primitive_desc(
      dnnl::matmul::desc(src_md, weights_md, bias_md, src_md), compute.engine));
  std::vector<float> out(static_cast<std::size_t>(block * features));
  dnnl::memory weights_mem(weights_md, compute.engine, const_cast<float*>(wt.data()));
  dnnl::memory bias_mem(bias_md, compute.engine, const_cast<float*>(bias.data()));
  dnnl::memory dst_mem(src_md, compute.engine, out.data());
  // The last, shorter block goes through the same primitive: it is zero-padded into `in`.
  std::vector<float> in(static_cast<std::size_t>(block * features));
  dnnl::memory src_mem(src_md, compute.engine, in.data());
  for (std::int64_t first = 0; first < rows.rows; first += block) {
    const std::int64_t count = std::min(block, rows.rows - first);
    const std::size_t n = static_cast<std::size_t>(count * features);
    std::copy(rows.row(first), rows.row(first) + n, in.begin());
    std::fill(in.begin() + static_cast<std::ptrdiff_t>(n), in.end(), 0.0f);
    matmul.execute(compute.stream, {{DNNL_ARG_SRC, src_mem},
                                    {DNNL_ARG_WEIGHTS, weights_mem},
                                    {DNNL_ARG_BIAS, bias_mem},
                                    {DNNL_ARG_DST, dst_mem}});
    compute.stream.wait();
    std::copy(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(n), rows.row(first));
  }
}

}  // namespace nnlab
