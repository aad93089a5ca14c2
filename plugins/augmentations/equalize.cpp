// equalize: each channel's histogram of 256 levels flattened (PIL's ImageOps.equalize, which the
// paper's code calls, step for step: the cumulative count over the step, the last non-empty level
// left out of the step). A channel PIL leaves alone (one level, or too few pixels) stays exact.
// No magnitude.
#include <array>

#include "components.hpp"

namespace nnlab::augmentations {
namespace {

class Equalize final : public Augmentation {
 public:
  explicit Equalize(const Params&) {}
  void apply(const ImageView& image, double, Rng&, std::span<float>) const override {
    const std::int64_t plane = image.plane();
    for (std::int64_t c = 0; c < image.channels; ++c) {
      float* v = image.channel(c);
      std::array<std::int64_t, 256> histogram{};
      for (std::int64_t i = 0; i < plane; ++i)
        ++histogram[static_cast<std::size_t>(to_level(image, v[i]))];
      std::int64_t total = 0, last = 0, levels = 0;
      for (std::int64_t count : histogram) {
        if (count == 0) continue;
        total += count;
        last = count;
        ++levels;
      }
      if (levels <= 1) continue;
      const std::int64_t step = (total - last) / 255;
      if (step == 0) continue;
      std::array<int, 256> lut{};
      std::int64_t n = step / 2;
      for (std::size_t level = 0; level < 256; ++level) {
        lut[level] = static_cast<int>(std::min<std::int64_t>(n / step, 255));
        n += histogram[level];
      }
      for (std::int64_t i = 0; i < plane; ++i)
        v[i] = from_level(image, lut[static_cast<std::size_t>(to_level(image, v[i]))]);
    }
  }
};

}  // namespace

void register_equalize(Registrar& r) {
  r.augmentations.add("equalize", &make<Augmentation, Equalize>,
                      Schema("equalizes each channel's histogram (256 levels, as PIL); ignores "
                             "the magnitude"));
}

}  // namespace nnlab::augmentations
