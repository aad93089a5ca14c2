// The augmentations plugin's operations on small synthetic images against float64 references of
// their definitions (PIL's, as the AutoAugment paper's code calls them), written here from those
// definitions, not from the plugin's loops: geometric maps as complex numbers and sample
// coordinates, histograms level by level. Signed operations draw their sign: the output must match
// the reference for one of the two signs, and both signs must occur over seeds.
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <functional>
#include <map>
#include <set>

#include "test_support.hpp"

namespace nnlab {
namespace {

using Image = std::vector<double>;  // C × H × W, C-H-W order

struct Img {
  Img(std::int64_t channels, std::int64_t height, std::int64_t width, double lo = 0, double hi = 1)
      : c(channels), h(height), w(width), low(lo), high(hi) {}
  std::int64_t c, h, w;
  double low, high;
  std::int64_t size() const { return c * h * w; }
};

std::unique_ptr<Augmentation> make_op(const std::string& kind,
                                      const std::map<std::string, std::string>& params = {}) {
  ComponentSpec spec;
  spec.kind = kind;
  spec.path = "op";
  spec.params = Params("op", {});
  for (const auto& [key, text] : params) {
    ParamValue v;
    v.text = text;
    spec.params.set(key, v);
  }
  return test::builtin_host().create(test::builtin_host().registries().augmentations, spec, "op");
}

/// A test image: distinct values spread over the range, on the 8-bit grid when `grid`.
Image pattern(const Img& g, bool grid = true, int salt = 0) {
  Image x(static_cast<std::size_t>(g.size()));
  for (std::size_t i = 0; i < x.size(); ++i) {
    const int level = static_cast<int>((i * 37 + 11 + static_cast<std::size_t>(salt) * 101) % 256);
    const double fraction =
        grid ? level / 255.0 : std::fmod(0.137 * static_cast<double>(i) + 0.05, 1.0);
    // Values a float holds exactly, so an unchanged pixel compares equal.
    x[i] = static_cast<float>(g.low + fraction * (g.high - g.low));
  }
  return x;
}

/// Applies `op` at `magnitude` to `x` in float32, with engine seed `seed`.
Image run(const Augmentation& op, const Img& g, const Image& x, double magnitude,
          std::uint64_t seed = 7) {
  std::vector<float> data(x.begin(), x.end());
  std::vector<float> scratch(static_cast<std::size_t>(op.scratch_floats(Shape{g.c, g.h, g.w})));
  Rng rng(seed);
  op.apply({data.data(), g.c, g.h, g.w, static_cast<float>(g.low), static_cast<float>(g.high)},
           magnitude, rng, scratch);
  return Image(data.begin(), data.end());
}

double max_diff(const Image& a, const Image& b) {
  double d = 0;
  for (std::size_t i = 0; i < a.size(); ++i) d = std::max(d, std::fabs(a[i] - b[i]));
  return d;
}

double at(const Image& x, const Img& g, std::int64_t c, std::int64_t y, std::int64_t xx) {
  return x[static_cast<std::size_t>((c * g.h + y) * g.w + xx)];
}

/// The reference of a geometric map: each output pixel centre p (as x + iy) reads the input
/// where `source(p)` says, nearest pixel or bilinear, `fill` outside.
Image resample(const Image& x, const Img& g,
               const std::function<std::complex<double>(std::complex<double>)>& source,
               bool bilinear, double fill) {
  Image out(x.size());
  auto pixel = [&](std::int64_t c, double px, double py) {  // integer pixel indices as doubles
    if (px < 0 || py < 0 || px >= static_cast<double>(g.w) || py >= static_cast<double>(g.h))
      return fill;
    return at(x, g, c, static_cast<std::int64_t>(py), static_cast<std::int64_t>(px));
  };
  for (std::int64_t c = 0; c < g.c; ++c)
    for (std::int64_t y = 0; y < g.h; ++y)
      for (std::int64_t xx = 0; xx < g.w; ++xx) {
        const std::complex<double> s =
            source({static_cast<double>(xx) + 0.5, static_cast<double>(y) + 0.5});
        double v;
        if (!bilinear) {
          v = pixel(c, std::floor(s.real()), std::floor(s.imag()));
        } else {
          const double u = s.real() - 0.5, w = s.imag() - 0.5;
          const double i = std::floor(u), j = std::floor(w), a = u - i, b = w - j;
          v = pixel(c, i, j) * (1 - a) * (1 - b) + pixel(c, i + 1, j) * a * (1 - b) +
              pixel(c, i, j + 1) * (1 - a) * b + pixel(c, i + 1, j + 1) * a * b;
        }
        out[static_cast<std::size_t>((c * g.h + y) * g.w + xx)] = v;
      }
  return out;
}

/// Checks a signed geometric operation over seeds: each output is the reference for +level or
/// -level, and both occur.
void expect_signed(const Augmentation& op, const Img& g, const Image& x, double magnitude,
                   const std::function<Image(double sign)>& reference) {
  std::set<int> signs;
  const Image plus = reference(1), minus = reference(-1);
  ASSERT_GT(max_diff(plus, minus), 0.1) << "the test needs a magnitude that shows the sign";
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    const Image out = run(op, g, x, magnitude, seed);
    const double dp = max_diff(out, plus), dm = max_diff(out, minus);
    EXPECT_LT(std::min(dp, dm), 1e-5) << "seed " << seed;
    signs.insert(dp < dm ? 1 : -1);
  }
  EXPECT_EQ(signs.size(), 2u) << "12 seeds should draw both signs";
}

TEST(Augmentation, EveryOperationOfThePaperIsRegistered) {
  for (const char* op : {"identity", "flip_x", "shear_x", "shear_y", "translate_x", "translate_y",
                         "rotate", "invert", "auto_contrast", "equalize", "solarize", "posterize",
                         "contrast", "brightness", "sharpness", "color", "cutout"})
    EXPECT_TRUE(test::builtin_host().registries().augmentations.contains(op)) << op;
}

TEST(Augmentation, ShearXAndShearYAboutTheTopLeftCorner) {
  const Img g{2, 7, 9};
  const Image x = pattern(g);
  const double m = 7, s = 0.3 * m / 10;
  expect_signed(*make_op("shear_x"), g, x, m, [&](double sign) {
    return resample(
        x, g, [&](std::complex<double> p) { return p + sign * s * p.imag(); }, false, 0);
  });
  expect_signed(*make_op("shear_y"), g, x, m, [&](double sign) {
    return resample(
        x, g,
        [&](std::complex<double> p) { return p + std::complex<double>(0, sign * s * p.real()); },
        false, 0);
  });
}

TEST(Augmentation, TranslateByAFractionOfTheSize) {
  const Img g{1, 8, 10};
  const Image x = pattern(g);
  const double m = 5;
  expect_signed(*make_op("translate_x"), g, x, m, [&](double sign) {
    return resample(
        x, g, [&](std::complex<double> p) { return p + sign * 0.5 * 10.0 * 150.0 / 331; }, false,
        0);
  });
  expect_signed(*make_op("translate_y", {{"fill", "1"}}), g, x, m, [&](double sign) {
    return resample(
        x, g,
        [&](std::complex<double> p) {
          return p + std::complex<double>(0, sign * 0.5 * 8.0 * 150.0 / 331);
        },
        false, 1.0);
  });
}

TEST(Augmentation, RotateAboutTheCentreNearestAndBilinear) {
  const Img g{1, 9, 11};
  const Image x = pattern(g, false);
  const double m = 7, degrees = 30 * m / 10;
  const std::complex<double> centre(11 / 2.0, 9 / 2.0);
  for (bool bilinear : {false, true}) {
    SCOPED_TRACE(bilinear ? "bilinear" : "nearest");
    auto op =
        make_op("rotate", {{"interpolation", bilinear ? "bilinear" : "nearest"}, {"fill", "0.25"}});
    expect_signed(*op, g, x, m, [&](double sign) {
      // Counter-clockwise on screen (y down) by a: the output point p reads the input at
      // centre + (p - centre)·e^{ia}.
      const std::complex<double> turn = std::polar(1.0, sign * degrees * M_PI / 180);
      return resample(
          x, g, [&](std::complex<double> p) { return centre + (p - centre) * turn; }, bilinear,
          0.25);
    });
  }
}

TEST(Augmentation, RotateCounterClockwiseMovesTheRightEdgeUp) {
  // A 90-degree turn (max 90, magnitude 10) of an image with only its middle row's right end lit:
  // counter-clockwise it goes to the top of the middle column, clockwise to the bottom.
  const Img g{1, 5, 5};
  Image x(25, 0.0);
  x[2 * 5 + 4] = 1.0;
  auto op = make_op("rotate", {{"max", "90"}});
  std::set<std::int64_t> lit;
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    const Image out = run(*op, g, x, 10, seed);
    for (std::int64_t i = 0; i < 25; ++i)
      if (out[static_cast<std::size_t>(i)] > 0.5) lit.insert(i);
  }
  EXPECT_EQ(lit, (std::set<std::int64_t>{0 * 5 + 2, 4 * 5 + 2}));
}

TEST(Augmentation, FlipXMirrorsEachRow) {
  const Img g{3, 4, 5};
  const Image x = pattern(g), out = run(*make_op("flip_x"), g, x, 0);
  for (std::int64_t c = 0; c < 3; ++c)
    for (std::int64_t y = 0; y < 4; ++y)
      for (std::int64_t i = 0; i < 5; ++i) EXPECT_EQ(at(out, g, c, y, i), at(x, g, c, y, 4 - i));
}

TEST(Augmentation, IdentityInvertAndSolarizeInAnyRange) {
  for (const Img g : {Img{1, 6, 6, 0, 1}, Img{2, 5, 4, 0, 255}, Img{1, 4, 4, -1, 3}}) {
    const Image x = pattern(g);
    EXPECT_EQ(max_diff(run(*make_op("identity"), g, x, 10), x), 0);
    Image inverted(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) inverted[i] = g.high - (x[i] - g.low);
    EXPECT_LT(max_diff(run(*make_op("invert"), g, x, 3), inverted), 1e-4 * (g.high - g.low));
    for (double m : {0.0, 2.5, 6.0, 10.0}) {
      // PIL: pixels p >= 256 - int(25.6 m)... as a continuous threshold on the 0..255 scale.
      Image expected = x;
      const double threshold = 256.0 * (1 - m / 10);
      for (std::size_t i = 0; i < x.size(); ++i) {
        const double p = (x[i] - g.low) / (g.high - g.low) * 255.0;
        if (p >= threshold) expected[i] = g.low + g.high - x[i];
      }
      EXPECT_LT(max_diff(run(*make_op("solarize"), g, x, m), expected), 1e-4 * (g.high - g.low))
          << m;
    }
    EXPECT_EQ(max_diff(run(*make_op("solarize"), g, x, 0), x), 0) << "magnitude 0 inverts nothing";
  }
}

TEST(Augmentation, PosterizeKeepsTheTopBits) {
  const Img g{1, 8, 8};
  const Image x = pattern(g);
  for (int m : {0, 3, 5, 8, 10}) {
    const int bits = 8 - static_cast<int>(std::lround(4.0 * m / 10));
    Image expected(x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
      const long p = std::lround(x[i] * 255);
      const long unit = 1L << (8 - bits);
      expected[i] = static_cast<double>(p / unit * unit) / 255.0;
    }
    EXPECT_LT(max_diff(run(*make_op("posterize"), g, x, m), expected), 1e-6) << m;
  }
}

TEST(Augmentation, AutoContrastStretchesEachChannel) {
  const Img g{2, 5, 6};
  Image x = pattern(g, false);
  for (double& v : x) v = 0.2 + 0.5 * v;             // channel values within [0.2, 0.7]
  for (std::size_t i = 30; i < 60; ++i) x[i] = 0.4;  // the second channel constant
  const Image out = run(*make_op("auto_contrast"), g, x, 0);
  double lo = 1, hi = 0;
  for (std::size_t i = 0; i < 30; ++i) lo = std::min(lo, x[i]), hi = std::max(hi, x[i]);
  for (std::size_t i = 0; i < 30; ++i) EXPECT_NEAR(out[i], (x[i] - lo) / (hi - lo), 1e-5);
  for (std::size_t i = 30; i < 60; ++i) EXPECT_EQ(out[i], static_cast<float>(0.4));
}

TEST(Augmentation, EqualizeAsPil) {
  // 3 channels of 12 x 30 = 360 pixels, levels skewed so the cumulative counts matter.
  const Img g{3, 12, 30};
  Image x(static_cast<std::size_t>(g.size()));
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double u = std::fmod(static_cast<double>(i) * 0.618034, 1.0);
    x[i] = std::floor(255 * u * u * (i < 360 ? 1.0 : 0.5)) / 255.0;
  }
  for (std::size_t i = 720; i < 1080; ++i) x[i] = (i % 2 ? 9.0 : 200.0) / 255;  // 2 levels
  const Image out = run(*make_op("equalize"), g, x, 0);
  for (std::int64_t c = 0; c < 3; ++c) {
    // PIL ImageOps.equalize: step = (pixels - count of the highest level present) // 255; level
    // i maps to (pixels below level i + step // 2) // step, at most 255.
    std::vector<long> count(256, 0);
    for (std::int64_t i = 0; i < 360; ++i)
      ++count[static_cast<std::size_t>(
          std::lround(x[static_cast<std::size_t>(c * 360 + i)] * 255))];
    long highest = 0;
    for (int v = 255; v >= 0 && highest == 0; --v) highest = count[static_cast<std::size_t>(v)];
    const long step = (360 - highest) / 255;
    for (std::int64_t i = 0; i < 360; ++i) {
      const std::size_t idx = static_cast<std::size_t>(c * 360 + i);
      const long level = std::lround(x[idx] * 255);
      if (step == 0) {
        EXPECT_EQ(out[idx], static_cast<float>(x[idx]));
        continue;
      }
      long below = 0;
      for (long v = 0; v < level; ++v) below += count[static_cast<std::size_t>(v)];
      EXPECT_NEAR(out[idx], static_cast<double>(std::min(255L, (below + step / 2) / step)) / 255.0,
                  1e-6)
          << c << " " << i;
    }
  }
}

TEST(Augmentation, EqualizeSpreadsManyPixels) {
  // 64 x 64 = 4096 pixels on 8 dark levels: step 14, so the levels spread over the range.
  const Img g{1, 64, 64};
  Image x(4096);
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<double>(i % 8) / 255;
  const Image out = run(*make_op("equalize"), g, x, 0);
  std::vector<long> count(256, 0);
  for (double v : x) ++count[static_cast<std::size_t>(std::lround(v * 255))];
  const long step = (4096 - count[7]) / 255;
  for (std::size_t i = 0; i < 16; ++i) {
    const long level = std::lround(x[i] * 255);
    long below = 0;
    for (long v = 0; v < level; ++v) below += count[static_cast<std::size_t>(v)];
    EXPECT_NEAR(out[i], static_cast<double>(std::min(255L, (below + step / 2) / step)) / 255.0,
                1e-6);
  }
  EXPECT_GT(out[7], 0.8);
}

TEST(Augmentation, EnhanceOperationsBlendWithTheirDegenerateImage) {
  const Img g{3, 6, 7};
  const Image x = pattern(g, false);
  const std::int64_t plane = 42;
  auto grey = [&](std::int64_t i) {
    return 0.299 * x[static_cast<std::size_t>(i)] + 0.587 * x[static_cast<std::size_t>(plane + i)] +
           0.114 * x[static_cast<std::size_t>(2 * plane + i)];
  };
  auto blend = [](double degenerate, double v, double f) {
    return std::clamp(degenerate + f * (v - degenerate), 0.0, 1.0);
  };
  const double m = 6, step = 0.9 * m / 10;
  for (const char* kind : {"brightness", "contrast", "color", "sharpness"}) {
    SCOPED_TRACE(kind);
    const std::string name = kind;
    expect_signed(*make_op(kind), g, x, m, [&](double sign) {
      const double f = 1 + sign * step;
      Image out = x;
      double mean = 0;
      for (std::int64_t i = 0; i < plane; ++i) mean += grey(i) / static_cast<double>(plane);
      for (std::int64_t c = 0; c < 3; ++c)
        for (std::int64_t y = 0; y < g.h; ++y)
          for (std::int64_t i = 0; i < g.w; ++i) {
            const double v = at(x, g, c, y, i);
            double degenerate = 0;
            if (name == "brightness") degenerate = 0;
            if (name == "contrast") degenerate = mean;
            if (name == "color") degenerate = grey(y * g.w + i);
            if (name == "sharpness") {
              if (y == 0 || i == 0 || y == g.h - 1 || i == g.w - 1) continue;  // PIL keeps borders
              const double kernel[3][3] = {{1, 1, 1}, {1, 5, 1}, {1, 1, 1}};
              for (int dy = -1; dy <= 1; ++dy)
                for (int dx = -1; dx <= 1; ++dx)
                  degenerate += kernel[dy + 1][dx + 1] * at(x, g, c, y + dy, i + dx) / 13;
            }
            out[static_cast<std::size_t>((c * g.h + y) * g.w + i)] = blend(degenerate, v, f);
          }
      return out;
    });
  }
  // One channel has no colour: `color` leaves it alone.
  const Img grey_image{1, 5, 5};
  const Image y = pattern(grey_image);
  EXPECT_EQ(max_diff(run(*make_op("color"), grey_image, y, 10), y), 0);
}

TEST(Augmentation, MagnitudeZeroLeavesSignedOperationsAlone) {
  const Img g{1, 6, 8};
  const Image x = pattern(g, false);
  for (const char* kind : {"shear_x", "shear_y", "translate_x", "translate_y", "rotate", "contrast",
                           "brightness", "sharpness", "posterize", "cutout"})
    EXPECT_LT(max_diff(run(*make_op(kind), g, x, 0), x), 1e-6) << kind;
}

TEST(Augmentation, CutoutFillsOneClippedSquare) {
  const Img g{2, 16, 12};
  Image x(static_cast<std::size_t>(g.size()));
  for (std::size_t i = 0; i < x.size(); ++i)
    x[i] = 0.6 + 0.3 * std::fmod(0.37 * static_cast<double>(i), 1.0);
  const double m = 8;
  const std::int64_t side = static_cast<std::int64_t>(m / 10 * (20.0 / 32) * 12), half = side / 2;
  std::set<std::pair<std::int64_t, std::int64_t>> corners;
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const Image out = run(*make_op("cutout", {{"fill", "0.25"}}), g, x, m, seed);
    // The changed pixels, the same in both channels, must be the clipped square around some pixel.
    std::set<std::pair<std::int64_t, std::int64_t>> changed;
    for (std::int64_t y = 0; y < g.h; ++y)
      for (std::int64_t i = 0; i < g.w; ++i) {
        const bool a = at(out, g, 0, y, i) != static_cast<float>(at(x, g, 0, y, i));
        const bool b = at(out, g, 1, y, i) != static_cast<float>(at(x, g, 1, y, i));
        EXPECT_EQ(a, b);
        if (a) {
          changed.insert({y, i});
          EXPECT_EQ(at(out, g, 0, y, i), 0.25);
        }
      }
    bool found = false;
    for (std::int64_t cy = 0; cy < g.h && !found; ++cy)
      for (std::int64_t cx = 0; cx < g.w && !found; ++cx) {
        std::set<std::pair<std::int64_t, std::int64_t>> square;
        for (std::int64_t y = cy - half; y < cy + half; ++y)
          for (std::int64_t i = cx - half; i < cx + half; ++i)
            if (y >= 0 && i >= 0 && y < g.h && i < g.w) square.insert({y, i});
        if (square == changed) found = true, corners.insert({cy, cx});
      }
    EXPECT_TRUE(found) << "seed " << seed << ": " << changed.size() << " pixels changed";
  }
  EXPECT_GT(corners.size(), 5u) << "the square's place is drawn";
}

TEST(Augmentation, SameEngineSeedSameImage) {
  const Img g{1, 9, 9};
  const Image x = pattern(g, false);
  for (const auto& [kind, _] : test::builtin_host().registries().augmentations.entries()) {
    auto op = make_op(kind);
    EXPECT_EQ(run(*op, g, x, 6.5, 42), run(*op, g, x, 6.5, 42)) << kind;
  }
}

}  // namespace
}  // namespace nnlab
