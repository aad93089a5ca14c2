#pragma once
/// Whitening, as the seed's deck describes it: decorrelate, then standardize, so the features
/// have mean 0 and covariance I. Fitted on the training rows only (the covariance in float64,
/// Eigen's symmetric eigensolver C = U diag(λ) Uᵀ), then applied to every split as one affine map
/// y = W (x − μ):
///   - PCA whitening: W = diag(1/√(λ+ε)) Uᵀ — the features become the principal components, in
///     order of falling variance, each scaled to variance λ/(λ+ε);
///   - ZCA whitening: W = U diag(1/√(λ+ε)) Uᵀ = (C + εI)^(-1/2) — the whitening closest to the
///     input (Bell & Sejnowski 1997), so an image still looks like an image (edges stand out).
/// ε keeps directions of small variance from being blown up into noise; directions of no variance
/// at all (to rounding) map to 0.
#include <cstdint>
#include <vector>

#include "nnlab/tensor.hpp"

namespace nnlab {

enum class WhiteningKind { pca, zca };

/// The fitted map y = W (x − μ).
struct Whitening {
  std::int64_t features = 0;
  std::vector<double> mean;         ///< μ, per feature
  std::vector<double> weights;      ///< W, row-major features × features (row i makes output i)
  std::vector<double> eigenvalues;  ///< λ of the training covariance, falling

  /// Replaces every row x of `rows` by W (x − μ), in place.
  void apply(MatrixView rows) const;
};

/// Fits the whitening of `train` (rows are samples). Needs at least one row.
Whitening fit_whitening(ConstMatrixView train, WhiteningKind kind, double epsilon);

/// The covariance (1/n) Σ (x − x̄)(x − x̄)ᵀ of `rows`, in float64, row-major features × features.
std::vector<double> covariance(ConstMatrixView rows);

/// The largest |C_ij| off the diagonal of the covariance of `rows`: how far from decorrelated.
double largest_off_diagonal_covariance(ConstMatrixView rows);

}  // namespace nnlab
