// `mpirun -np N nnlab sweep FILE`, run here as users run it (mpiexec --oversubscribe: 3 ranks on
// this machine's cores; as root Open MPI needs its two OMPI_ALLOW_RUN_AS_ROOT variables): the
// same trials.csv objectives as one process at the same number of trials at once, for a strategy
// that ignores results and one that learns; one rank is the usual sweep; a rank that cannot set up
// fails the job at start with its own line.
#include <gtest/gtest.h>

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "cli.hpp"
#include "results/csv.hpp"
#include "test_support.hpp"

namespace nnlab {
namespace {

const std::string kRoot = "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1";

bool mpiexec_installed() { return test::run_program("mpiexec", "--version").status == 0; }

/// `mpiexec --oversubscribe -np <ranks> nnlab <args>`.
test::CliOutcome mpi_cli(int ranks, const std::string& args, const std::string& env = "") {
  return test::run_program(
      "mpiexec", "--oversubscribe -np " + std::to_string(ranks) + " " + NNLAB_CLI + " " + args,
      kRoot + " " + env);
}

std::string sweep_yaml(const std::string& kind, int parallel) {
  return "name: s\nseed: 5\n"
         "data: {kind: synthetic, classes: 3, features: 8, train: 240, test: 60}\n"
         "model:\n  layers:\n"
         "    - {kind: dense, units: 16}\n"
         "    - {kind: relu}\n"
         "    - {kind: dense, units: 3}\n"
         "  loss: {kind: softmax_cross_entropy}\n"
         "optimizer: {kind: sgd, lr: 0.1}\n"
         "train: {epochs: 3, batch_size: 20, sampling: shuffle, eval: [test]}\n"
         "search:\n"
         "  kind: " +
         kind +
         "\n"
         "  trials: 12\n"
         "  objective: {metric: test_acc, mode: max}\n"
         "  space:\n"
         "    optimizer.lr: {distribution: log_uniform, min: 0.001, max: 1.0}\n"
         "    model.layers[0].units: {distribution: int, min: 4, max: 32}\n"
         "execution: {threads_per_trial: 1, parallel_trials: " +
         std::to_string(parallel) + "}\n";
}

/// trial -> (its parameters and objective) from trials.csv.
std::map<std::string, std::string> objectives(const std::string& dir) {
  std::map<std::string, std::string> rows;
  std::istringstream in(test::slurp(dir + "/trials.csv"));
  std::string line;
  std::getline(in, line);
  const auto header = parse_csv_line(line);
  std::size_t objective = 0, lr = 0, units = 0;
  for (std::size_t c = 0; c < header.size(); ++c) {
    if (header[c] == "objective") objective = c;
    if (header[c] == "optimizer.lr") lr = c;
    if (header[c] == "model.layers[0].units") units = c;
  }
  while (std::getline(in, line)) {
    const auto f = parse_csv_line(line);
    rows[f.at(0)] = f.at(lr) + " " + f.at(units) + " -> " + f.at(objective);
  }
  return rows;
}

TEST(MpiSweep, ThreeRanksGiveTheTrialsOfOneProcessForRandomAndTpe) {
  if (!mpiexec_installed()) GTEST_SKIP() << "no mpiexec (openmpi-bin)";
  test::TempDir dir;
  for (const std::string kind : {"random", "tpe"}) {
    // One slot per rank under MPI, three slots in one process: three trials at once in both, so a
    // strategy that learns is told the same results before each ask.
    const std::string one = dir.write(kind + "_1.yaml", sweep_yaml(kind, 3));
    const std::string per_rank = dir.write(kind + "_3.yaml", sweep_yaml(kind, 1));
    const auto alone =
        test::run_cli("sweep " + one + " --out " + dir.file(kind + "_alone") + " -q");
    ASSERT_EQ(alone.status, 0) << alone.err;
    const auto mpi = mpi_cli(3, "sweep " + per_rank + " --out " + dir.file(kind + "_mpi"));
    ASSERT_EQ(mpi.status, 0) << mpi.err;
    EXPECT_NE(mpi.err.find("3 at a time (2 on other ranks)"), std::string::npos) << mpi.err;
    const auto expected = objectives(dir.file(kind + "_alone"));
    ASSERT_EQ(expected.size(), 12u);
    EXPECT_EQ(objectives(dir.file(kind + "_mpi")), expected) << kind;
  }
}

TEST(MpiSweep, OneRankIsTheUsualSweep) {
  if (!mpiexec_installed()) GTEST_SKIP() << "no mpiexec (openmpi-bin)";
  test::TempDir dir;
  const std::string file = dir.write("s.yaml", sweep_yaml("random", 2));
  ASSERT_EQ(test::run_cli("sweep " + file + " --out " + dir.file("alone") + " -q").status, 0);
  const auto mpi = mpi_cli(1, "sweep " + file + " --out " + dir.file("mpi") + " -q");
  ASSERT_EQ(mpi.status, 0) << mpi.err;
  EXPECT_EQ(objectives(dir.file("mpi")), objectives(dir.file("alone")));
}

TEST(MpiSweep, ARankThatCannotSetUpFailsTheJobWithItsLineBeforeAnyTrial) {
  if (!mpiexec_installed()) GTEST_SKIP() << "no mpiexec (openmpi-bin)";
  test::TempDir dir;
  const std::string file = dir.write("s.yaml", sweep_yaml("random", 1));
  const std::string out = dir.file("out");
  // Rank 2 alone looks for plugins in a folder anyone may write to, which nnlab refuses.
  const std::string sweep = std::string(NNLAB_CLI) + " sweep " + file + " --out " + out;
  const auto mpi = test::run_program(
      "mpiexec", "--oversubscribe -np 2 " + sweep + " : -np 1 -x NNLAB_PLUGIN_PATH=/tmp " + sweep,
      kRoot);
  EXPECT_NE(mpi.status, 0);
  EXPECT_NE(mpi.err.find("nnlab: error: rank 2: "), std::string::npos) << mpi.err;
  EXPECT_NE(mpi.err.find("/tmp"), std::string::npos) << mpi.err;
  EXPECT_FALSE(std::filesystem::exists(out + "/trials.csv")) << "no trial ran";
}

/// The pid of the process whose environment says it is rank `rank` of an MPI job running `file`,
/// or 0.
pid_t rank_pid(const std::string& file, int rank) {
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream cmdline(entry.path() / "cmdline");
    std::string command((std::istreambuf_iterator<char>(cmdline)), {});
    if (command.find(file) == std::string::npos || command.find("mpiexec") != std::string::npos)
      continue;
    std::ifstream environ(entry.path() / "environ");
    std::string variables((std::istreambuf_iterator<char>(environ)), {});
    if (variables.find("OMPI_COMM_WORLD_RANK=" + std::to_string(rank) + '\0') != std::string::npos)
      return static_cast<pid_t>(std::stol(name));
  }
  return 0;
}

// A rank killed mid-sweep takes the job with it (Open MPI's default); --resume in one process then
// runs exactly the unfinished trials: 12 distinct trials, with the objectives of a sweep never
// killed.
TEST(MpiSweep, ARankKilledMidSweepEndsTheJobAndResumeLosesAndRepeatsNothing) {
  if (!mpiexec_installed()) GTEST_SKIP() << "no mpiexec (openmpi-bin)";
  test::TempDir dir;
  std::string yaml = sweep_yaml("random", 1);
  yaml.replace(yaml.find("epochs: 3"), 9, "epochs: 40");  // trials long enough to be caught
  const std::string file = dir.write("slow.yaml", yaml);
  ASSERT_EQ(test::run_cli("sweep " + file + " --out " + dir.file("whole") + " -q").status, 0);
  const std::string out = dir.file("part");
  const std::string command = kRoot + " mpiexec --oversubscribe -np 3 " + NNLAB_CLI + " sweep " +
                              file + " --out " + out + " -q >/dev/null 2>&1 &";
  ASSERT_EQ(std::system(command.c_str()), 0);
  // Once some trials are in, kill rank 1 with SIGKILL.
  const std::string trials = out + "/trials.csv";
  for (int i = 0; i < 3000; ++i) {
    std::istringstream rows(test::slurp(trials));
    std::string line;
    int count = 0;
    while (std::getline(rows, line)) ++count;
    if (count >= 3) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  const pid_t victim = rank_pid(file, 1);
  ASSERT_GT(victim, 0) << "rank 1 is running";
  ASSERT_EQ(kill(victim, SIGKILL), 0);
  // mpiexec aborts the job: every rank goes.
  for (int i = 0; i < 3000 && (rank_pid(file, 0) != 0 || rank_pid(file, 2) != 0); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_EQ(rank_pid(file, 0), 0) << "the job ended";
  const auto kept = objectives(out);
  EXPECT_LT(kept.size(), 12u) << "killed mid-sweep";
  const auto resumed = test::run_cli("sweep " + file + " --out " + out + " --resume -q");
  ASSERT_EQ(resumed.status, 0) << resumed.err;
  EXPECT_EQ(objectives(out), objectives(dir.file("whole")));
  const std::string rows = test::slurp(trials);
  EXPECT_EQ(std::count(rows.begin(), rows.end(), '\n'), 13) << "a header and 12 rows, none twice";
}

}  // namespace
}  // namespace nnlab
