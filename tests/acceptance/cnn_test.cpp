// The book's convolutional networks (chapter 7's SimpleConvNet, chapter 8's DeepConvNet) from the
// shipped experiment files, against bands measured with an independent PyTorch run of the same
// networks, data, init and schedule (tests/bench/cnn_torch.py; the measurements are in the README).
// A band is PyTorch's lowest final accuracy - 0.02 .. its highest + 0.02 over its seeds: the
// margin because nnlab's run is one more draw from the seed-to-seed spread, which a few PyTorch
// seeds only sample.
//
// Full (NNLAB_ACCEPTANCE=full): the experiments as shipped, seeds 1-3. Reduced (ctest): each cut
// short by overrides (2000 images, 3 epochs: 60 updates; seed 1), so the two take seconds, against
// PyTorch's bands at the same short settings; chance is 0.10, these bands start at 0.576.
#include "acceptance.hpp"

namespace nnlab::acceptance {
namespace {

struct Cnn {
  std::string file;
  std::vector<std::string> reduced;  ///< the overrides of the ctest version
  Band full_test, full_train;        ///< PyTorch's seeds 1-3 at the shipped settings, +-0.02
  Band reduced_test, reduced_train;  ///< PyTorch's seeds 1-3 at the reduced settings, +-0.02
};

struct Outcome {
  std::vector<double> train_acc, test_acc;  ///< per epoch
};

Outcome run(const Cnn& cnn, int seed) {
  std::vector<std::string> overrides = full() ? std::vector<std::string>{} : cnn.reduced;
  overrides.push_back("seed=" + std::to_string(seed));
  const auto spec =
      load_experiment(std::string(NNLAB_SOURCE_DIR) + "/experiments/" + cnn.file, overrides);
  test::TempDir dir;
  RunOptions options;
  options.out_dir = dir.file("out");
  Outcome o;
  options.on_eval = [&o](const EvalPoint& point) {
    o.train_acc.push_back(point.value({Split::train, Measure::accuracy}));
    o.test_acc.push_back(point.value({Split::test, Measure::accuracy}));
  };
  run_experiment(spec, test::builtin_host(), options);
  return o;
}

void check(const Cnn& cnn) {
  for (int seed : seeds()) {
    SCOPED_TRACE(cnn.file + " seed " + std::to_string(seed));
    const Outcome o = run(cnn, seed);
    ASSERT_GE(o.train_acc.size(), 2u);
    const std::string tag = cnn.file + "_seed" + std::to_string(seed);
    expect_in(o.test_acc.back(), full() ? cnn.full_test : cnn.reduced_test, tag + "_test_acc");
    expect_in(o.train_acc.back(), full() ? cnn.full_train : cnn.reduced_train, tag + "_train_acc");
    // Learning, not a lucky start: the last epoch is well above the first.
    EXPECT_GT(o.train_acc.back(), o.train_acc.front() + 0.02)
        << "train accuracy per epoch from " << o.train_acc.front() << " to " << o.train_acc.back();
  }
}

// PyTorch, seeds 1-9 (reduced) and 1-3 (full), final test / train accuracy: README's table.
TEST_F(Acceptance, SimpleConvNetMatchesPyTorch) {
  check({"simple_convnet.yaml",
         {"data.train_limit=2000", "data.test_limit=2000", "train.epochs=3"},
         {0.8526, 0.8970},
         {0.9265, 0.9757},
         {0.725, 0.8445},
         {0.7905, 0.900}});
}

// PyTorch, seeds 1-9 at both lengths: at 60 and 200 updates the deep net's last-epoch accuracy
// spreads by about 0.02 (sd) from seed to seed, which three seeds under-estimate.
TEST_F(Acceptance, DeepConvNetMatchesPyTorch) {
  check({"deep_convnet.yaml",
         {"data.train_limit=2000", "data.test_limit=1000", "train.epochs=3"},
         {0.7295, 0.8125},
         {0.7617, 0.8353},
         {0.576, 0.731},
         {0.600, 0.7685}});
}

}  // namespace
}  // namespace nnlab::acceptance
