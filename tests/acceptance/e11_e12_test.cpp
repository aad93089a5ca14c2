// E11 (internal covariate shift, the batch-norm paper's Figure 1) and E12 (the whitening problem):
// probes during training, from the shipped YAML files. Bands measured over seeds 1-3 (README).
#include <map>

#include "acceptance.hpp"
#include "results/probe_files.hpp"

namespace nnlab::acceptance {
namespace {

/// trial -> node -> stat -> update -> value, from a sweep's probe.csv.
using Probes =
    std::map<std::int64_t,
             std::map<std::string, std::map<std::string, std::map<std::int64_t, double>>>>;

Probes probes_of(const test::TempDir& dir, int seed) {
  Probes out;
  for (const ProbeStat& s :
       read_probe_stats(dir.file("sweep-" + std::to_string(seed)) + "/probe.csv"))
    out[s.trial][s.node][s.stat][s.update] = s.value;
  return out;
}

/// The trial whose `parameter` is `value`.
std::int64_t trial_with(const SweepResult& r, const std::string& parameter,
                        const std::string& value) {
  for (const auto& t : r.trials) {
    if (r.value(t, parameter) == value) return t.trial;
  }
  ADD_FAILURE() << "no trial with " << parameter << " = " << value;
  return -1;
}

/// The first epoch whose test accuracy reaches `level` (-1: never).
double first_epoch_reaching(const Curves& curves, std::int64_t trial, double level) {
  for (const auto& [epoch, value] : curves.at(trial).at(Metric{Split::test, Measure::accuracy})) {
    if (value >= level) return epoch;
  }
  return -1;
}

// E11: the median of the last hidden sigmoid's input drifts less with batch norm (from update 1000
// to the end), and batch norm reaches 80 % test accuracy in fewer updates.
TEST_F(Acceptance, E11_BatchNormReducesInternalCovariateShift) {
  for (int seed : seeds()) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    test::TempDir dir;
    const SweepResult r = run_sweep_file("internal_covariate_shift.yaml", seed, dir);
    ASSERT_EQ(r.trials.size(), 2u);
    const auto plain = trial_with(r, "normalization", "identity");
    const auto bn = trial_with(r, "normalization", "batch_norm");
    const Probes p = probes_of(dir, seed);
    auto drift = [&](std::int64_t trial) {
      const auto& p50 = p.at(trial).at("norm_3").at("p50");
      return std::fabs(p50.rbegin()->second - p50.at(1000));
    };
    EXPECT_LT(drift(bn), 0.75 * drift(plain))
        << "drift with BN " << drift(bn) << ", without " << drift(plain);
    const Curves curves = read_curves(dir.file("sweep-" + std::to_string(seed)) + "/curves.csv");
    const double bn_epoch = first_epoch_reaching(curves, bn, 0.80);
    const double plain_epoch = first_epoch_reaching(curves, plain, 0.80);
    ASSERT_GE(bn_epoch, 0);
    EXPECT_TRUE(plain_epoch < 0 || bn_epoch < plain_epoch)
        << "BN reaches 0.80 at epoch " << bn_epoch << ", plain at " << plain_epoch;
  }
}

// E12: pure standardization keeps about 68 % of the last sigmoid's input inside [-1, 1] (the mass
// of N(0, 1) there); learned scale and shift move it out of the near-linear zone over training.
TEST_F(Acceptance, E12_LearnedScaleAndShiftLeaveTheLinearZone) {
  for (int seed : seeds()) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    test::TempDir dir;
    const SweepResult r = run_sweep_file("whitening_problem.yaml", seed, dir);
    ASSERT_EQ(r.trials.size(), 2u);
    const Probes p = probes_of(dir, seed);
    const auto& fixed = p.at(trial_with(r, "scale_shift", "fixed")).at("norm_3").at("in_range");
    const auto& learned = p.at(trial_with(r, "scale_shift", "learned")).at("norm_3").at("in_range");
    const double fixed_end = fixed.rbegin()->second, learned_end = learned.rbegin()->second;
    EXPECT_GE(fixed_end, 0.55);
    EXPECT_LE(fixed_end, 0.76);
    EXPECT_LT(learned_end, fixed_end - 0.1);
    EXPECT_LT(learned_end, learned.at(1000)) << "learned γ, β move inputs out over training";
  }
}

}  // namespace
}  // namespace nnlab::acceptance
