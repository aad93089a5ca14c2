// rotate: PIL's Image.rotate about the image's centre, counter-clockwise for a positive angle; up
// to ±30 degrees (a random sign).
#include <numbers>

#include "components.hpp"
#include "geometry.hpp"

namespace nnlab::augmentations {
namespace {

class Rotate final : public GeometricOp {
 public:
  explicit Rotate(const Params& params) : GeometricOp(params), max_(params.number("max")) {}
  void apply(const ImageView& image, double magnitude, Rng& rng,
             std::span<float> scratch) const override {
    const double radians = random_sign(rng) * level(magnitude, max_) * std::numbers::pi / 180.0;
    const double c = std::cos(radians), s = std::sin(radians);
    const double cx = static_cast<double>(image.width) / 2,
                 cy = static_cast<double>(image.height) / 2;
    // With y pointing down, a counter-clockwise turn by a reads the input at the output point
    // turned back: centre + (c dx - s dy, s dx + c dy).
    const std::array<double, 6> m{c, -s, cx - c * cx + s * cy, s, c, cy - s * cx - c * cy};
    warp_affine(image, m, resampling_, scratch);
  }

 private:
  double max_;
};

}  // namespace

void register_rotate(Registrar& r) {
  Schema schema("rotates about the centre by ±magnitude/10·max degrees (random sign)");
  schema.number("max", 30.0, "angle at magnitude 10, degrees (the paper: 30)").min(0);
  r.augmentations.add("rotate", &make<Augmentation, Rotate>, Resampling::declare(schema));
}

}  // namespace nnlab::augmentations
