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
  const double a = m[0], b = m[1], c0 = m[2], d = m[3], e = m[4], f0 = m[5];
  const double width = static_cast<double>(w), height = static_cast<double>(h);
  if (resampling.interpolation == Interpolation::nearest) {
    for (std::int64_t y = 0; y < h; ++y) {
      const double cy = static_cast<double>(y) + 0.5;
      for (std::int64_t x = 0; x < w; ++x) {
        const double cx = static_cast<double>(x) + 0.5;
        const double sx = a * cx + b * cy + c0, sy = d * cx + e * cy + f0;
        // Inside the image the coordinates are non-negative: truncation is the floor.
        const bool inside = sx >= 0 && sy >= 0 && sx < width && sy < height;
        const std::int64_t at =
            inside ? static_cast<std::int64_t>(sy) * w + static_cast<std::int64_t>(sx) : 0;
        for (std::int64_t c = 0; c < image.channels; ++c)
          image.data[c * plane + y * w + x] =
              inside ? scratch[static_cast<std::size_t>(c * plane + at)] : fill;
      }
    }
    return;
  }
  for (std::int64_t y = 0; y < h; ++y) {
    const double cy = static_cast<double>(y) + 0.5;
    for (std::int64_t x = 0; x < w; ++x) {
      const double cx = static_cast<double>(x) + 0.5;
      const double sx = a * cx + b * cy + c0, sy = d * cx + e * cy + f0;
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
