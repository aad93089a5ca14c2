// E2 (optimizers) and E4 (weight init): several networks on the same minibatch sequence, judged
// by the mean minibatch loss over their last 100 updates (steps.csv).
#include <fstream>
#include <numeric>

#include "acceptance.hpp"

namespace nnlab::acceptance {
namespace {

/// trial -> mean minibatch loss over its last 100 logged updates.
std::map<std::int64_t, double> last_100(const std::string& steps_csv) {
  std::map<std::int64_t, std::vector<double>> losses;
  std::ifstream in(steps_csv);
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::stringstream row(line);
    std::string trial, iteration, loss;
    std::getline(row, trial, ',');
    std::getline(row, iteration, ',');
    std::getline(row, loss);
    losses[std::stoll(trial)].push_back(std::stod(loss));
  }
  std::map<std::int64_t, double> out;
  for (const auto& [trial, v] : losses) {
    EXPECT_EQ(v.size(), 2000u) << "trial " << trial << ": one row per update";
    out[trial] = std::accumulate(v.end() - 100, v.end(), 0.0) / 100;
  }
  return out;
}

// E2: sgd 0.38-0.46, the others 0.25-0.35, sgd the highest.
TEST_F(Acceptance, E2_SgdIsTheSlowestOptimizer) {
  for (int seed : seeds()) {
    test::TempDir dir;
    const SweepResult r = run_sweep_file("optimizer_compare.yaml", seed, dir);
    const auto loss = last_100(dir.file("sweep-" + std::to_string(seed)) + "/steps.csv");
    ASSERT_EQ(loss.size(), 4u);
    std::map<std::string, double> by_kind;
    for (const auto& t : r.trials) by_kind[r.value(t, "optimizer.kind")] = loss.at(t.trial);
    SCOPED_TRACE("seed " + std::to_string(seed));
    EXPECT_GE(by_kind["sgd"], 0.38);
    EXPECT_LE(by_kind["sgd"], 0.46);
    for (const char* kind : {"momentum", "adagrad", "adam"}) {
      EXPECT_GE(by_kind[kind], 0.25) << kind;
      EXPECT_LE(by_kind[kind], 0.35) << kind;
      EXPECT_LT(by_kind[kind], by_kind["sgd"]) << kind;
    }
  }
}

// E4: std 0.01 stays at 2.300-2.305 (it does not learn); he <= xavier + 0.05; both < 0.6.
TEST_F(Acceptance, E4_TooSmallInitDoesNotLearnAndHeIsFastest) {
  for (int seed : seeds()) {
    test::TempDir dir;
    const SweepResult r = run_sweep_file("weight_init_compare.yaml", seed, dir);
    const auto loss = last_100(dir.file("sweep-" + std::to_string(seed)) + "/steps.csv");
    ASSERT_EQ(loss.size(), 3u);
    std::map<std::string, double> by_init;
    for (const auto& t : r.trials) by_init[r.value(t, "init")] = loss.at(t.trial);
    SCOPED_TRACE("seed " + std::to_string(seed));
    EXPECT_GE(by_init["0.01"], 2.300);
    EXPECT_LE(by_init["0.01"], 2.305);
    EXPECT_LE(by_init["he"], by_init["xavier"] + 0.05);
    EXPECT_LT(by_init["he"], 0.6);
    EXPECT_LT(by_init["xavier"], 0.6);
  }
}

}  // namespace
}  // namespace nnlab::acceptance
