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

/// An image's values as the 256 levels of an 8-bit image (PIL's equalize and posterize work on
/// those), and back: the nearest level, the range's ends at 0 and 255.
class Levels {
 public:
  explicit Levels(const ImageView& image)
      : low_(image.low),
        step_((static_cast<double>(image.high) - image.low) / 255.0),
        per_level_(step_ > 0 ? 1.0 / step_ : 0.0) {}
  int of(float value) const {
    // Rounds half up, as std::lround does for these non-negative values, without its call.
    const double q = (value - low_) * per_level_ + 0.5;
    return q <= 0 ? 0 : q >= 255 ? 255 : static_cast<int>(q);
  }
  float value(int level) const { return static_cast<float>(low_ + step_ * level); }

 private:
  double low_, step_, per_level_;
};

}  // namespace nnlab::augmentations
