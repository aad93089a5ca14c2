// flip_x: a mirror image, left to right (for data where that keeps the label: clothes, not
// digits). No magnitude.
#include <utility>

#include "components.hpp"

namespace nnlab::augmentations {
namespace {

class FlipX final : public Augmentation {
 public:
  explicit FlipX(const Params&) {}
  void apply(const ImageView& image, double, Rng&, std::span<float>) const override {
    for (std::int64_t c = 0; c < image.channels; ++c) {
      for (std::int64_t y = 0; y < image.height; ++y) {
        float* row = image.channel(c) + y * image.width;
        std::reverse(row, row + image.width);
      }
    }
  }
};

}  // namespace

void register_flip_x(Registrar& r) {
  r.augmentations.add("flip_x", &make<Augmentation, FlipX>,
                      Schema("mirrors the image left to right; ignores the magnitude"));
}

}  // namespace nnlab::augmentations
