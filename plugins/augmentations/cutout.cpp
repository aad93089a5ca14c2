// cutout (DeVries & Taylor 2017, as the paper's code applies it): a square of side
// int(magnitude/10·max·min(H, W)) pixels, centred on a uniformly drawn pixel and clipped at the
// borders, set to the fill value. The paper: up to 20 pixels of 32 (max 0.625), filled with the
// data's mean colour; here a fill in the range, mid-grey by default.
#include <algorithm>
#include <random>

#include "components.hpp"

namespace nnlab::augmentations {
namespace {

class Cutout final : public Augmentation {
 public:
  explicit Cutout(const Params& params)
      : max_(params.number("max")), fill_(params.number("fill")) {}
  void apply(const ImageView& image, double magnitude, Rng& rng, std::span<float>) const override {
    const double side =
        level(magnitude, max_) * static_cast<double>(std::min(image.height, image.width));
    const std::int64_t half = static_cast<std::int64_t>(side) / 2;
    // Drawn at every magnitude, so the engine advances the same way whatever the magnitude.
    const std::int64_t cy = std::uniform_int_distribution<std::int64_t>(0, image.height - 1)(rng);
    const std::int64_t cx = std::uniform_int_distribution<std::int64_t>(0, image.width - 1)(rng);
    if (half == 0) return;
    const float value = static_cast<float>(image.low + fill_ * (image.high - image.low));
    const std::int64_t y0 = std::max<std::int64_t>(0, cy - half),
                       y1 = std::min(image.height, cy + half);
    const std::int64_t x0 = std::max<std::int64_t>(0, cx - half),
                       x1 = std::min(image.width, cx + half);
    for (std::int64_t c = 0; c < image.channels; ++c) {
      for (std::int64_t y = y0; y < y1; ++y)
        std::fill(image.channel(c) + y * image.width + x0, image.channel(c) + y * image.width + x1,
                  value);
    }
  }

 private:
  double max_, fill_;
};

}  // namespace

void register_cutout(Registrar& r) {
  r.augmentations.add(
      "cutout", &make<Augmentation, Cutout>,
      Schema("fills a square of side magnitude/10·max of the image at a random place")
          .number("max", 20.0 / 32.0, "side at magnitude 10, a fraction of the size (20 of 32)")
          .min(0)
          .max(2)
          .number("fill", 0.5, "the square's value, 0 black .. 1 white")
          .min(0)
          .max(1));
}

}  // namespace nnlab::augmentations
