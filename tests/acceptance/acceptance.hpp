#pragma once
// The acceptance suite: the seed's experiments, run from the shipped YAML files, against the bands
// of ../shared/reference/seed-experiments.md (Fashion-MNIST column).
//
// Full (NNLAB_ACCEPTANCE=full build/bin/acceptance_tests): every experiment over seeds 1, 2, 3,
// as the seed file asks, in a few minutes. Reduced (what ctest, hence CI, runs): the same
// experiments and the same bands, over seed 1 only; nothing is shortened, so the bands need no
// loosening (E7, the cheapest, runs all three seeds either way). Searches
// (NNLAB_ACCEPTANCE=search): the full suite, and E10's searches run rather than their shipped
// results used (about 45 minutes more on 2 cores).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <map>

#include "results/curves_file.hpp"
#include "results/trials_file.hpp"
#include "runner.hpp"
#include "sweep.hpp"
#include "test_support.hpp"

namespace nnlab::acceptance {

inline std::string mode() {
  const char* mode = std::getenv("NNLAB_ACCEPTANCE");
  return mode ? mode : "";
}

inline bool full() { return mode() == "full" || mode() == "search"; }

/// The long searches too (E10's 200-trial AutoAugment search), not only their shipped results.
inline bool with_searches() { return mode() == "search"; }

/// Seeds 1..3 in full mode, 1 in reduced mode.
inline std::vector<int> seeds() { return full() ? std::vector<int>{1, 2, 3} : std::vector<int>{1}; }

inline bool have_fashion_mnist() {
  return std::filesystem::exists("/usr/share/datasets/fashion-mnist");
}

/// The fixture of every acceptance test: they need Debian's Fashion-MNIST package.
class Acceptance : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!have_fashion_mnist()) GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  }
};

/// A measured band, [lo, hi].
struct Band {
  double lo, hi;
};

/// Checks `value` against `band` and records it as the test's property `what`.
inline void expect_in(double value, Band band, const std::string& what) {
  EXPECT_GE(value, band.lo) << what;
  EXPECT_LE(value, band.hi) << what;
  ::testing::Test::RecordProperty(what, std::to_string(value));
}

/// A finished sweep: its trials and each trial's last value of each metric.
struct SweepResult {
  std::vector<TrialRecord> trials;
  std::map<std::int64_t, std::map<std::string, double>> last;  ///< trial -> metric -> last value
  std::vector<std::string> names;                              ///< the parameter columns
  std::string value(const TrialRecord& t, const std::string& parameter) const {
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (names[i] == parameter) return t.values[i];
    }
    return "";
  }
};

inline SweepResult run_sweep_file(const std::string& experiment, int seed,
                                  const test::TempDir& dir) {
  const auto spec = load_experiment(std::string(NNLAB_SOURCE_DIR) + "/experiments/" + experiment,
                                    {"seed=" + std::to_string(seed)});
  SweepOptions options;
  options.out_dir = dir.file("sweep-" + std::to_string(seed));
  run_sweep(spec, test::builtin_host(), options);
  SweepResult r;
  for (const auto& p : spec.search->space.parameters) r.names.push_back(p.name);
  r.trials = read_trials(options.out_dir + "/trials.csv", r.names);
  for (const auto& [trial, metrics] : read_curves(options.out_dir + "/curves.csv")) {
    for (const auto& [metric, points] : metrics)
      r.last[trial][metric.name()] = points.back().second;
  }
  return r;
}

}  // namespace nnlab::acceptance
