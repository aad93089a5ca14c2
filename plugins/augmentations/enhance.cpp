// PIL's ImageEnhance family: the image blended with a "degenerate" version of itself,
// degenerate + factor·(image - degenerate), clamped to the range. As torchvision, the factor is
// 1 ± magnitude/10·max with a random sign (max 0.9: the paper's 0.1..1.9), so magnitude 0 leaves
// the image alone; on floats, without PIL's rounding to 256 levels.
//   contrast:   degenerate = the mean grey level of the whole image
//   brightness: degenerate = black
//   sharpness:  degenerate = the image smoothed by PIL's SMOOTH kernel [1 1 1; 1 5 1; 1 1 1]/13,
//               border pixels left as they are (as PIL does)
//   color:      degenerate = each pixel's grey level (ITU-R 601 luma); a grey image has no colour
#include <cstring>

#include "components.hpp"

namespace nnlab::augmentations {
namespace {

enum class Enhancement { contrast, brightness, sharpness, color };

/// Grey level of pixel i: ITU-R 601-2 luma for RGB (PIL's convert("L")), the mean otherwise.
double grey(const ImageView& image, std::int64_t i) {
  if (image.channels == 3)
    return 0.299 * image.channel(0)[i] + 0.587 * image.channel(1)[i] + 0.114 * image.channel(2)[i];
  double sum = 0;
  for (std::int64_t c = 0; c < image.channels; ++c) sum += image.channel(c)[i];
  return sum / static_cast<double>(image.channels);
}

template <Enhancement kind>
class Enhance final : public Augmentation {
 public:
  explicit Enhance(const Params& params) : max_(params.number("max")) {}

  std::int64_t scratch_floats(const Shape& image) const override {
    return kind == Enhancement::sharpness ? image.size() : 0;
  }

  void apply(const ImageView& image, double magnitude, Rng& rng,
             std::span<float> scratch) const override {
    const double factor = 1.0 + random_sign(rng) * level(magnitude, max_);
    const std::int64_t plane = image.plane();
    auto blend = [&](float& value, double degenerate) {
      value = clamp_to(image, degenerate + factor * (value - degenerate));
    };
    if constexpr (kind == Enhancement::brightness) {
      for (std::int64_t i = 0; i < image.channels * plane; ++i) blend(image.data[i], image.low);
    } else if constexpr (kind == Enhancement::contrast) {
      double mean = 0;
      for (std::int64_t i = 0; i < plane; ++i) mean += grey(image, i);
      mean /= static_cast<double>(plane);
      for (std::int64_t i = 0; i < image.channels * plane; ++i) blend(image.data[i], mean);
    } else if constexpr (kind == Enhancement::color) {
      if (image.channels == 1) return;
      for (std::int64_t i = 0; i < plane; ++i) {
        const double g = grey(image, i);
        for (std::int64_t c = 0; c < image.channels; ++c) blend(image.channel(c)[i], g);
      }
    } else {
      const std::int64_t w = image.width, h = image.height;
      std::memcpy(scratch.data(), image.data,
                  static_cast<std::size_t>(image.channels * plane) * sizeof(float));
      for (std::int64_t c = 0; c < image.channels; ++c) {
        const float* in = scratch.data() + c * plane;
        float* out = image.channel(c);
        for (std::int64_t y = 1; y + 1 < h; ++y) {
          for (std::int64_t x = 1; x + 1 < w; ++x) {
            const float* p = in + y * w + x;
            const double smooth = (p[-w - 1] + p[-w] + p[-w + 1] + p[-1] + 5.0 * p[0] + p[1] +
                                   p[w - 1] + p[w] + p[w + 1]) /
                                  13.0;
            blend(out[y * w + x], smooth);
          }
        }
      }
    }
  }

 private:
  double max_;
};

Schema enhance_schema(const char* summary) {
  return Schema(summary)
      .number("max", 0.9, "factor - 1 at magnitude 10 (the paper: 0.1..1.9)")
      .min(0);
}

}  // namespace

void register_enhance(Registrar& r) {
  r.augmentations.add("contrast", &make<Augmentation, Enhance<Enhancement::contrast>>,
                      enhance_schema("blends with the mean grey: factor 1 ± magnitude/10·max"));
  r.augmentations.add("brightness", &make<Augmentation, Enhance<Enhancement::brightness>>,
                      enhance_schema("blends with black: factor 1 ± magnitude/10·max"));
  r.augmentations.add("sharpness", &make<Augmentation, Enhance<Enhancement::sharpness>>,
                      enhance_schema("blends with a smoothed copy: factor 1 ± magnitude/10·max"));
  r.augmentations.add("color", &make<Augmentation, Enhance<Enhancement::color>>,
                      enhance_schema("blends with the grey image: factor 1 ± magnitude/10·max "
                                     "(nothing on one channel)"));
}

}  // namespace nnlab::augmentations
