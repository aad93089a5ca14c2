#include "geometry.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "nnlab/params.hpp"

namespace nnlab::augmentations {

Resampling::Resampling(const Params& params)
    : interpolation(params.string("interpolation") == "bilinear" ? Interpolation::bilinear
                                                                 : Interpolation::nearest),
      fill(params.number("fill")) {}

Schema& Resampling::declare(Schema& schema) {
  return schema
      .choice("interpolation", "nearest", {"nearest", "bilinear"},
              "how a moved pixel is read (the paper: nearest)")
      .number("fill", 0.0, "value where the input has none, 0 black .. 1 white (PIL: 0)")
      .min(0)
      .max(1);
}

void warp_affine(const ImageView& image, const std::array<double, 6>& m,
                 const Resampling& resampling, std::span<float> scratch) {
  const std::int64_t w = image.width, h = image.height, plane = image.plane();
  std::memcpy(scratch.data(), image.data,
              static_cast<std::size_t>(image.channels * plane) * sizeof(float));
  const float fill = static_cast<float>(image.low + resampling.fill * (image.high - image.low));
  for (std::int64_t y = 0; y < h; ++y) {
    const double cy = static_cast<double>(y) + 0.5;
    for (std::int64_t x = 0; x < w; ++x) {
      const double cx = static_cast<double>(x) + 0.5;
      const double sx = m[0] * cx + m[1] * cy + m[2];
      const double sy = m[3] * cx + m[4] * cy + m[5];
      if (resampling.interpolation == Interpolation::nearest) {
        const double fx = std::floor(sx), fy = std::floor(sy);
        const bool inside =
            fx >= 0 && fy >= 0 && fx < static_cast<double>(w) && fy < static_cast<double>(h);
        const std::int64_t at =
            inside ? static_cast<std::int64_t>(fy) * w + static_cast<std::int64_t>(fx) : 0;
        for (std::int64_t c = 0; c < image.channels; ++c)
          image.channel(c)[y * w + x] =
              inside ? scratch[static_cast<std::size_t>(c * plane + at)] : fill;
        continue;
      }
      // Bilinear between the four pixel centres around (sx, sy).
      const double u = sx - 0.5, v = sy - 0.5;
      const double x0 = std::floor(u), y0 = std::floor(v);
      const double ax = u - x0, ay = v - y0;
      const double weights[4] = {(1 - ax) * (1 - ay), ax * (1 - ay), (1 - ax) * ay, ax * ay};
      const double xs[4] = {x0, x0 + 1, x0, x0 + 1}, ys[4] = {y0, y0, y0 + 1, y0 + 1};
      for (std::int64_t c = 0; c < image.channels; ++c) {
        double sum = 0;
        for (int k = 0; k < 4; ++k) {
          const bool inside = xs[k] >= 0 && ys[k] >= 0 && xs[k] < static_cast<double>(w) &&
                              ys[k] < static_cast<double>(h);
          const float value = inside ? scratch[static_cast<std::size_t>(
                                           c * plane + static_cast<std::int64_t>(ys[k]) * w +
                                           static_cast<std::int64_t>(xs[k]))]
                                     : fill;
          sum += weights[k] * value;
        }
        image.channel(c)[y * w + x] = static_cast<float>(sum);
      }
    }
  }
}

}  // namespace nnlab::augmentations
