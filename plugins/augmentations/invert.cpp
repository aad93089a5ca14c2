// invert: each value mirrored in the range (PIL's ImageOps.invert: 255 - v). No magnitude.
#include "components.hpp"

namespace nnlab::augmentations {
namespace {

class Invert final : public Augmentation {
 public:
  explicit Invert(const Params&) {}
  void apply(const ImageView& image, double, Rng&, std::span<float>) const override {
    const float sum = image.low + image.high;
    const std::int64_t n = image.channels * image.plane();
    for (std::int64_t i = 0; i < n; ++i) image.data[i] = sum - image.data[i];
  }
};

}  // namespace

void register_invert(Registrar& r) {
  r.augmentations.add("invert", &make<Augmentation, Invert>,
                      Schema("inverts the image (black becomes white); ignores the magnitude"));
}

}  // namespace nnlab::augmentations
