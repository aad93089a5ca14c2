#pragma once
/// Row-major float matrices: activations are batch x features, weights are in x out. Storage is
/// 64-byte aligned (one cache line, one AVX-512 vector) and allocated once, then reused.
#include <cstddef>
#include <cstdint>
#include <memory>

namespace nnlab {

/// A non-owning view of a contiguous row-major matrix.
struct MatrixView {
  float* data = nullptr;
  std::int64_t rows = 0;
  std::int64_t cols = 0;

  std::int64_t size() const { return rows * cols; }
  float* row(std::int64_t r) const { return data + r * cols; }
  float& at(std::int64_t r, std::int64_t c) const { return data[r * cols + c]; }
  /// Rows [first, first + count), sharing storage.
  MatrixView row_range(std::int64_t first, std::int64_t count) const {
    return {data + first * cols, count, cols};
  }
};

/// A read-only view of a contiguous row-major matrix.
struct ConstMatrixView {
  const float* data = nullptr;
  std::int64_t rows = 0;
  std::int64_t cols = 0;

  ConstMatrixView() = default;
  ConstMatrixView(const float* d, std::int64_t r, std::int64_t c) : data(d), rows(r), cols(c) {}
  ConstMatrixView(const MatrixView& v) : data(v.data), rows(v.rows), cols(v.cols) {}  // NOLINT

  std::int64_t size() const { return rows * cols; }
  const float* row(std::int64_t r) const { return data + r * cols; }
  float at(std::int64_t r, std::int64_t c) const { return data[r * cols + c]; }
  ConstMatrixView row_range(std::int64_t first, std::int64_t count) const {
    return {data + first * cols, count, cols};
  }
};

/// An owning, aligned, zero-initialised matrix. Moves are cheap; copies are explicit (clone()).
class Matrix {
 public:
  Matrix() = default;
  Matrix(std::int64_t rows, std::int64_t cols);
  Matrix(Matrix&&) noexcept = default;
  Matrix& operator=(Matrix&&) noexcept = default;
  Matrix(const Matrix&) = delete;
  Matrix& operator=(const Matrix&) = delete;

  /// A deep copy.
  Matrix clone() const;
  /// Sets every element to `value`.
  void fill(float value);

  float* data() { return data_.get(); }
  const float* data() const { return data_.get(); }
  std::int64_t rows() const { return rows_; }
  std::int64_t cols() const { return cols_; }
  std::int64_t size() const { return rows_ * cols_; }
  bool empty() const { return size() == 0; }
  float& at(std::int64_t r, std::int64_t c) { return data_.get()[r * cols_ + c]; }
  float at(std::int64_t r, std::int64_t c) const { return data_.get()[r * cols_ + c]; }

  MatrixView view() { return {data(), rows_, cols_}; }
  ConstMatrixView view() const { return {data(), rows_, cols_}; }
  operator MatrixView() { return view(); }             // NOLINT: views are the currency
  operator ConstMatrixView() const { return view(); }  // NOLINT

 private:
  struct FreeAligned {
    void operator()(float* p) const;
  };
  std::unique_ptr<float[], FreeAligned> data_;
  std::int64_t rows_ = 0;
  std::int64_t cols_ = 0;
};

}  // namespace nnlab
