// posterize: each value kept to its top `bits` bits of 8 (PIL's ImageOps.posterize). The paper's
// table gives 4..8 bits; as torchvision, magnitude 0 keeps all 8 and 10 keeps 8 - max = 4.
#include <cmath>

#include "components.hpp"

namespace nnlab::augmentations {
namespace {

class Posterize final : public Augmentation {
 public:
  explicit Posterize(const Params& params) : max_(params.integer("max")) {}
  void apply(const ImageView& image, double magnitude, Rng&, std::span<float>) const override {
    const int dropped = static_cast<int>(std::lround(level(magnitude, static_cast<double>(max_))));
    if (dropped <= 0) return;  // all 8 bits: values off the 256 levels stay exact
    const int mask = ~((1 << dropped) - 1);
    const Levels levels(image);
    const std::int64_t n = image.channels * image.plane();
    for (std::int64_t i = 0; i < n; ++i)
      image.data[i] = levels.value(levels.of(image.data[i]) & mask);
  }

 private:
  std::int64_t max_;
};

}  // namespace

void register_posterize(Registrar& r) {
  r.augmentations.add("posterize", &make<Augmentation, Posterize>,
                      Schema("keeps 8 - round(magnitude/10·max) bits of each 8-bit value")
                          .integer("max", 4, "bits dropped at magnitude 10 (the paper: 8 -> 4)")
                          .min(0)
                          .max(8));
}

}  // namespace nnlab::augmentations
