// `nnlab trials` and `nnlab importance`: reading a sweep from the terminal, as a user does after
// `nnlab sweep`, on real sweeps and on results folders written by hand (for exact expectations).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <sstream>

#include "cli.hpp"
#include "results/importance_file.hpp"
#include "results/trials_file.hpp"

namespace nnlab {
namespace {

using test::run_cli;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

const std::vector<std::string> kParameters = {"optimizer.lr", "train.batch_size",
                                              "model.layers[0].body[0].units"};

/// A sweep's results folder written by hand: sweep.yaml over kParameters and the given rows.
std::string write_sweep(const test::TempDir& dir, const std::vector<TrialRecord>& rows,
                        const std::string& mode = "max") {
  const std::string out = dir.file("sweep");
  std::filesystem::create_directories(out);
  dir.write("sweep/sweep.yaml",
            test::synthetic_experiment("hand") +
                "search:\n"
                "  kind: random\n"
                "  trials: 100\n"
                "  objective: {metric: test_acc, mode: " +
                mode +
                "}\n"
                "  space:\n"
                "    optimizer.lr: {distribution: uniform, min: 0.01, max: 1.0}\n"
                "    train.batch_size: {values: [10, 20, 40]}\n"
                "    model.layers[0].body[0].units: {distribution: int, min: 2, max: 32}\n");
  TrialsWriter writer(out + "/trials.csv", kParameters);
  for (const auto& r : rows) writer.append(r);
  return out;
}

TrialRecord row(std::int64_t trial, TrialState state, std::optional<double> objective,
                std::vector<std::string> values, double duration, std::string reason = "") {
  TrialRecord r;
  r.trial = trial;
  r.state = state;
  r.objective = objective;
  r.values = std::move(values);
  r.duration_s = duration;
  r.fail_reason = std::move(reason);
  r.started_at = r.finished_at = "2026-12-01T00:00:00.000Z";
  r.config_hash = "0";
  return r;
}

std::vector<TrialRecord> four_trials() {
  return {row(0, TrialState::complete, 0.5, {"0.1", "10", "4"}, 1.5),
          row(1, TrialState::failed, std::nullopt, {"0.9", "20", "8"}, 0.25, "nan"),
          row(2, TrialState::complete, 0.75, {"0.2", "40", "16"}, 3.0),
          row(3, TrialState::pruned, 0.125, {"0.5", "10", "32"}, 0.5)};
}

/// The trial numbers of a table's rows, in order (after the summary line and the header).
std::vector<std::string> trial_column(const std::string& table) {
  std::vector<std::string> trials;
  const auto lines = lines_of(table);
  for (std::size_t i = 2; i < lines.size(); ++i) {
    std::istringstream fields(lines[i]);
    std::string first;
    fields >> first;
    trials.push_back(first);
  }
  return trials;
}

TEST(TrialsCli, ShowsEveryTrialAlignedWithStateObjectiveParametersAndReason) {
  test::TempDir dir;
  const auto out = write_sweep(dir, four_trials());
  const auto r = run_cli("trials " + out);
  ASSERT_EQ(r.status, 0) << r.err;
  const auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 6u) << r.out;
  EXPECT_EQ(lines[0],
            out + ": 4 trials (2 complete, 1 pruned, 1 failed); objective test_acc (max)");
  EXPECT_EQ(trial_column(r.out), (std::vector<std::string>{"0", "1", "2", "3"}));
  const std::string& header = lines[1];
  for (const auto& column : {"trial", "state", "objective", "optimizer.lr", "train.batch_size",
                             "model.layers[0].body[0].units", "duration_s", "reason"}) {
    EXPECT_NE(header.find(column), std::string::npos) << column << "\n" << r.out;
  }
  // Numbers are right-aligned under their header: each ends where "objective" ends.
  const std::size_t objective_end = header.find("objective") + std::string("objective").size();
  for (std::size_t i = 2; i < lines.size(); ++i) {
    ASSERT_GE(lines[i].size(), objective_end) << lines[i];
    EXPECT_NE(lines[i][objective_end - 1], ' ') << lines[i];
    EXPECT_EQ(lines[i][objective_end], ' ') << lines[i];
  }
  EXPECT_NE(lines[3].find("FAIL"), std::string::npos);
  EXPECT_EQ(lines[3].substr(lines[3].size() - 3), "nan") << "the failure's reason, last";
  EXPECT_NE(lines[2].find("0.5 "), std::string::npos) << lines[2];
}

TEST(TrialsCli, SortsFiltersAndCuts) {
  test::TempDir dir;
  const auto out = write_sweep(dir, four_trials());
  // Best first (max); the failed trial, which has no objective, last.
  auto r = run_cli("trials " + out + " --sort objective");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(trial_column(r.out), (std::vector<std::string>{"2", "0", "3", "1"})) << r.out;
  r = run_cli("trials " + out + " --sort objective --top 2");
  EXPECT_EQ(trial_column(r.out), (std::vector<std::string>{"2", "0"})) << r.out;
  EXPECT_NE(lines_of(r.out)[0].find("; 2 shown"), std::string::npos) << r.out;
  r = run_cli("trials " + out + " --sort duration");
  EXPECT_EQ(trial_column(r.out), (std::vector<std::string>{"2", "0", "3", "1"})) << r.out;
  r = run_cli("trials " + out + " --state FAIL");
  EXPECT_EQ(trial_column(r.out), (std::vector<std::string>{"1"})) << r.out;
  r = run_cli("trials " + out + " --state COMPLETE --sort objective");
  EXPECT_EQ(trial_column(r.out), (std::vector<std::string>{"2", "0"})) << r.out;
  EXPECT_EQ(lines_of(r.out)[1].find("reason"), std::string::npos) << "no failure shown, no reason";

  // Minimized, the order turns around.
  test::TempDir other;
  const auto min = write_sweep(other, four_trials(), "min");
  r = run_cli("trials " + min + " --sort objective");
  EXPECT_EQ(trial_column(r.out), (std::vector<std::string>{"3", "0", "2", "1"})) << r.out;
}

TEST(TrialsCli, BadOptionsAndFoldersAreOneLine) {
  test::TempDir dir;
  const auto out = write_sweep(dir, four_trials());
  auto r = run_cli("trials " + out + " --state DONE");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "nnlab trials: --state: expected COMPLETE, PRUNED or FAIL, got 'DONE'\n");
  r = run_cli("trials " + out + " --sort speed");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(lines_of(r.err).size(), 1u) << r.err;
  r = run_cli("trials " + dir.file("nowhere"));
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "nnlab: error: " + dir.file("nowhere") + ": no such results folder\n");
  r = run_cli("trials");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("missing RESULTS_DIR"), std::string::npos) << r.err;
}

TEST(ImportanceCli, RanksADominantParameterFirstAndWritesImportanceCsv) {
  // f = 10·lr² + units/32 on 80 trials written by hand, batch size unused.
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> unit(0, 1);
  std::vector<TrialRecord> rows;
  for (int i = 0; i < 80; ++i) {
    const double lr = 0.01 + 0.99 * unit(rng);
    const int units = 2 + static_cast<int>(unit(rng) * 31);
    const char* batch[] = {"10", "20", "40"};
    char lr_text[32];
    std::snprintf(lr_text, sizeof lr_text, "%.9g", lr);
    rows.push_back(row(i, TrialState::complete, 10 * lr * lr + units / 32.0,
                       {lr_text, batch[i % 3], std::to_string(units)}, 1));
  }
  rows.push_back(row(80, TrialState::failed, std::nullopt, {"0.5", "10", "4"}, 1, "nan"));
  test::TempDir dir;
  const auto out = write_sweep(dir, rows);
  const auto r = run_cli("importance " + out);
  ASSERT_EQ(r.status, 0) << r.err;
  const auto lines = lines_of(r.out);
  ASSERT_GE(lines.size(), 6u) << r.out;
  EXPECT_EQ(lines[0], "fANOVA of " + out + " over 80 complete trials (objective test_acc)");
  EXPECT_NE(lines[2].find("   1  optimizer.lr "), std::string::npos) << r.out;
  EXPECT_EQ(lines.back(), "saved: " + out + "/importance.csv");

  const auto records = read_importance(out + "/importance.csv");
  ASSERT_EQ(records.size(), 3u);
  double total = 0;
  for (std::size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(records[i].rank, static_cast<std::int64_t>(i) + 1);
    EXPECT_EQ(records[i].trials, 80);
    EXPECT_EQ(records[i].method, "fanova");
    if (i > 0) {
      EXPECT_LE(records[i].importance, records[i - 1].importance);
    }
    total += records[i].importance;
  }
  EXPECT_NEAR(total, 1, 1e-6);
  EXPECT_EQ(records[0].parameter, "optimizer.lr");
  EXPECT_GT(records[0].importance, 0.7);
  EXPECT_EQ(records[2].parameter, "train.batch_size");
  EXPECT_LT(records[2].importance, 0.05);
  EXPECT_FALSE(std::filesystem::exists(out + "/importance.csv.tmp"));

  // PED-ANOVA agrees on the first place; --top cuts the table, not the file.
  const auto ped = run_cli("importance " + out + " --method ped-anova --top 1");
  ASSERT_EQ(ped.status, 0) << ped.err;
  EXPECT_EQ(lines_of(ped.out).size(), 4u) << ped.out;
  EXPECT_NE(ped.out.find("   1  optimizer.lr "), std::string::npos) << ped.out;
  const auto ped_records = read_importance(out + "/importance.csv");
  ASSERT_EQ(ped_records.size(), 3u);
  EXPECT_EQ(ped_records[0].method, "ped-anova");
  EXPECT_EQ(ped_records[0].parameter, "optimizer.lr");
}

TEST(ImportanceCli, ARealSweepEndToEnd) {
  test::TempDir dir;
  const auto file = dir.write(
      "s.yaml", test::synthetic_experiment(
                    "s",
                    "search:\n"
                    "  kind: random\n"
                    "  trials: 12\n"
                    "  objective: {metric: test_acc, mode: max}\n"
                    "  space:\n"
                    "    optimizer.lr: {distribution: log_uniform, min: 1.0e-4, max: 1.0}\n"
                    "    optimizer.kind: {values: [sgd, momentum]}\n"));
  const auto out = dir.file("out");
  ASSERT_EQ(run_cli("sweep " + file + " --out " + out + " -q").status, 0);
  for (const std::string method : {"fanova", "ped-anova"}) {
    const auto r = run_cli("importance " + out + " --method " + method);
    ASSERT_EQ(r.status, 0) << r.err;
    const auto records = read_importance(out + "/importance.csv");
    ASSERT_EQ(records.size(), 2u) << method;
    EXPECT_NEAR(records[0].importance + records[1].importance, 1, 1e-6) << method;
    EXPECT_EQ(records[0].trials, 12) << method;
  }
  const auto table = run_cli("trials " + out + " --sort objective --top 3");
  ASSERT_EQ(table.status, 0) << table.err;
  EXPECT_EQ(lines_of(table.out).size(), 5u) << table.out;
}

TEST(ImportanceCli, BadInputIsOneLineNamingThePath) {
  test::TempDir dir;
  auto r = run_cli("importance " + dir.file("nowhere"));
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "nnlab: error: " + dir.file("nowhere") + ": no such results folder\n");

  // A single run's folder is not a sweep's.
  const auto run = dir.write("r.yaml", test::synthetic_experiment("r"));
  ASSERT_EQ(run_cli("run " + run + " --out " + dir.file("run") + " -q").status, 0);
  r = run_cli("importance " + dir.file("run"));
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(lines_of(r.err).size(), 1u) << r.err;
  EXPECT_NE(r.err.find(dir.file("run") + ": the results of a single run"), std::string::npos)
      << r.err;

  // One complete trial (the others failed or were pruned).
  const auto out = write_sweep(dir, four_trials());
  r = run_cli("importance " + out);
  EXPECT_EQ(r.status, 0) << "two complete trials are enough: " << r.err;
  test::TempDir other;
  auto rows = four_trials();
  rows[2].state = TrialState::pruned;
  const auto one = write_sweep(other, rows);
  r = run_cli("importance " + one);
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "nnlab: error: " + one +
                       "/trials.csv: 1 complete trial(s) with a finite objective; parameter "
                       "importance needs at least 2\n");
  EXPECT_FALSE(std::filesystem::exists(one + "/importance.csv"));

  r = run_cli("importance " + out + " --method shap");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.err, "nnlab importance: --method: expected fanova or ped-anova, got 'shap'\n");
}

}  // namespace
}  // namespace nnlab
