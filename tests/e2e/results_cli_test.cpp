// What a user sees of the results files from the command line: progress while work runs, and one
// clear line (file:line, column) when a results file is corrupt, with nothing lost.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <optional>
#include <random>
#include <regex>
#include <thread>

#include "cli.hpp"
#include "results/curves_file.hpp"
#include "results/folder_lock.hpp"
#include "results/trials_file.hpp"

namespace nnlab {
namespace {

using test::run_cli;
using test::slurp;

int lines(const std::string& text) {
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

const std::string kSweep =
    "search:\n"
    "  kind: grid\n"
    "  objective: {metric: test_acc, mode: max}\n"
    "  space:\n"
    "    optimizer.lr: {values: [0.05, 0.1, 0.2]}\n";

TEST(ResultsCli, ASweepShowsProgressLinesOffATerminalAndNoneWithQuiet) {
  test::TempDir dir;
  const auto file = dir.write("s.yaml", test::synthetic_experiment("s") + kSweep);
  const auto r = run_cli("sweep " + file + " --out " + dir.file("a") + " --parallel 1");
  ASSERT_EQ(r.status, 0) << r.err;
  // Not a terminal: a plain line per finished trial, the last one with no trial running.
  const std::regex line(
      R"(trials 3/3 \(0 failed, 0 pruned\), 0 running, best test_acc [01]\.\d{4} \(trial \d\), )"
      R"(\d+:\d\d elapsed, ~0:00 left)");
  EXPECT_TRUE(std::regex_search(r.err, line)) << r.err;
  EXPECT_NE(r.err.find("trials 1/3 (0 failed, 0 pruned), 0 running"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find('\r'), std::string::npos) << "no redrawing off a terminal";
  const auto quiet = run_cli("sweep " + file + " --out " + dir.file("b") + " -q");
  ASSERT_EQ(quiet.status, 0) << quiet.err;
  EXPECT_EQ(quiet.err, "");
}

TEST(ResultsCli, ARunShowsEpochsWithTimeLeft) {
  test::TempDir dir;
  const auto file = dir.write("r.yaml", test::synthetic_experiment("r"));
  const auto r = run_cli("run " + file + " --out " + dir.file("a") + " --set train.epochs=20");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(std::regex_search(r.err, std::regex(R"(epoch +10/20 .* elapsed, ~\d+:\d\d left)")))
      << r.err;
  const auto quiet = run_cli("run " + file + " --out " + dir.file("b") + " -q");
  ASSERT_EQ(quiet.status, 0);
  EXPECT_EQ(quiet.err, "");
}

TEST(ResultsCli, ReportOnACorruptCurvesFileIsOneLineNamingFileLineAndColumn) {
  test::TempDir dir;
  const auto file = dir.write("r.yaml", test::synthetic_experiment("r"));
  const auto out = dir.file("a");
  ASSERT_EQ(run_cli("run " + file + " --out " + out + " -q").status, 0);
  std::string curves = slurp(out + "/curves.csv");
  const std::size_t third = curves.find('\n', curves.find('\n', curves.find('\n') + 1) + 1);
  const std::size_t comma = curves.rfind(',', third);
  curves.replace(comma + 1, third - comma - 1, "0.9z");  // line 3's value
  dir.write("a/curves.csv", curves);
  const auto r = run_cli("report " + out);
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "nnlab: error: " + out +
                       "/curves.csv:3: column 'value': expected a number, got "
                       "'0.9z'\n");
  EXPECT_FALSE(std::filesystem::exists(out + "/report.html"));
}

TEST(ResultsCli, ResumeOnACorruptTrialsFileIsOneLineAndChangesNothing) {
  test::TempDir dir;
  const auto file = dir.write("s.yaml", test::synthetic_experiment("s") + kSweep);
  const auto out = dir.file("a");
  ASSERT_EQ(run_cli("sweep " + file + " --out " + out + " -q").status, 0);
  std::string trials = slurp(out + "/trials.csv");
  const std::size_t row = trials.find('\n') + 1;
  trials.replace(trials.find(",COMPLETE,", row), 10, ",DONE,");
  dir.write("a/trials.csv", trials);
  const std::string curves = slurp(out + "/curves.csv");
  const auto r = run_cli("sweep " + file + " --out " + out + " --resume");
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(lines(r.err), 1) << r.err;
  EXPECT_EQ(r.err, "nnlab: error: " + out +
                       "/trials.csv:2: column 'state': expected COMPLETE, "
                       "PRUNED or FAIL, got 'DONE'\n");
  EXPECT_EQ(slurp(out + "/trials.csv"), trials) << "nothing already written is lost";
  EXPECT_EQ(slurp(out + "/curves.csv"), curves);
}

TEST(ResultsCli, AFolderInUseIsRefusedBeforeAnythingIsWritten) {
  test::TempDir dir;
  const auto sweep = dir.write("s.yaml", test::synthetic_experiment("s") + kSweep);
  const auto run = dir.write("r.yaml", test::synthetic_experiment("r"));
  const auto out = dir.file("a");
  ASSERT_EQ(run_cli("sweep " + sweep + " --out " + out + " -q").status, 0);
  const std::string trials = slurp(out + "/trials.csv");
  {
    const FolderLock busy(out);  // as another nnlab sweeping into it would hold it
    for (const std::string& command : {"sweep " + sweep + " --out " + out + " --resume",
                                       "sweep " + sweep + " --out " + out + " --overwrite",
                                       "run " + run + " --out " + out + " --overwrite"}) {
      const auto r = run_cli(command);
      EXPECT_EQ(r.status, 1) << command;
      EXPECT_EQ(r.err, "nnlab: error: " + out + ": in use by another nnlab run or sweep (process " +
                           std::to_string(getpid()) +
                           "); wait for it to end, or give --out another folder\n")
          << command;
    }
    EXPECT_EQ(slurp(out + "/trials.csv"), trials);
    EXPECT_FALSE(std::filesystem::exists(out + "/experiment.yaml"));
  }
  EXPECT_EQ(run_cli("sweep " + sweep + " --out " + out + " --resume -q").status, 0)
      << "the lock goes with its holder";
}

/// The objective of each trial of a sweep's trials.csv.
std::map<std::int64_t, std::optional<double>> objectives(const std::string& trials) {
  std::map<std::int64_t, std::optional<double>> out;
  for (const auto& t : read_trials(trials, {"optimizer.lr"})) {
    EXPECT_TRUE(out.emplace(t.trial, t.objective).second) << "trial " << t.trial << " twice";
  }
  return out;
}

TEST(ResultsCli, SigintStopsASweepCleanlyAndResumeFinishesIt) {
  test::TempDir dir;
  const auto file = dir.write(
      "s.yaml",
      test::synthetic_experiment("s") +
          "search:\n  kind: random\n  trials: 30\n"
          "  objective: {metric: test_acc, mode: max}\n"
          "  space:\n    optimizer.lr: {distribution: log_uniform, min: 1.0e-3, max: 0.5}\n");
  const std::string out = dir.file("out"), err = dir.file("err");
  const pid_t child = test::start_cli(
      {"sweep", file, "--out", out, "--parallel", "2", "--set", "train.epochs=150"}, err);
  test::wait_for_text(out + "/trials.csv", "\n2,");  // interrupt once a few trials are recorded
  kill(child, SIGINT);
  const int status = test::wait_status(child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 128 + SIGINT);
  const std::string message = test::slurp(err);
  EXPECT_NE(message.find("nnlab: interrupted by SIGINT: "), std::string::npos) << message;
  EXPECT_NE(message.find("run the same command with --resume"), std::string::npos) << message;
  const std::string rows = test::slurp(out + "/trials.csv");
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows.back(), '\n') << "every recorded row is whole";
  const auto before = objectives(out + "/trials.csv");
  EXPECT_LT(before.size(), 30u) << "interrupted before the end";
  ASSERT_EQ(run_cli("sweep " + file + " --out " + out +
                    " --parallel 2 --set train.epochs=150 -q "
                    "--resume")
                .status,
            0);
  ASSERT_EQ(run_cli("sweep " + file + " --out " + dir.file("whole") +
                    " --parallel 2 --set train.epochs=150 -q")
                .status,
            0);
  const auto resumed = objectives(out + "/trials.csv");
  EXPECT_EQ(resumed.size(), 30u);
  EXPECT_EQ(resumed, objectives(dir.file("whole") + "/trials.csv"))
      << "the same trials and objectives as a sweep never interrupted";
}

TEST(ResultsCli, KillNineAtTwentyMomentsThenResumeLosesAndRepeatsNothing) {
  test::TempDir dir;
  const auto file = dir.write(
      "s.yaml",
      test::synthetic_experiment("s") +
          "search:\n  kind: random\n  trials: 40\n"
          "  objective: {metric: test_acc, mode: max}\n"
          "  space:\n    optimizer.lr: {distribution: log_uniform, min: 1.0e-3, max: 0.5}\n");
  const std::string out = dir.file("out");
  std::mt19937 moments(20261202);  // fixed: the same 20 moments every run
  std::uniform_int_distribution<int> after_ms(5, 120);
  int killed_mid_sweep = 0;
  for (int round = 0; round < 20; ++round) {
    const pid_t child = test::start_cli({"sweep", file, "--out", out, "--parallel", "2", "--set",
                                         "train.epochs=2000", "--set", "train.eval=[test]",
                                         round == 0 ? "--overwrite" : "--resume"});
    std::this_thread::sleep_for(std::chrono::milliseconds(after_ms(moments)));
    kill(child, SIGKILL);
    killed_mid_sweep += WIFSIGNALED(test::wait_status(child));
  }
  EXPECT_GE(killed_mid_sweep, 15) << "nearly every kill lands while the sweep runs";
  ASSERT_EQ(run_cli("sweep " + file + " --out " + out +
                    " --parallel 2 --set train.epochs=2000 --set train.eval=[test] -q "
                    "--resume")
                .status,
            0);
  ASSERT_EQ(run_cli("sweep " + file + " --out " + dir.file("whole") +
                    " --parallel 2 --set train.epochs=2000 --set train.eval=[test] -q")
                .status,
            0);
  const auto resumed = objectives(out + "/trials.csv");  // fails on a trial recorded twice
  EXPECT_EQ(resumed.size(), 40u);
  EXPECT_EQ(resumed, objectives(dir.file("whole") + "/trials.csv"));
  // Every curve row belongs to a recorded trial, each trial's curve is whole and there once.
  const Curves curves = read_curves(out + "/curves.csv");
  EXPECT_EQ(curves.size(), 40u);
  for (const auto& [trial, metrics] : curves)
    EXPECT_EQ(metrics.begin()->second.size(), 2000u) << "trial " << trial;
}

TEST(ResultsCli, SigtermStopsARunWithOneLineAndItsRowsKept) {
  test::TempDir dir;
  const auto file = dir.write("r.yaml", test::synthetic_experiment("r"));
  const std::string out = dir.file("out"), err = dir.file("err");
  const pid_t child =
      test::start_cli({"run", file, "--out", out, "-q", "--set", "train.epochs=1000000"}, err);
  test::wait_for_text(out + "/curves.csv", "\n0,3,");
  kill(child, SIGTERM);
  const int status = test::wait_status(child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 128 + SIGTERM);
  EXPECT_EQ(test::slurp(err), "nnlab: interrupted by SIGTERM: the evaluations so far are in " +
                                  out + "/curves.csv\n");
  const Curves curves = read_curves(out + "/curves.csv");
  EXPECT_GE(curves.at(0).begin()->second.size(), 4u) << "the rows written before stay";
}

}  // namespace
}  // namespace nnlab
