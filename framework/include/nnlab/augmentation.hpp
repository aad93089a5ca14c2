#pragma once
/// The Augmentation interface: one image operation of a data-augmentation policy (AutoAugment,
/// Cubuk et al., CVPR 2019: shear, translate, rotate, equalize, ...). The trainer applies a
/// policy's operations to each training image of each minibatch, never at evaluation.
///
/// An operation is a pure function of (image, magnitude, random engine): `apply` is const, so one
/// object serves every thread, and it allocates nothing. What it needs beyond the image it gets as
/// `scratch`, which the caller sizes once from scratch_floats() and owns per thread.
#include <cstdint>
#include <span>

#include "nnlab/random.hpp"
#include "nnlab/shape.hpp"

namespace nnlab {

/// One image, in place: C × H × W floats in C-H-W order (a row of a minibatch), with the range its
/// pixel values span: `low` is black, `high` white (0 and 1 after the core's minmax scaling, the
/// raw range without scaling). Photometric operations work in that range and clamp to it.
struct ImageView {
  float* data = nullptr;
  std::int64_t channels = 0;
  std::int64_t height = 0;
  std::int64_t width = 0;
  float low = 0.0f;
  float high = 1.0f;

  std::int64_t plane() const { return height * width; }
  float* channel(std::int64_t c) const { return data + c * plane(); }
};

class Augmentation {
 public:
  virtual ~Augmentation();

  /// The paper's magnitude scale: 0 (weakest) to kMaxMagnitude (strongest), mapped linearly onto
  /// each operation's own range (rotate: 0..30 degrees).
  static constexpr double kMaxMagnitude = 10.0;

  /// Floats of scratch apply() needs for images of `image` (C × H × W); 0 by default.
  virtual std::int64_t scratch_floats(const Shape& image) const;

  /// Transforms `image` in place at `magnitude` (0..kMaxMagnitude, not necessarily whole), drawing
  /// what it randomizes (a signed operation's sign, cutout's position) from `rng`.
  /// @param scratch at least scratch_floats() floats, owned by the calling thread
  virtual void apply(const ImageView& image, double magnitude, Rng& rng,
                     std::span<float> scratch) const = 0;
};

}  // namespace nnlab
