#pragma once
// The AutoAugment operations (Cubuk et al., CVPR 2019, appendix table; torchvision's
// `_augmentation_space` gives the same ranges) and the helpers they share; plugin.cpp registers
// them. A magnitude 0..10 maps linearly onto each operation's range; `max` (the value at 10) is a
// parameter, so a wider space (TrivialAugment's) is a policy entry away.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "nnlab/augmentation.hpp"
#include "nnlab/registrar.hpp"

namespace nnlab::augmentations {

void register_identity(Registrar& r);
void register_flip_x(Registrar& r);
void register_shear(Registrar& r);      // shear_x, shear_y
void register_translate(Registrar& r);  // translate_x, translate_y
void register_rotate(Registrar& r);
void register_invert(Registrar& r);
void register_auto_contrast(Registrar& r);
void register_equalize(Registrar& r);
void register_solarize(Registrar& r);
void register_posterize(Registrar& r);
void register_enhance(Registrar& r);  // contrast, brightness, sharpness, color (PIL ImageEnhance)
void register_cutout(Registrar& r);

/// The operation's value at `magnitude` when kMaxMagnitude gives `max`.
inline double level(double magnitude, double max) {
  return magnitude / Augmentation::kMaxMagnitude * max;
}

/// +1 or -1 with equal odds: the paper's code negates a signed operation's level half the time.
inline double random_sign(Rng& rng) { return (rng() >> 63) != 0 ? -1.0 : 1.0; }

inline float clamp_to(const ImageView& image, double value) {
  return static_cast<float>(
      std::clamp(value, static_cast<double>(image.low), static_cast<double>(image.high)));
}

/// A pixel value as one of the 256 levels of an 8-bit image (PIL's equalize and posterize work on
/// those), and back.
inline int to_level(const ImageView& image, float value) {
  const double range = static_cast<double>(image.high) - image.low;
  const double q = range > 0 ? (value - image.low) / range * 255.0 : 0.0;
  return static_cast<int>(std::clamp(std::lround(q), 0L, 255L));
}
inline float from_level(const ImageView& image, int level) {
  return static_cast<float>(image.low +
                            (static_cast<double>(image.high) - image.low) * level / 255.0);
}

}  // namespace nnlab::augmentations
