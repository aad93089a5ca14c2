// shear_x and shear_y: PIL's affine transform (1, s, 0, 0, 1, 0) and (1, 0, 0, s, 1, 0) about the
// image's top-left corner, as the paper's code does; s up to ±0.3 (a random sign).
#include "components.hpp"
#include "geometry.hpp"

namespace nnlab::augmentations {
namespace {

template <bool kAlongX>
class Shear final : public GeometricOp {
 public:
  explicit Shear(const Params& params) : GeometricOp(params), max_(params.number("max")) {}
  void apply(const ImageView& image, double magnitude, Rng& rng,
             std::span<float> scratch) const override {
    const double s = random_sign(rng) * level(magnitude, max_);
    // Output (X, Y) reads the input at (X + s Y, Y) for shear_x, (X, s X + Y) for shear_y.
    const std::array<double, 6> m =
        kAlongX ? std::array<double, 6>{1, s, 0, 0, 1, 0} : std::array<double, 6>{1, 0, 0, s, 1, 0};
    warp_affine(image, m, resampling_, scratch);
  }

 private:
  double max_;
};

Schema shear_schema(const char* summary) {
  Schema schema(summary);
  schema.number("max", 0.3, "shear factor at magnitude 10 (the paper: 0.3)").min(0);
  return Resampling::declare(schema);
}

}  // namespace

void register_shear(Registrar& r) {
  r.augmentations.add("shear_x", &make<Augmentation, Shear<true>>,
                      shear_schema("shears along x by ±magnitude/10·max (random sign)"));
  r.augmentations.add("shear_y", &make<Augmentation, Shear<false>>,
                      shear_schema("shears along y by ±magnitude/10·max (random sign)"));
}

}  // namespace nnlab::augmentations
