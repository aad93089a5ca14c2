#pragma once
// A square sliding window over an image, shared by convolution and pooling: kernel, stride,
// padding and dilation, and the output size they give.
#include <cstdint>
#include <string>

#include "nnlab/error.hpp"
#include "nnlab/shape.hpp"
#include "onednn_util.hpp"

namespace nnlab::layers {

struct Window {
  std::int64_t kernel = 1, stride = 1, padding = 0, dilation = 1;

  /// The kernel's reach: (kernel - 1) x dilation + 1.
  std::int64_t span() const { return (kernel - 1) * dilation + 1; }

  /// Output rows (or columns) for `size` input ones: floor((size + 2 padding - span) / stride) + 1.
  /// Throws Error naming the layer, the window and the input when the window does not fit.
  std::int64_t output(std::int64_t size, const Shape& input, const char* layer) const {
    if (size + 2 * padding < span()) {
      std::string message = layer;
      message += ": a " + std::to_string(span()) + "x" + std::to_string(span());
      message += dilation > 1 ? " (dilated) window" : " window";
      message += " is larger than its input " + input.to_string();
      message += " padded by " + std::to_string(padding);
      throw Error(message);
    }
    return (size + 2 * padding - span()) / stride + 1;
  }

  /// oneDNN's right/bottom padding for `size` in and `out` out: what the last window reaches
  /// past the input (at most `padding`; less when the stride skips the tail).
  std::int64_t padding_after(std::int64_t size, std::int64_t out) const {
    return (out - 1) * stride + span() - size - padding;
  }
};

/// A batch of images as oneDNN sees our rows: N x C x H x W, nchw.
inline dnnl::memory::desc image_desc(std::int64_t batch, const Shape& shape) {
  return dnnl::memory::desc({batch, shape.channels(), shape.height(), shape.width()}, dt::f32,
                            tag::nchw);
}

}  // namespace nnlab::layers
