#pragma once
/// Memory layouts of activations, as oneDNN memory descriptors. The plain layout is the one every
/// layer understands: a batch × size() matrix, each row one sample in C-H-W order (nchw for
/// images). oneDNN's convolution, pooling and batch normalization run fastest on blocked layouts
/// (nChw8c, nChw16c: channels in groups of 8 or 16, padded with zeros), so layers built on them
/// may pass activations to each other in such a layout and skip two reorders per layer; see
/// Layer::plan().
#include <cstdint>

#include <oneapi/dnnl/dnnl.hpp>

#include "nnlab/shape.hpp"

namespace nnlab {

using Layout = dnnl::memory::desc;

/// Row-major (abcd...) f32 over `dims`.
inline Layout row_major_layout(const dnnl::memory::dims& dims) {
  using tag = dnnl::memory::format_tag;
  const tag plain = dims.size() == 1   ? tag::a
                    : dims.size() == 2 ? tag::ab
                    : dims.size() == 3 ? tag::abc
                    : dims.size() == 4 ? tag::abcd
                                       : tag::abcde;
  return Layout(dims, dnnl::memory::data_type::f32, plain);
}

/// The plain layout of `batch` samples of `shape`: batch × features (ab) for a vector,
/// batch × channels × height × width (nchw) for an image.
inline Layout plain_layout(std::int64_t batch, const Shape& shape) {
  dnnl::memory::dims dims{batch};
  dims.insert(dims.end(), shape.dims.begin(), shape.dims.end());
  return row_major_layout(dims);
}

/// Whether `layout` holds its numbers exactly as the plain layout of its dimensions would.
inline bool is_plain(const Layout& layout) {
  return layout.data_type() == dnnl::memory::data_type::f32 &&
         layout == row_major_layout(layout.dims());
}

/// The floats a buffer in `layout` needs per sample (padding included), rounded up.
inline std::int64_t floats_per_sample(const Layout& layout) {
  const auto batch = static_cast<std::size_t>(layout.dims().at(0));
  const std::size_t floats = layout.get_size() / sizeof(float);
  return static_cast<std::int64_t>((floats + batch - 1) / batch);
}

}  // namespace nnlab
