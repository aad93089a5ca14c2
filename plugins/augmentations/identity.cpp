// identity: leaves the image as it is (RandAugment's and TrivialAugment's "do nothing" choice).
#include "components.hpp"

namespace nnlab::augmentations {
namespace {

class Identity final : public Augmentation {
 public:
  explicit Identity(const Params&) {}
  void apply(const ImageView&, double, Rng&, std::span<float>) const override {}
};

}  // namespace

void register_identity(Registrar& r) {
  r.augmentations.add("identity", &make<Augmentation, Identity>,
                      Schema("leaves the image unchanged"));
}

}  // namespace nnlab::augmentations
