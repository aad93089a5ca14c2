#include "nnlab/tensor.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>

namespace nnlab {

void Matrix::FreeAligned::operator()(float* p) const { std::free(p); }

Matrix::Matrix(std::int64_t rows, std::int64_t cols) : rows_(rows), cols_(cols) {
  const std::size_t bytes = static_cast<std::size_t>(rows * cols) * sizeof(float);
  if (bytes == 0) return;
  // Round up to the alignment, as aligned_alloc requires.
  const std::size_t rounded = (bytes + 63) / 64 * 64;
  void* p = std::aligned_alloc(64, rounded);
  if (!p) throw std::bad_alloc();
  std::memset(p, 0, rounded);
  data_.reset(static_cast<float*>(p));
}

Matrix Matrix::clone() const {
  Matrix copy(rows_, cols_);
  if (!empty()) std::memcpy(copy.data(), data(), static_cast<std::size_t>(size()) * sizeof(float));
  return copy;
}

void Matrix::fill(float value) { std::fill(data(), data() + size(), value); }

}  // namespace nnlab
