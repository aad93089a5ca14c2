// What oneDNN executes for a CNN, read from its own log (DNNL_VERBOSE=1), as the images issue's
// acceptance asks: convolution, batch normalization and pooling run, and activations stay in the
// layouts the primitives chose from layer to layer. The only reorders allowed in the batch loop are
// the explained ones: the conv weights (kept oihw for optimizers and regularizers: a few KB), and
// the flatten boundary, where dense reads plain C-H-W rows (one reorder forward, one back).
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <sstream>
#include <vector>

#include "cli.hpp"

namespace nnlab {
namespace {

struct Exec {
  std::string kind, prop, problem;
};

std::vector<Exec> executions(const std::string& log) {
  std::vector<Exec> out;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("onednn_verbose,exec,", 0) != 0 && line.rfind("dnnl_verbose,exec,", 0) != 0)
      continue;
    std::vector<std::string> f;
    std::stringstream fields(line);
    for (std::string x; std::getline(fields, x, ',');) f.push_back(x);
    if (f.size() < 11) continue;
    out.push_back({f[3], f[5], f[9]});
  }
  return out;
}

TEST(OnednnVerbose, ACnnRunsItsPrimitivesWithNoReorderInTheBatchLoopButTheExplainedOnes) {
  test::TempDir dir;
  const std::string yaml =
      dir.write("cnn.yaml",
                "name: cnn\nseed: 1\n"
                "data: {kind: idx, dataset: fashion-mnist, train_limit: 300, test_limit: 100}\n"
                "model:\n  layers:\n"
                "    - {kind: conv2d, filters: 16, kernel: 3, padding: 1}\n"  // 16x28x28
                "    - {kind: batch_norm}\n"
                "    - {kind: relu}\n"
                "    - {kind: max_pool, kernel: 2}\n"             // 16x14x14
                "    - {kind: conv2d, filters: 24, kernel: 3}\n"  // 24x12x12
                "    - {kind: relu}\n"
                "    - {kind: avg_pool, kernel: 2}\n"  // 24x6x6
                "    - {kind: dense, units: 10}\n"
                "  loss: {kind: softmax_cross_entropy}\n"
                "optimizer: {kind: adam, lr: 0.001}\n"
                "train: {epochs: 2, batch_size: 100, sampling: shuffle, eval: [test]}\n"
                "execution: {threads_per_trial: 1}\n");
  const auto result =
      test::run_cli("run " + yaml + " --out " + dir.file("out") + " -q", "DNNL_VERBOSE=1");
  ASSERT_EQ(result.status, 0) << result.err;
  const auto execs = executions(result.out + result.err);
  ASSERT_FALSE(execs.empty()) << "no DNNL_VERBOSE lines: " << result.out.substr(0, 2000);

  std::map<std::string, int> kinds;
  int weight_grads = 0, inference_norms = 0, boundary = 0;
  const std::set<std::string> weights = {"16x1x3x3", "24x16x3x3"};
  for (const auto& e : execs) {
    ++kinds[e.kind.substr(0, e.kind.find('_'))];  // pooling_v2 -> pooling
    // Convolution has one forward for both modes; batch norm's tells evaluation from training.
    if (e.kind == "convolution" && e.prop == "backward_weights") ++weight_grads;
    if (e.kind == "batch_normalization" && e.prop == "forward_inference") ++inference_norms;
    if (e.kind != "reorder") continue;
    if (weights.count(e.problem)) continue;
    const bool flatten = e.problem.size() > 7 && e.problem.ends_with("x24x6x6");
    EXPECT_TRUE(flatten) << "a reorder of " << e.problem
                         << ": neither conv weights nor the flatten boundary";
    boundary += flatten;
  }
  for (const char* kind : {"convolution", "batch", "pooling", "eltwise", "matmul"})
    EXPECT_GT(kinds[kind], 0) << kind << " never executed";
  // 3 batches per epoch, 2 epochs: 6 steps of two convolutions each; each step reorders at the
  // boundary once forward and once backward, each evaluation batch once forward.
  const int steps = weight_grads / 2, evaluations = inference_norms;
  EXPECT_EQ(steps, 6);
  EXPECT_GT(evaluations, 0);
  EXPECT_EQ(boundary, 2 * steps + evaluations);
}

}  // namespace
}  // namespace nnlab
