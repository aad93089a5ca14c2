// E5 (batch norm vs init scale), E8 (dropout) and E9 (random search) against their bands.
#include <algorithm>
#include <cstdio>

#include "acceptance.hpp"
#include "importance/parameter_importance.hpp"
#include "optuna_importance.hpp"
#include "results/sweep_folder.hpp"

namespace nnlab::acceptance {
namespace {

// E5: with batch norm, training is robust to the init scale: BN's train accuracy beats plain by
// more than 0.1 in at least 12 of the 16 init-std panels (a diverged plain run counts as a loss).
TEST_F(Acceptance, E5_BatchNormBeatsPlainInTwelveOfSixteenPanels) {
  for (int seed : seeds()) {
    test::TempDir dir;
    const SweepResult r = run_sweep_file("batch_norm_vs_init.yaml", seed, dir);
    ASSERT_EQ(r.trials.size(), 32u);
    std::map<std::string, std::map<std::string, double>> by_std;  // std -> normalization -> acc
    for (const auto& t : r.trials) {
      by_std[r.value(t, "init_std")][r.value(t, "normalization")] =
          t.state == TrialState::complete ? r.last.at(t.trial).at("train_acc") : 0.0;
    }
    ASSERT_EQ(by_std.size(), 16u);
    int wins = 0;
    for (auto& [std_text, acc] : by_std) wins += acc["batch_norm"] - acc["identity"] > 0.1;
    EXPECT_GE(wins, 12) << "seed " << seed;
  }
}

// E8: dropout after every hidden activation. None: gap about 0.25; ratio 0.15 (the book's text):
// train 0.70-0.85, gap 0.06-0.14; ratio 0.2 (the book's code): train 0.55-0.68, test 0.53-0.62.
TEST_F(Acceptance, E8_DropoutNarrowsTheGap) {
  for (int seed : seeds()) {
    test::TempDir dir;
    const SweepResult r = run_sweep_file("dropout.yaml", seed, dir);
    ASSERT_EQ(r.trials.size(), 3u);
    for (const auto& t : r.trials) {
      ASSERT_EQ(t.state, TrialState::complete);
      const double train = r.last.at(t.trial).at("train_acc");
      const double test = r.last.at(t.trial).at("test_acc");
      const std::string ratio = r.value(t, "model.layers[0].body[2].ratio");
      SCOPED_TRACE("seed " + std::to_string(seed) + ", ratio " + ratio);
      if (ratio == "0.0") {
        EXPECT_GE(train - test, 0.2);
        EXPECT_LE(train - test, 0.3);
      } else if (ratio == "0.15") {
        EXPECT_GE(train, 0.70);
        EXPECT_LE(train, 0.85);
        EXPECT_GE(train - test, 0.06);
        EXPECT_LE(train - test, 0.14);
      } else {
        EXPECT_GE(train, 0.55);
        EXPECT_LE(train, 0.68);
        EXPECT_GE(test, 0.53);
        EXPECT_LE(test, 0.62);
      }
    }
  }
}

// E9: random search of lr and weight decay: best val 0.68-0.80, the top 5 trials' lr within
// [2e-3, 1e-2], and every trial with lr < 1e-4 scoring at most 0.25.
TEST_F(Acceptance, E9_RandomSearchFindsTheGoodRegion) {
  for (int seed : seeds()) {
    test::TempDir dir;
    const SweepResult r = run_sweep_file("hyperparameter_search.yaml", seed, dir);
    ASSERT_EQ(r.trials.size(), 100u);
    std::vector<std::pair<double, double>> scored;  // (val_acc, lr)
    for (const auto& t : r.trials) {
      const double lr = std::stod(r.value(t, "optimizer.lr"));
      const double score = t.objective.value_or(0.0);
      scored.push_back({score, lr});
      if (lr < 1e-4) {
        EXPECT_LE(score, 0.25) << "seed " << seed << " lr " << lr;
      }
    }
    std::sort(scored.rbegin(), scored.rend());
    EXPECT_GE(scored[0].first, 0.68) << "seed " << seed;
    EXPECT_LE(scored[0].first, 0.80) << "seed " << seed;
    for (int i = 0; i < 5; ++i) {
      EXPECT_GE(scored[static_cast<std::size_t>(i)].second, 2e-3)
          << "seed " << seed << " rank " << i;
      EXPECT_LE(scored[static_cast<std::size_t>(i)].second, 1e-2)
          << "seed " << seed << " rank " << i;
    }

    // Issue 16: `nnlab importance` ranks lr above weight decay, by either method, as Optuna's
    // fANOVA does on the same trials (measured at seed 1: lr 0.996 here, 0.997 in Optuna).
    const SweepFolder folder = read_sweep_folder(dir.file("sweep-" + std::to_string(seed)));
    const auto& space = folder.spec.search->space;
    for (const auto method : {ImportanceMethod::fanova, ImportanceMethod::ped_anova}) {
      ImportanceOptions options;
      options.method = method;
      const auto result =
          parameter_importances(space, folder.trials, true, options, folder.trials_path);
      ASSERT_EQ(result.parameters.size(), 2u);
      EXPECT_EQ(result.parameters[0].parameter, "optimizer.lr")
          << "seed " << seed << " " << importance_method_name(method);
      EXPECT_GT(result.parameters[0].importance, 0.8)
          << "seed " << seed << " " << importance_method_name(method);
    }
    const auto optuna = test::optuna_importances(space, folder.trials, true);
    if (optuna) {
      ASSERT_EQ(optuna->size(), 2u);
      EXPECT_EQ(optuna->front().first, "optimizer.lr") << "seed " << seed;
    } else {
      std::printf(
          "E9: Optuna's side of the importance check skipped: no python3-optuna and "
          "python3-sklearn\n");
    }
  }
}

}  // namespace
}  // namespace nnlab::acceptance
