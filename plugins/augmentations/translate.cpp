// translate_x and translate_y: PIL's affine transform (1, 0, t, 0, 1, 0) and (1, 0, 0, 0, 1, t);
// t up to ±0.45 of the image's width or height (the paper's 150 of 331 pixels), a random sign.
#include "components.hpp"
#include "geometry.hpp"

namespace nnlab::augmentations {
namespace {

template <bool kAlongX>
class Translate final : public GeometricOp {
 public:
  explicit Translate(const Params& params) : GeometricOp(params), max_(params.number("max")) {}
  void apply(const ImageView& image, double magnitude, Rng& rng,
             std::span<float> scratch) const override {
    const double size = static_cast<double>(kAlongX ? image.width : image.height);
    const double t = random_sign(rng) * level(magnitude, max_) * size;
    const std::array<double, 6> m =
        kAlongX ? std::array<double, 6>{1, 0, t, 0, 1, 0} : std::array<double, 6>{1, 0, 0, 0, 1, t};
    warp_affine(image, m, resampling_, scratch);
  }

 private:
  double max_;
};

Schema translate_schema(const char* summary) {
  Schema schema(summary);
  schema.number("max", 150.0 / 331.0, "shift at magnitude 10, a fraction of the size (150/331)")
      .min(0);
  return Resampling::declare(schema);
}

}  // namespace

void register_translate(Registrar& r) {
  r.augmentations.add("translate_x", &make<Augmentation, Translate<true>>,
                      translate_schema("shifts along x by ±magnitude/10·max of the width"));
  r.augmentations.add("translate_y", &make<Augmentation, Translate<false>>,
                      translate_schema("shifts along y by ±magnitude/10·max of the height"));
}

}  // namespace nnlab::augmentations
