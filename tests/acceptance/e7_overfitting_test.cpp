// The seed's E7 (overfitting and weight decay) on Fashion-MNIST, through the shipped experiment
// files, over 3 seeds, against the seed file's Fashion bands. About 4.5 s a run on one core.
#include <gtest/gtest.h>

#include "runner.hpp"
#include "test_support.hpp"

namespace nnlab {
namespace {

struct Final {
  double train_acc = 0, test_acc = 0;
};

Final run_seed(const std::string& experiment, int seed) {
  const auto spec = load_experiment(std::string(NNLAB_SOURCE_DIR) + "/experiments/" + experiment,
                                    {"seed=" + std::to_string(seed)});
  test::TempDir dir;
  RunOptions options;
  options.out_dir = dir.file("out");
  const RunResult result = run_experiment(spec, test::builtin_host(), options);
  Final f;
  for (const auto& [metric, value] : result.summary.last.metrics) {
    if (metric.name() == "train_acc") f.train_acc = value;
    if (metric.name() == "test_acc") f.test_acc = value;
  }
  EXPECT_EQ(result.summary.iterations, 601) << "201 epochs of 3 updates, evaluated after the first";
  return f;
}

class E7 : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists("/usr/share/datasets/fashion-mnist"))
      GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  }
};

TEST_P(E7, WithoutDecayTheNetOverfits) {
  const Final f = run_seed("overfit.yaml", GetParam());
  EXPECT_GE(f.train_acc, 0.97);
  EXPECT_GE(f.test_acc, 0.72);
  EXPECT_LE(f.test_acc, 0.78);
  EXPECT_GE(f.train_acc - f.test_acc, 0.2);
}

TEST_P(E7, WeightDecayNarrowsTheGap) {
  const Final f = run_seed("overfit_weight_decay.yaml", GetParam());
  EXPECT_GE(f.train_acc, 0.75);
  EXPECT_LE(f.train_acc, 0.90);
  EXPECT_GE(f.train_acc - f.test_acc, 0.08);
  EXPECT_LE(f.train_acc - f.test_acc, 0.16);
}

INSTANTIATE_TEST_SUITE_P(Seeds, E7, ::testing::Values(1, 2, 3));

}  // namespace
}  // namespace nnlab
