// The built-in augmentations plugin: AutoAugment's image operations (Cubuk et al., CVPR 2019) and
// flip_x.
#include "nnlab/plugin.hpp"
#include "components.hpp"

namespace {
void register_components(nnlab::Registrar& r) {
  using namespace nnlab::augmentations;
  register_identity(r);
  register_flip_x(r);
  register_shear(r);
  register_translate(r);
  register_rotate(r);
  register_invert(r);
  register_auto_contrast(r);
  register_equalize(r);
  register_solarize(r);
  register_posterize(r);
  register_enhance(r);
  register_cutout(r);
}
}  // namespace

NNLAB_PLUGIN("augmentations", "0.1.0", register_components)
