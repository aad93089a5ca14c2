// auto_contrast: each channel stretched so its darkest value becomes black and its brightest white
// (PIL's ImageOps.autocontrast with no cutoff; on floats, as torchvision's tensor version, without
// PIL's rounding to 256 levels). A constant channel stays as it is. No magnitude.
#include <algorithm>

#include "components.hpp"

namespace nnlab::augmentations {
namespace {

class AutoContrast final : public Augmentation {
 public:
  explicit AutoContrast(const Params&) {}
  void apply(const ImageView& image, double, Rng&, std::span<float>) const override {
    const std::int64_t plane = image.plane();
    for (std::int64_t c = 0; c < image.channels; ++c) {
      float* v = image.channel(c);
      const auto [lo, hi] = std::minmax_element(v, v + plane);
      const double darkest = *lo, brightest = *hi;
      if (!(brightest > darkest)) continue;
      const double scale = (static_cast<double>(image.high) - image.low) / (brightest - darkest);
      for (std::int64_t i = 0; i < plane; ++i)
        v[i] = clamp_to(image, image.low + (v[i] - darkest) * scale);
    }
  }
};

}  // namespace

void register_auto_contrast(Registrar& r) {
  r.augmentations.add(
      "auto_contrast", &make<Augmentation, AutoContrast>,
      Schema("stretches each channel's values to the full range; ignores the magnitude"));
}

}  // namespace nnlab::augmentations
