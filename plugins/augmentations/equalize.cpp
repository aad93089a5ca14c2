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
  /// Each pixel's level of one channel, found once for the histogram and the lookup.
  std::int64_t scratch_floats(const Shape& image) const override {
    return image.height() * image.width();
  }
  void apply(const ImageView& image, double, Rng&, std::span<float> scratch) const override {
    const std::int64_t plane = image.plane();
    const Levels levels(image);
    for (std::int64_t c = 0; c < image.channels; ++c) {
      float* v = image.channel(c);
      std::array<std::int64_t, 256> histogram{};
      for (std::int64_t i = 0; i < plane; ++i) {
        const int level = levels.of(v[i]);
        scratch[static_cast<std::size_t>(i)] = static_cast<float>(level);
        ++histogram[static_cast<std::size_t>(level)];
      }
      std::int64_t total = 0, last = 0, present = 0;
      for (std::int64_t count : histogram) {
        if (count == 0) continue;
        total += count;
        last = count;
        ++present;
      }
      if (present <= 1) continue;
      const std::int64_t step = (total - last) / 255;
      if (step == 0) continue;
      std::array<int, 256> lut{};
      std::int64_t n = step / 2;
      for (std::size_t level = 0; level < 256; ++level) {
        lut[level] = static_cast<int>(std::min<std::int64_t>(n / step, 255));
        n += histogram[level];
      }
      for (std::int64_t i = 0; i < plane; ++i)
        v[i] = levels.value(lut[static_cast<std::size_t>(scratch[static_cast<std::size_t>(i)])]);
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
