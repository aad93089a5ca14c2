// Probes during training: percentiles against a float64 reference, and the promise that probing
// changes nothing training does.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "cli.hpp"
#include "probe.hpp"
#include "results/curves_file.hpp"
#include "results/probe_files.hpp"
#include "sweep.hpp"
#include "test_support.hpp"

namespace nnlab {
namespace {

/// numpy.percentile's default ("linear"), in float64 from a fully sorted copy.
double reference_percentile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  const double position = q * static_cast<double>(v.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(position));
  const std::size_t above = std::min(below + 1, v.size() - 1);
  return v[below] + (position - static_cast<double>(below)) * (v[above] - v[below]);
}

TEST(Probe, PercentilesMatchAFullSort) {
  std::mt19937_64 rng(7);
  std::normal_distribution<float> normal(0.5f, 2.0f);
  for (const std::size_t n : {std::size_t{1}, std::size_t{2}, std::size_t{7}, std::size_t{1000}}) {
    std::vector<float> values(n);
    for (auto& v : values) v = normal(rng);
    const std::vector<double> wide(values.begin(), values.end());
    for (const double q : {0.0, 0.15, 0.5, 0.85, 1.0}) {
      std::vector<float> scratch = values;
      EXPECT_NEAR(percentile(scratch, q), reference_percentile(wide, q), 1e-12)
          << "n " << n << ", q " << q;
    }
  }
}

const std::string kProbed =
    "probe: {nodes: [norm_2], every: 3, rows: 50, range_fraction: [-1, 1]}\n";

std::string net(const std::string& name) {
  // Batch norm (running statistics) and dropout (random masks): the state a probe could disturb.
  return "name: " + name +
         "\n"
         "seed: 3\n"
         "data: {kind: synthetic, classes: 3, features: 8, train: 120, test: 60}\n"
         "model:\n"
         "  layers:\n"
         "    - repeat: 2\n"
         "      body: [{kind: dense, units: 16}, {kind: batch_norm, name: norm}, {kind: sigmoid},\n"
         "             {kind: dropout, ratio: 0.2}]\n"
         "    - {kind: dense, units: 3}\n"
         "  loss: {kind: softmax_cross_entropy}\n"
         "optimizer: {kind: sgd, lr: 0.1}\n"
         "train: {epochs: 6, batch_size: 20, eval: [train, test]}\n";
}

TEST(Probe, ProbingDuringTrainingChangesNothingTrainingDoes) {
  test::TempDir dir;
  const auto plain = dir.write("plain.yaml", net("p"));
  const auto probed = dir.write("probed.yaml", net("p") + kProbed);
  ASSERT_EQ(test::run_cli("run " + plain + " --out " + dir.file("a") + " -q").status, 0);
  const auto r = test::run_cli("run " + probed + " --out " + dir.file("b") + " -q");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(test::slurp(dir.file("a") + "/curves.csv"), test::slurp(dir.file("b") + "/curves.csv"));
  // 6 epochs of 6 updates (book mode: 120 / 20), probed before training and every 3 updates.
  std::vector<std::int64_t> updates;
  for (const ProbeStat& s : read_probe_stats(dir.file("b") + "/probe.csv")) {
    EXPECT_EQ(s.node, "norm_2");
    if (s.stat == "p50") updates.push_back(s.update);
    if (s.stat == "in_range") {
      EXPECT_GE(s.value, 0.0);
      EXPECT_LE(s.value, 1.0);
    }
  }
  ASSERT_FALSE(updates.empty());
  EXPECT_EQ(updates.front(), 0);
  for (std::size_t i = 1; i < updates.size(); ++i)
    EXPECT_EQ(updates[i], 3 * static_cast<std::int64_t>(i));
}

TEST(Probe, ASweepRecordsEachTrialsProbes) {
  test::TempDir dir;
  const auto spec =
      parse_experiment(net("s") + kProbed +
                           "search:\n  kind: grid\n  objective: {metric: test_acc, mode: max}\n"
                           "  space:\n    optimizer.lr: {values: [0.05, 0.1]}\n",
                       "s.yaml");
  SweepOptions options;
  options.out_dir = dir.file("out");
  run_sweep(spec, test::builtin_host(), options);
  std::map<std::int64_t, int> rows;
  for (const ProbeStat& s : read_probe_stats(dir.file("out") + "/probe.csv")) ++rows[s.trial];
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], rows[1]);
  EXPECT_EQ(rows[0] % 8, 0) << "8 stats per probe, in_range included";
}

TEST(Probe, AnUnknownProbedNodeFailsTheSweepBeforeAnyTrial) {
  const auto spec =
      parse_experiment(net("s") + "probe: {nodes: [nope], every: 3}\n" +
                           "search:\n  kind: grid\n  objective: {metric: test_acc, mode: max}\n"
                           "  space:\n    optimizer.lr: {values: [0.05, 0.1]}\n",
                       "s.yaml");
  test::TempDir dir;
  SweepOptions options;
  options.out_dir = dir.file("out");
  EXPECT_NE(test::error_of([&] {
              run_sweep(spec, test::builtin_host(), options);
            }).find("probe.nodes: no node named 'nope'"),
            std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir.file("out") + "/trials.csv"));
}

}  // namespace
}  // namespace nnlab
