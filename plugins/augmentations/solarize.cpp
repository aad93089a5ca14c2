// solarize: values at or above a threshold inverted (PIL's ImageOps.solarize). The paper's code
// sets the threshold to 256 - 25.6·magnitude on 8-bit pixels: nothing at magnitude 0, everything at
// 10. Here the same as a fraction of the range: (1 - magnitude/10)·256/255.
#include "components.hpp"

namespace nnlab::augmentations {
namespace {

class Solarize final : public Augmentation {
 public:
  explicit Solarize(const Params&) {}
  void apply(const ImageView& image, double magnitude, Rng&, std::span<float>) const override {
    const double fraction = (1.0 - magnitude / kMaxMagnitude) * 256.0 / 255.0;
    const double threshold = image.low + fraction * (static_cast<double>(image.high) - image.low);
    const float sum = image.low + image.high;
    const std::int64_t n = image.channels * image.plane();
    for (std::int64_t i = 0; i < n; ++i) {
      if (image.data[i] >= threshold) image.data[i] = sum - image.data[i];
    }
  }
};

}  // namespace

void register_solarize(Registrar& r) {
  r.augmentations.add("solarize", &make<Augmentation, Solarize>,
                      Schema("inverts values above a threshold: (1 - magnitude/10)·256/255 of "
                             "the range (none at 0, all at 10)"));
}

}  // namespace nnlab::augmentations
