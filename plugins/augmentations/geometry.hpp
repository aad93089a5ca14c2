#pragma once
// The geometric operations' resampling: an affine map from each output pixel to where it reads the
// input, as PIL's Image.transform(AFFINE) does (the paper's code calls it), with the image's pixel
// centres at half-integer coordinates.
#include <array>
#include <span>
#include <string>

#include "nnlab/augmentation.hpp"
#include "nnlab/schema.hpp"

namespace nnlab::augmentations {

enum class Interpolation {
  nearest,   ///< the input pixel the point falls in (PIL's NEAREST, the paper's default)
  bilinear,  ///< the four nearest pixel centres, weighted; those outside the image read the fill
};

/// How a geometric operation resamples, from its `interpolation` and `fill` parameters.
struct Resampling {
  Interpolation interpolation = Interpolation::nearest;
  /// Where the input has no pixel, as a fraction of the value range: 0 is black (PIL's fill 0).
  double fill = 0.0;

  explicit Resampling(const Params& params);
  /// The `interpolation` and `fill` parameters, added to `schema`.
  static Schema& declare(Schema& schema);
};

/// The base of the geometric operations: a copy of the image as scratch, and how to resample.
class GeometricOp : public Augmentation {
 public:
  explicit GeometricOp(const Params& params) : resampling_(params) {}
  std::int64_t scratch_floats(const Shape& image) const override { return image.size(); }

 protected:
  Resampling resampling_;
};

/// Output pixel (x, y), centre (X, Y) = (x + 0.5, y + 0.5), takes the input at
/// (m[0] X + m[1] Y + m[2], m[3] X + m[4] Y + m[5]). `scratch` holds C × H × W floats.
void warp_affine(const ImageView& image, const std::array<double, 6>& m,
                 const Resampling& resampling, std::span<float> scratch);

}  // namespace nnlab::augmentations
