#include "nnlab/tensor.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>

namespace nnlab {

// Through aligned operator new (not aligned_alloc), so allocation can be observed and replaced like
// any C++ allocation.
constexpr std::align_val_t kAlignment{64};

void Matrix::FreeAligned::operator()(float* p) const { ::operator delete(p, kAlignment); }

Matrix::Matrix(std::int64_t rows, std::int64_t cols) : rows_(rows), cols_(cols) {
  const std::size_t bytes = static_cast<std::size_t>(rows * cols) * sizeof(float);
  if (bytes == 0) return;
  void* p = ::operator new(bytes, kAlignment);
  std::memset(p, 0, bytes);
  data_.reset(static_cast<float*>(p));
}

Matrix Matrix::clone() const {
  Matrix copy(rows_, cols_);
  if (!empty()) std::memcpy(copy.data(), data(), static_cast<std::size_t>(size()) * sizeof(float));
  return copy;
}

void Matrix::fill(float value) { std::fill(data(), data() + size(), value); }

}  // namespace nnlab
