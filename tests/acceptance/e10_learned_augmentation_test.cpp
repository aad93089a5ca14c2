// E10 (learned data augmentation, issue 12): the ch. 7 SimpleConvNet on 500 Fashion-MNIST training
// images for 200 epochs, with no augmentation, TrivialAugment, RandAugment at its grid's choice
// and the policy AutoAugment's controller learned, each tested on all 10 000 test images. The bands
// are the README's measurements (seeds 1-3) +-0.01: seed 1 is one of them, the margin is the drift
// of float sums between CPUs (a different rounding early on sends 1000 updates elsewhere).
//
// Reduced (ctest): seed 1 of each, with RandAugment at the (n, m) its grid chose and the learned
// policy as shipped (experiments/learned_augmentation_policy.yaml, the search's policy.yaml): four
// 200-epoch runs, about a minute on 2 cores; the learned policy and RandAugment must beat no
// augmentation. Full (NNLAB_ACCEPTANCE=full): seeds 1-3 of each, the same on their means.
// Searches (NNLAB_ACCEPTANCE=search): the RandAugment grid and the 200-trial AutoAugment search
// (about 40 minutes on 2 cores) are run first, what they choose is what is retrained, and the
// controller's mean reward must rise over the search.
#include <numeric>

#include "acceptance.hpp"
#include "evaluation.hpp"

namespace nnlab::acceptance {
namespace {

std::string experiment_path(const std::string& file) {
  return file.front() == '/' ? file : std::string(NNLAB_SOURCE_DIR) + "/experiments/" + file;
}

/// Trains `file` with `overrides` at `seed` and returns its accuracy on the 10 000 test images,
/// measured once on the saved model (training evaluates val only, as the experiments do).
double test_accuracy(const std::string& file, std::vector<std::string> overrides, int seed,
                     const test::TempDir& dir) {
  overrides.push_back("seed=" + std::to_string(seed));
  overrides.push_back("execution.threads_per_trial=2");
  const auto spec = load_experiment(experiment_path(file), overrides);
  RunOptions options;
  options.out_dir = dir.file("run-" + std::to_string(seed));
  options.overwrite = true;
  run_experiment(spec, test::builtin_host(), options);
  return evaluate_saved_model(options.out_dir, {"train.eval=[test]"}, test::builtin_host())
      .point.value({Split::test, Measure::accuracy});
}

double mean(const std::vector<double>& v) {
  return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

/// The test accuracies of `file` over seeds(), each checked against `band`.
std::vector<double> accuracies(const std::string& what, const std::string& file,
                               const std::vector<std::string>& overrides, Band band) {
  std::vector<double> out;
  for (int seed : seeds()) {
    test::TempDir dir;
    const double acc = test_accuracy(file, overrides, seed, dir);
    expect_in(acc, band, what + "_seed" + std::to_string(seed) + "_test_acc");
    out.push_back(acc);
  }
  return out;
}

// The README's E10 table: test accuracy over seeds 1-3, lowest and highest, +-0.01.
constexpr Band kNone{0.7799, 0.8068};            // 0.7950 / 0.7899 / 0.7968
constexpr Band kTrivialAugment{0.7889, 0.8227};  // 0.7989 / 0.8044 / 0.8127
constexpr Band kRandAugment{0.7949, 0.8241};     // n 1, m 3: 0.8133 / 0.8141 / 0.8049
constexpr Band kLearned{0.8007, 0.8262};         // 0.8107 / 0.8131 / 0.8162
// RandAugment's grid choice in the measured search (seed 1; val_acc 0.832, m 9 the worst of each
// n).
const std::vector<std::string> kRandAugmentChoice{"~search", "augment.n=1", "augment.m=3"};

TEST_F(Acceptance, E10_LearnedAugmentationBeatsNone) {
  const auto none = accuracies("none", "learned_augmentation_none.yaml", {}, kNone);
  const auto trivial =
      accuracies("trivialaugment", "learned_augmentation_trivialaugment.yaml", {}, kTrivialAugment);

  std::vector<std::string> randaugment = kRandAugmentChoice;
  std::string learned_file = "learned_augmentation_policy.yaml";
  test::TempDir searches;
  if (with_searches()) {
    // The searches as shipped: RandAugment's grid and the controller, on seed 1.
    const SweepResult grid = run_sweep_file("learned_augmentation_randaugment.yaml", 1, searches);
    const TrialRecord* best = nullptr;
    for (const auto& t : grid.trials) {
      if (t.objective && (!best || *t.objective > *best->objective)) best = &t;
    }
    ASSERT_NE(best, nullptr);
    randaugment = {"~search", "augment.n=" + grid.value(*best, "augment.n"),
                   "augment.m=" + grid.value(*best, "augment.m")};
    RecordProperty("randaugment_choice", randaugment[1] + " " + randaugment[2]);

    const test::TempDir controller;
    const SweepResult search =
        run_sweep_file("learned_augmentation_autoaugment.yaml", 1, controller);
    learned_file = controller.file("sweep-1/policy.yaml");
    // The controller learns: its reward is val_loss (minimized), and the mean of its batches (10
    // trials each, in trial order, as it takes them) falls from the first five to the last five
    // (measured 0.823 -> 0.605, every trial on the same seeds).
    std::vector<double> batch_means, batch;
    for (const auto& t : search.trials) {
      if (t.state != TrialState::complete || !t.objective) continue;
      batch.push_back(*t.objective);
      if (batch.size() == 10) {
        batch_means.push_back(mean(batch));
        batch.clear();
      }
    }
    ASSERT_GE(batch_means.size(), 10u);
    const double first = mean({batch_means.begin(), batch_means.begin() + 5});
    const double last = mean({batch_means.end() - 5, batch_means.end()});
    RecordProperty("val_loss_first_five_batches", std::to_string(first));
    RecordProperty("val_loss_last_five_batches", std::to_string(last));
    EXPECT_LT(last, first - 0.05) << "the controller's mean reward did not rise";
  }
  const auto rand =
      accuracies("randaugment", "learned_augmentation_randaugment.yaml", randaugment, kRandAugment);
  const auto learned = accuracies("learned", learned_file, {}, kLearned);

  // Augmentation beats none, and the learned policy by a margin (measured on seed 1: learned
  // +0.016, RandAugment +0.018; on the mean of seeds 1-3: learned +0.019, RandAugment +0.017,
  // TrivialAugment +0.011). The learned policy is at least RandAugment's best on the mean of
  // seeds 1-3 (+0.0025; +0.0004 over seeds 1-5), which is within seed noise (one run's sd is
  // about 0.005), so the full check allows that noise: the README's E10 notes.
  if (full()) {
    EXPECT_GE(mean(learned), mean(none) + 0.012);
    EXPECT_GE(mean(rand), mean(none) + 0.008);
    EXPECT_GE(mean(trivial), mean(none) + 0.005);
    EXPECT_GE(mean(learned), mean(rand) - 0.005);
  } else {
    EXPECT_GE(learned[0], none[0] + 0.01);
    EXPECT_GE(rand[0], none[0] + 0.01);
  }
}

}  // namespace
}  // namespace nnlab::acceptance
