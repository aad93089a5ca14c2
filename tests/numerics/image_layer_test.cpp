// The image layers (conv2d, max_pool, avg_pool, global_avg_pool, flatten, batch norm per channel):
// oneDNN's forward and backward against float64 reference loops, written here from the
// definitions, and those loops' backward against central differences, over shapes that hit the
// edges (stride > 1, padding, dilation, groups, odd sizes, 1x1 kernels, batch 1). Shape errors
// name the node's line and both shapes.
#include <gtest/gtest.h>

#include "graph.hpp"
#include "reference.hpp"
#include "test_support.hpp"

namespace nnlab {
namespace {

using ref::Mat;

struct Built {
  std::unique_ptr<Layer> layer;
  Shape out;
};

Built make_layer(const std::string& component, const Shape& in, std::uint64_t seed = 11) {
  const std::string yaml = "name: l\ndata: {kind: synthetic}\nmodel: {layers: [" + component +
                           "], loss: {kind: mse}}\noptimizer: {kind: sgd}\ntrain: {epochs: 1}\n";
  const auto spec = parse_experiment(yaml, "l.yaml");
  Built b;
  b.layer = test::builtin_host().create(test::builtin_host().registries().layers,
                                        spec.model.nodes.at(0).layer);
  Rng rng(seed);
  LayerBuild build{"l", {in}, {in.size()}, &rng, seed};
  b.out = b.layer->build(build);
  return b;
}

struct Pass {
  Matrix x, y, dy, dx;
};

Pass run(Built& l, const Shape& in, std::int64_t batch, std::uint64_t seed = 5) {
  std::mt19937_64 rng(seed);
  Pass p{Matrix(batch, in.size()), Matrix(batch, l.out.size()), Matrix(batch, l.out.size()),
         Matrix(batch, in.size())};
  ref::randomize(p.x, rng);
  ref::randomize(p.dy, rng);
  Compute compute = Compute::make();
  const ConstMatrixView inputs[] = {p.x.view()};
  l.layer->forward(compute, inputs, p.y.view(), Mode::train);
  const MatrixView grads[] = {p.dx.view()};
  l.layer->backward(compute, inputs, p.y.view(), p.dy.view(), grads);
  return p;
}

// ---- float64 references, straight from the definitions ----

struct ConvGeometry {
  std::int64_t c, h, w, filters, k, stride, pad, dilation, groups;
  std::int64_t oh() const { return (h + 2 * pad - ((k - 1) * dilation + 1)) / stride + 1; }
  std::int64_t ow() const { return (w + 2 * pad - ((k - 1) * dilation + 1)) / stride + 1; }
  std::int64_t per_group_in() const { return c / groups; }
  std::int64_t per_group_out() const { return filters / groups; }
};

/// Calls f(n, o, oy, ox, i, ky, kx, iy, ix) for every tap that lands inside the input.
template <class F>
void for_each_tap(const ConvGeometry& g, std::int64_t batch, F&& f) {
  for (std::int64_t n = 0; n < batch; ++n)
    for (std::int64_t o = 0; o < g.filters; ++o)
      for (std::int64_t oy = 0; oy < g.oh(); ++oy)
        for (std::int64_t ox = 0; ox < g.ow(); ++ox)
          for (std::int64_t i = 0; i < g.per_group_in(); ++i)
            for (std::int64_t ky = 0; ky < g.k; ++ky)
              for (std::int64_t kx = 0; kx < g.k; ++kx) {
                const std::int64_t iy = oy * g.stride - g.pad + ky * g.dilation;
                const std::int64_t ix = ox * g.stride - g.pad + kx * g.dilation;
                if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) continue;
                f(n, o, oy, ox, i, ky, kx, iy, ix);
              }
}

struct ConvRef {
  const ConvGeometry& g;
  std::int64_t x_at(std::int64_t o, std::int64_t i, std::int64_t iy, std::int64_t ix) const {
    const std::int64_t channel = (o / g.per_group_out()) * g.per_group_in() + i;
    return (channel * g.h + iy) * g.w + ix;
  }
  std::int64_t w_at(std::int64_t o, std::int64_t i, std::int64_t ky, std::int64_t kx) const {
    return ((o * g.per_group_in() + i) * g.k + ky) * g.k + kx;
  }
  std::int64_t y_at(std::int64_t o, std::int64_t oy, std::int64_t ox) const {
    return (o * g.oh() + oy) * g.ow() + ox;
  }

  Mat forward(const Mat& x, const Mat& w, const Mat* b) const {
    Mat y(x.rows, g.filters * g.oh() * g.ow());
    for (std::int64_t n = 0; n < x.rows; ++n)
      for (std::int64_t o = 0; o < g.filters; ++o)
        for (std::int64_t j = 0; j < g.oh() * g.ow(); ++j)
          y(n, o * g.oh() * g.ow() + j) = b ? (*b)(0, o) : 0.0;
    for_each_tap(g, x.rows,
                 [&](auto n, auto o, auto oy, auto ox, auto i, auto ky, auto kx, auto iy, auto ix) {
                   y(n, y_at(o, oy, ox)) += w(0, w_at(o, i, ky, kx)) * x(n, x_at(o, i, iy, ix));
                 });
    return y;
  }

  void backward(const Mat& x, const Mat& w, const Mat& dy, Mat& dx, Mat& dw, Mat& db) const {
    dx = Mat(x.rows, x.cols);
    dw = Mat(1, w.cols);
    db = Mat(1, g.filters);
    for (std::int64_t n = 0; n < x.rows; ++n)
      for (std::int64_t o = 0; o < g.filters; ++o)
        for (std::int64_t j = 0; j < g.oh() * g.ow(); ++j)
          db(0, o) += dy(n, o * g.oh() * g.ow() + j);
    for_each_tap(g, x.rows,
                 [&](auto n, auto o, auto oy, auto ox, auto i, auto ky, auto kx, auto iy, auto ix) {
                   const double d = dy(n, y_at(o, oy, ox));
                   dw(0, w_at(o, i, ky, kx)) += d * x(n, x_at(o, i, iy, ix));
                   dx(n, x_at(o, i, iy, ix)) += d * w(0, w_at(o, i, ky, kx));
                 });
  }
};

/// Flattens a parameter matrix into one row, the layout the references index.
Mat row_of(const Matrix& m) {
  Mat out(1, m.size());
  for (std::int64_t i = 0; i < m.size(); ++i) out.v[static_cast<std::size_t>(i)] = m.data()[i];
  return out;
}

double dot(const Mat& a, const Mat& b) {
  double s = 0;
  for (std::size_t i = 0; i < a.v.size(); ++i) s += a.v[i] * b.v[i];
  return s;
}

/// Central differences of L = <f(x), dy> with respect to every element of `at`.
template <class F>
Mat numeric_gradient(Mat& at, const Mat& dy, F&& f, double h = 1e-6) {
  Mat grad(at.rows, at.cols);
  for (std::size_t i = 0; i < at.v.size(); ++i) {
    const double keep = at.v[i];
    at.v[i] = keep + h;
    const double plus = dot(f(), dy);
    at.v[i] = keep - h;
    const double minus = dot(f(), dy);
    at.v[i] = keep;
    grad.v[i] = (plus - minus) / (2 * h);
  }
  return grad;
}

double largest_difference(const Mat& a, const Mat& b) {
  double d = 0;
  for (std::size_t i = 0; i < a.v.size(); ++i) d = std::max(d, std::abs(a.v[i] - b.v[i]));
  return d;
}

std::string conv_yaml(const ConvGeometry& g, bool bias) {
  return "{kind: conv2d, filters: " + std::to_string(g.filters) +
         ", kernel: " + std::to_string(g.k) + ", stride: " + std::to_string(g.stride) +
         ", padding: " + std::to_string(g.pad) + ", dilation: " + std::to_string(g.dilation) +
         ", groups: " + std::to_string(g.groups) + ", bias: " + (bias ? "true" : "false") + "}";
}

class Conv2dCases : public ::testing::TestWithParam<std::tuple<ConvGeometry, std::int64_t, bool>> {
};

TEST_P(Conv2dCases, MatchesTheReferenceWhoseBackwardMatchesFiniteDifferences) {
  const auto& [g, batch, bias] = GetParam();
  const Shape in{g.c, g.h, g.w};
  Built l = make_layer(conv_yaml(g, bias), in);
  ASSERT_EQ(l.out, (Shape{g.filters, g.oh(), g.ow()}));
  auto params = l.layer->parameters();
  ASSERT_EQ(params.size(), bias ? 2u : 1u);
  std::mt19937_64 rng(3);
  if (bias) ref::randomize(params[1]->value, rng);
  const Pass p = run(l, in, batch);
  const ConvRef conv{g};
  Mat x = ref::from(p.x), w = row_of(params[0]->value);
  const Mat b = bias ? row_of(params[1]->value) : Mat();
  const Mat dy = ref::from(p.dy);
  EXPECT_LT(ref::relative_error(p.y, conv.forward(x, w, bias ? &b : nullptr)), 1e-5);
  Mat dx, dw, db;
  conv.backward(x, w, dy, dx, dw, db);
  EXPECT_LT(ref::relative_error(p.dx, dx), 1e-5);
  Matrix grad_w(1, params[0]->grad.size());
  std::copy(params[0]->grad.data(), params[0]->grad.data() + grad_w.size(), grad_w.data());
  EXPECT_LT(ref::relative_error(grad_w, dw), 1e-5);
  if (bias) {
    EXPECT_LT(ref::relative_error(params[1]->grad, db), 1e-5);
  }
  // The reference's backward against central differences of <conv(x, w), dy>.
  const Mat* bp = bias ? &b : nullptr;
  EXPECT_LT(largest_difference(numeric_gradient(x, dy, [&] { return conv.forward(x, w, bp); }), dx),
            1e-7);
  EXPECT_LT(largest_difference(numeric_gradient(w, dy, [&] { return conv.forward(x, w, bp); }), dw),
            1e-7);
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, Conv2dCases,
    ::testing::Values(
        // c, h, w, filters, k, stride, pad, dilation, groups; batch; bias
        std::make_tuple(ConvGeometry{1, 8, 8, 3, 5, 1, 0, 1, 1}, 2, true),   // SimpleConvNet's
        std::make_tuple(ConvGeometry{3, 7, 6, 4, 3, 2, 1, 1, 1}, 2, true),   // stride 2, odd sizes
        std::make_tuple(ConvGeometry{4, 5, 5, 6, 1, 1, 0, 1, 2}, 1, true),   // 1x1, groups, batch 1
        std::make_tuple(ConvGeometry{2, 9, 8, 3, 3, 1, 2, 2, 1}, 2, false),  // dilation, no bias
        std::make_tuple(ConvGeometry{2, 5, 7, 2, 3, 3, 1, 1, 2}, 3, true)));  // stride 3, groups

// ---- pooling ----

enum class PoolKind { max, average, global };

struct PoolGeometry {
  PoolKind kind;
  std::int64_t c, h, w, k, stride, pad;
  std::int64_t oh() const { return kind == PoolKind::global ? 1 : (h + 2 * pad - k) / stride + 1; }
  std::int64_t ow() const { return kind == PoolKind::global ? 1 : (w + 2 * pad - k) / stride + 1; }
};

/// Pooling reference. Average counts padding as zeros (divides by k*k); global: the whole plane.
Mat pool_forward(const PoolGeometry& g, const Mat& x) {
  Mat y(x.rows, g.c * g.oh() * g.ow());
  const std::int64_t kh = g.kind == PoolKind::global ? g.h : g.k;
  const std::int64_t kw = g.kind == PoolKind::global ? g.w : g.k;
  for (std::int64_t n = 0; n < x.rows; ++n)
    for (std::int64_t c = 0; c < g.c; ++c)
      for (std::int64_t oy = 0; oy < g.oh(); ++oy)
        for (std::int64_t ox = 0; ox < g.ow(); ++ox) {
          double best = -1e300, sum = 0;
          for (std::int64_t ky = 0; ky < kh; ++ky)
            for (std::int64_t kx = 0; kx < kw; ++kx) {
              const std::int64_t iy = oy * g.stride - g.pad + ky, ix = ox * g.stride - g.pad + kx;
              if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) continue;
              const double v = x(n, (c * g.h + iy) * g.w + ix);
              best = std::max(best, v);
              sum += v;
            }
          y(n, (c * g.oh() + oy) * g.ow() + ox) =
              g.kind == PoolKind::max ? best : sum / static_cast<double>(kh * kw);
        }
  return y;
}

Mat pool_backward(const PoolGeometry& g, const Mat& x, const Mat& dy) {
  Mat dx(x.rows, x.cols);
  const std::int64_t kh = g.kind == PoolKind::global ? g.h : g.k;
  const std::int64_t kw = g.kind == PoolKind::global ? g.w : g.k;
  for (std::int64_t n = 0; n < x.rows; ++n)
    for (std::int64_t c = 0; c < g.c; ++c)
      for (std::int64_t oy = 0; oy < g.oh(); ++oy)
        for (std::int64_t ox = 0; ox < g.ow(); ++ox) {
          const double d = dy(n, (c * g.oh() + oy) * g.ow() + ox);
          std::int64_t arg = -1;
          double best = -1e300;
          for (std::int64_t ky = 0; ky < kh; ++ky)
            for (std::int64_t kx = 0; kx < kw; ++kx) {
              const std::int64_t iy = oy * g.stride - g.pad + ky, ix = ox * g.stride - g.pad + kx;
              if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w) continue;
              const std::int64_t at = (c * g.h + iy) * g.w + ix;
              if (g.kind == PoolKind::max) {
                if (x(n, at) > best) {
                  best = x(n, at);
                  arg = at;
                }
              } else {
                dx(n, at) += d / static_cast<double>(kh * kw);
              }
            }
          if (g.kind == PoolKind::max) dx(n, arg) += d;
        }
  return dx;
}

std::string pool_yaml(const PoolGeometry& g) {
  if (g.kind == PoolKind::global) return "{kind: global_avg_pool}";
  return std::string("{kind: ") + (g.kind == PoolKind::max ? "max_pool" : "avg_pool") +
         ", kernel: " + std::to_string(g.k) + ", stride: " + std::to_string(g.stride) +
         ", padding: " + std::to_string(g.pad) + "}";
}

class PoolingCases : public ::testing::TestWithParam<std::tuple<PoolGeometry, std::int64_t>> {};

TEST_P(PoolingCases, MatchesTheReferenceWhoseBackwardMatchesFiniteDifferences) {
  const auto& [g, batch] = GetParam();
  const Shape in{g.c, g.h, g.w};
  Built l = make_layer(pool_yaml(g), in);
  ASSERT_EQ(l.out, (Shape{g.c, g.oh(), g.ow()}));
  const Pass p = run(l, in, batch);
  Mat x = ref::from(p.x);
  const Mat dy = ref::from(p.dy);
  EXPECT_LT(ref::relative_error(p.y, pool_forward(g, x)), 1e-6);
  const Mat dx = pool_backward(g, x, dy);
  EXPECT_LT(ref::relative_error(p.dx, dx), 1e-6);
  EXPECT_LT(largest_difference(numeric_gradient(x, dy, [&] { return pool_forward(g, x); }), dx),
            1e-7);
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, PoolingCases,
    ::testing::Values(
        // kind, c, h, w, k, stride, pad; batch
        std::make_tuple(PoolGeometry{PoolKind::max, 3, 6, 7, 2, 2, 0}, 2),  // odd width: tail cut
        std::make_tuple(PoolGeometry{PoolKind::max, 2, 7, 7, 3, 2, 1}, 1),  // overlap, padding
        std::make_tuple(PoolGeometry{PoolKind::average, 3, 6, 6, 2, 2, 0}, 2),
        std::make_tuple(PoolGeometry{PoolKind::average, 2, 5, 6, 3, 2, 1}, 2),  // padding as 0s
        std::make_tuple(PoolGeometry{PoolKind::global, 4, 5, 3, 0, 1, 0}, 3)));

TEST(Flatten, RelabelsTheShapeAndPassesNumbersAndGradientsThrough) {
  const Shape in{2, 3, 4};
  Built l = make_layer("{kind: flatten}", in);
  EXPECT_EQ(l.out, Shape{24});
  const Pass p = run(l, in, 2);
  EXPECT_LT(ref::relative_error(p.y, ref::from(p.x)), 1e-12);
  EXPECT_LT(ref::relative_error(p.dx, ref::from(p.dy)), 1e-12);
}

TEST(BatchNormOnImages, NormalizesEachChannelOverBatchHeightAndWidth) {
  const Shape in{3, 4, 5};
  Built l = make_layer("{kind: batch_norm, epsilon: 1.0e-5}", in);
  EXPECT_EQ(l.out, in);
  const Pass p = run(l, in, 4);
  // gamma 1, beta 0 at the start: each channel of the output has mean 0 and variance ~1 over
  // the 4 x 4 x 5 values it holds, and one gamma and beta per channel.
  for (std::int64_t c = 0; c < 3; ++c) {
    double sum = 0, sum_sq = 0;
    for (std::int64_t n = 0; n < 4; ++n)
      for (std::int64_t j = 0; j < 20; ++j) {
        const double v = p.y.at(n, c * 20 + j);
        sum += v;
        sum_sq += v * v;
      }
    EXPECT_NEAR(sum / 80, 0.0, 1e-5) << "channel " << c;
    EXPECT_NEAR(sum_sq / 80, 1.0, 1e-3) << "channel " << c;
  }
  ASSERT_EQ(l.layer->parameters().size(), 2u);
  EXPECT_EQ(l.layer->parameters()[0]->value.size(), 3);
}

// ---- shapes through the graph ----

std::string graph_error(const std::string& layers, const Shape& data) {
  const std::string yaml = "name: g\ndata: {kind: synthetic}\nmodel:\n  layers:\n" + layers +
                           "  loss: {kind: softmax_cross_entropy}\noptimizer: {kind: sgd}\n"
                           "train: {epochs: 1}\n";
  const auto spec = parse_experiment(yaml, "g.yaml");
  return test::error_of([&] { Graph(spec.model, data, test::builtin_host(), 1); });
}

TEST(ImageShapes, ErrorsNameTheNodesLineAndBothShapes) {
  EXPECT_EQ(graph_error("    - {kind: conv2d, filters: 4, kernel: 5}\n", Shape{1, 4, 4}),
            "g.yaml:5:14: model.layers[0]: conv2d: a 5x5 window is larger than its input 1x4x4 "
            "padded by 0");
  EXPECT_EQ(
      graph_error("    - {kind: conv2d, filters: 4, kernel: 3, dilation: 3}\n", Shape{1, 6, 6}),
      "g.yaml:5:14: model.layers[0]: conv2d: a 7x7 (dilated) window is larger than its "
      "input 1x6x6 padded by 0");
  EXPECT_EQ(graph_error("    - {kind: max_pool, kernel: 2}\n    - {kind: max_pool, kernel: 2}\n",
                        Shape{2, 3, 3}),
            "g.yaml:6:14: model.layers[1]: max_pool: a 2x2 window is larger than its input 2x1x1 "
            "padded by 0");
  EXPECT_EQ(graph_error("    - {kind: conv2d, filters: 4, kernel: 3}\n", Shape{784}),
            "g.yaml:5:14: model.layers[0]: conv2d: needs images (channels x height x width), got "
            "784 features");
  EXPECT_EQ(graph_error("    - {kind: conv2d, filters: 4, kernel: 1, groups: 2}\n", Shape{3, 4, 4}),
            "g.yaml:5:14: model.layers[0]: conv2d: groups 2 must divide the input's 3 channels "
            "and the 4 filters");
  EXPECT_EQ(graph_error("    - {kind: conv2d, filters: 4, kernel: 3, name: a}\n"
                        "    - {kind: conv2d, filters: 4, kernel: 1, name: b, inputs: [input]}\n"
                        "    - {kind: add, inputs: [a, b]}\n",
                        Shape{1, 6, 6}),
            "g.yaml:7:14: model.layers[2]: add: every input must have the same shape, got 4x4x4 "
            "(input 1) and 4x6x6 (input 2)");
}

TEST(ImageShapes, DenseFlattensWhatItGetsAndTheGraphTracksEveryShape) {
  const std::string yaml =
      "name: g\ndata: {kind: synthetic}\nmodel:\n  layers:\n"
      "    - {kind: conv2d, filters: 30, kernel: 5, name: conv}\n"
      "    - {kind: relu, name: act}\n"
      "    - {kind: max_pool, kernel: 2, stride: 2, name: pool}\n"
      "    - {kind: dense, units: 10, name: out}\n"
      "  loss: {kind: softmax_cross_entropy}\noptimizer: {kind: sgd}\ntrain: {epochs: 1}\n";
  const auto spec = parse_experiment(yaml, "g.yaml");
  Graph graph(spec.model, Shape{1, 28, 28}, test::builtin_host(), 1);
  EXPECT_EQ(graph.node_shape("conv"), (Shape{30, 24, 24}));
  EXPECT_EQ(graph.node_shape("act"), (Shape{30, 24, 24}));
  EXPECT_EQ(graph.node_shape("pool"), (Shape{30, 12, 12}));
  EXPECT_EQ(graph.node_shape("out"), Shape{10});
  EXPECT_EQ(graph.parameters().at(2)->value.rows(), 30 * 12 * 12) << "dense sees 4320 inputs";
}

}  // namespace
}  // namespace nnlab
