// What a user sees of the results files from the command line: progress while work runs, and one
// clear line (file:line, column) when a results file is corrupt, with nothing lost.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <regex>

#include "cli.hpp"
#include "results/folder_lock.hpp"

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

}  // namespace
}  // namespace nnlab
