// The floor of a SimpleConvNet training step (experiments/simple_convnet.yaml): the oneDNN
// primitives one nnlab step executes, at the same shapes, timed alone in a loop with nothing
// around them. Each primitive gets the layouts it chooses (format_tag::any), so no reorder runs:
// what nnlab spends above this (reorders at the flatten boundary and of the conv weights, the
// loss gradient, bias gradients, Adam, gathering the batch) is its overhead.
//
//   build/bin/cnn_floor [--steps 300] [--batch 100]      (threads: OMP_NUM_THREADS)
//
// Prints milliseconds per step (best of 3 rounds); tests/bench/cnn_bench.py runs it beside nnlab
// and PyTorch and prints the ratio. The list mirrors DNNL_VERBOSE=1 of one nnlab step.
#include <oneapi/dnnl/dnnl.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;
using Args = std::unordered_map<int, memory>;

struct Step {
  dnnl::engine engine{dnnl::engine::kind::cpu, 0};
  dnnl::stream stream{engine};
  std::vector<std::pair<dnnl::primitive, Args>> calls;

  /// Memory of `desc`, filled with small random numbers (values do not change the time).
  memory make(const memory::desc& desc) {
    memory m(desc, engine);
    auto* p = static_cast<float*>(m.get_data_handle());
    std::mt19937 rng(7);
    std::uniform_real_distribution<float> u(-0.1f, 0.1f);
    for (std::size_t i = 0; i < desc.get_size() / sizeof(float); ++i) p[i] = u(rng);
    return m;
  }

  void run() {
    for (auto& [primitive, args] : calls) primitive.execute(stream, args);
    stream.wait();
  }
};

memory::desc any(const memory::dims& dims) { return memory::desc(dims, dt::f32, tag::any); }
memory::desc plain(const memory::dims& dims, tag t) { return memory::desc(dims, dt::f32, t); }

/// The dense layer's three matmuls on row-major matrices, as nnlab runs them.
void dense(Step& s, memory::dim batch, memory::dim in, memory::dim out, memory& x, memory& dx,
           bool need_dx, std::vector<std::pair<dnnl::primitive, Args>>& forward,
           std::vector<std::pair<dnnl::primitive, Args>>& backward, memory& y, memory& dy) {
  const auto x_md = plain({batch, in}, tag::ab), w_md = plain({in, out}, tag::ab),
             b_md = plain({1, out}, tag::ab), y_md = plain({batch, out}, tag::ab);
  memory w = s.make(w_md), b = s.make(b_md), dw = s.make(w_md);
  y = s.make(y_md);
  dy = s.make(y_md);
  dnnl::matmul fwd(
      dnnl::matmul::primitive_desc(dnnl::matmul::desc(x_md, w_md, b_md, y_md), s.engine));
  forward.push_back(
      {fwd, {{DNNL_ARG_SRC, x}, {DNNL_ARG_WEIGHTS, w}, {DNNL_ARG_BIAS, b}, {DNNL_ARG_DST, y}}});
  const auto xt_md = plain({in, batch}, tag::ba), wt_md = plain({out, in}, tag::ba);
  dnnl::matmul dw_mm(dnnl::matmul::primitive_desc(dnnl::matmul::desc(xt_md, y_md, w_md), s.engine));
  memory xt(xt_md, s.engine, x.get_data_handle());
  backward.push_back({dw_mm, {{DNNL_ARG_SRC, xt}, {DNNL_ARG_WEIGHTS, dy}, {DNNL_ARG_DST, dw}}});
  if (need_dx) {
    dnnl::matmul dx_mm(
        dnnl::matmul::primitive_desc(dnnl::matmul::desc(y_md, wt_md, x_md), s.engine));
    memory wt(wt_md, s.engine, w.get_data_handle());
    backward.push_back({dx_mm, {{DNNL_ARG_SRC, dy}, {DNNL_ARG_WEIGHTS, wt}, {DNNL_ARG_DST, dx}}});
  }
}

void relu(Step& s, const memory::desc& md, memory& x, memory& y, memory& dy, memory& dx,
          std::vector<std::pair<dnnl::primitive, Args>>& forward,
          std::vector<std::pair<dnnl::primitive, Args>>& backward) {
  const auto alg = dnnl::algorithm::eltwise_relu;
  const dnnl::eltwise_forward::primitive_desc fpd(
      dnnl::eltwise_forward::desc(dnnl::prop_kind::forward_training, alg, md, 0, 0), s.engine);
  forward.push_back({dnnl::eltwise_forward(fpd), {{DNNL_ARG_SRC, x}, {DNNL_ARG_DST, y}}});
  const dnnl::eltwise_backward::primitive_desc bpd(dnnl::eltwise_backward::desc(alg, md, md, 0, 0),
                                                   s.engine, fpd);
  backward.push_back({dnnl::eltwise_backward(bpd),
                      {{DNNL_ARG_SRC, x}, {DNNL_ARG_DIFF_DST, dy}, {DNNL_ARG_DIFF_SRC, dx}}});
}

}  // namespace

int main(int argc, char** argv) {
  int steps = 300;
  memory::dim batch = 100;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--steps")) steps = std::atoi(argv[i + 1]);
    if (!std::strcmp(argv[i], "--batch")) batch = std::atoll(argv[i + 1]);
  }
  Step s;
  std::vector<std::pair<dnnl::primitive, Args>> forward, backward;
  // conv 30 x 5x5 on 1x28x28 -> 30x24x24, with bias.
  const memory::dims src_dims{batch, 1, 28, 28}, w_dims{30, 1, 5, 5}, dst_dims{batch, 30, 24, 24};
  const auto b_md = plain({30}, tag::a);
  const auto conv_d = dnnl::convolution_forward::desc(
      dnnl::prop_kind::forward_training, dnnl::algorithm::convolution_direct, any(src_dims),
      any(w_dims), b_md, any(dst_dims), {1, 1}, {0, 0}, {0, 0}, {0, 0});
  const dnnl::convolution_forward::primitive_desc conv_pd(conv_d, s.engine);
  memory x = s.make(conv_pd.src_desc()), w = s.make(conv_pd.weights_desc()), b = s.make(b_md),
         c = s.make(conv_pd.dst_desc());
  forward.push_back(
      {dnnl::convolution_forward(conv_pd),
       {{DNNL_ARG_SRC, x}, {DNNL_ARG_WEIGHTS, w}, {DNNL_ARG_BIAS, b}, {DNNL_ARG_DST, c}}});
  const dnnl::convolution_backward_weights::primitive_desc conv_w_pd(
      dnnl::convolution_backward_weights::desc(dnnl::algorithm::convolution_direct, any(src_dims),
                                               any(w_dims), b_md, any(dst_dims), {1, 1}, {0, 0},
                                               {0, 0}, {0, 0}),
      s.engine, conv_pd);
  // ReLU and max-pool 2 on the conv's layout.
  const auto c_md = conv_pd.dst_desc();
  memory r = s.make(c_md), dr = s.make(c_md), dc = s.make(c_md);
  std::vector<std::pair<dnnl::primitive, Args>> relu_back;
  relu(s, c_md, c, r, dr, dc, forward, relu_back);
  const dnnl::pooling_forward::primitive_desc pool_pd(
      dnnl::pooling_forward::desc(dnnl::prop_kind::forward_training, dnnl::algorithm::pooling_max,
                                  c_md, any({batch, 30, 12, 12}), {2, 2}, {2, 2}, {0, 0}, {0, 0}),
      s.engine);
  memory pooled = s.make(pool_pd.dst_desc()), dpooled = s.make(pool_pd.dst_desc()),
         ws = s.make(pool_pd.workspace_desc());
  forward.push_back({dnnl::pooling_forward(pool_pd),
                     {{DNNL_ARG_SRC, r}, {DNNL_ARG_DST, pooled}, {DNNL_ARG_WORKSPACE, ws}}});
  const dnnl::pooling_backward::primitive_desc pool_back_pd(
      dnnl::pooling_backward::desc(dnnl::algorithm::pooling_max, c_md, pool_pd.dst_desc(), {2, 2},
                                   {2, 2}, {0, 0}, {0, 0}),
      s.engine, pool_pd);
  // dense 4320 -> 100 reads the pooled bytes as rows (the floor skips the flatten reorder).
  memory flat(plain({batch, 4320}, tag::ab), s.engine, pooled.get_data_handle());
  memory dflat(plain({batch, 4320}, tag::ab), s.engine, dpooled.get_data_handle());
  memory h1, dh1, h1r, dh1r, h2, dh2;
  std::vector<std::pair<dnnl::primitive, Args>> back1, back2, back_relu1;
  dense(s, batch, 4320, 100, flat, dflat, true, forward, back1, h1, dh1);
  h1r = s.make(h1.get_desc());
  dh1r = s.make(h1.get_desc());
  relu(s, h1.get_desc(), h1, h1r, dh1r, dh1, forward, back_relu1);
  dense(s, batch, 100, 10, h1r, dh1r, true, forward, back2, h2, dh2);
  // Softmax of the logits (nnlab's loss runs it forward_inference).
  memory probs = s.make(h2.get_desc());
  forward.push_back(
      {dnnl::softmax_forward(dnnl::softmax_forward::primitive_desc(
           dnnl::softmax_forward::desc(dnnl::prop_kind::forward_inference, h2.get_desc(), 1),
           s.engine)),
       {{DNNL_ARG_SRC, h2}, {DNNL_ARG_DST, probs}}});
  // Backward in nnlab's order: dense2, relu, dense1, pool, relu, conv weights.
  memory dw = s.make(conv_w_pd.diff_weights_desc()), db = s.make(b_md);
  s.calls = forward;
  for (auto* part : {&back2, &back_relu1, &back1})
    s.calls.insert(s.calls.end(), part->begin(), part->end());
  s.calls.push_back(
      {dnnl::pooling_backward(pool_back_pd),
       {{DNNL_ARG_DIFF_DST, dpooled}, {DNNL_ARG_DIFF_SRC, dr}, {DNNL_ARG_WORKSPACE, ws}}});
  s.calls.insert(s.calls.end(), relu_back.begin(), relu_back.end());
  s.calls.push_back({dnnl::convolution_backward_weights(conv_w_pd),
                     {{DNNL_ARG_SRC, x},
                      {DNNL_ARG_DIFF_DST, dc},
                      {DNNL_ARG_DIFF_WEIGHTS, dw},
                      {DNNL_ARG_DIFF_BIAS, db}}});
  for (int i = 0; i < 20; ++i) s.run();  // warm up: caches, OpenMP threads, jit
  double best = 1e30;
  for (int round = 0; round < 3; ++round) {
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < steps; ++i) s.run();
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    best = std::min(best, ms / steps);
  }
  std::printf("primitives: %zu\nms_per_step: %.4f\n", s.calls.size(), best);
  return 0;
}
