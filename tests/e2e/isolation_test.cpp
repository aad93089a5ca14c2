// Process isolation (execution.isolation: process), as a user meets it through the nnlab command:
// a fixture layer that segfaults, aborts, exits, allocates past the memory limit or sleeps past
// the timeout fails only its own trial, with the reason, and every healthy trial gives the very
// objective the in-thread mode gives; Ctrl-C stops the workers and --resume finishes the sweep.
// Through the CLI because workers are the nnlab executable itself.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "cli.hpp"
#include "results/trials_file.hpp"
#include "test_support.hpp"

namespace nnlab {
namespace {

const std::string kHazard = std::string(NNLAB_TEST_FIXTURES) + "/test_hazard.so";
const std::vector<std::string> kParameters = {"model.layers[2].value", "optimizer.lr"};

/// A small grid sweep whose third layer is the fixture's hazard; `hazards` sets its *_at keys,
/// `values` the searched hazard values, `execution` the execution: block.
std::string hazard_sweep(const std::string& hazards, const std::string& values,
                         const std::string& lrs, const std::string& execution) {
  return "name: hazards\n"
         "seed: 5\n"
         "data: {kind: synthetic, classes: 3, features: 8, train: 120, test: 60}\n"
         "model:\n"
         "  layers:\n"
         "    - {kind: dense, units: 16}\n"
         "    - {kind: relu}\n"
         "    - {kind: hazard, value: 0" +
         hazards +
         "}\n"
         "    - {kind: dense, units: 3}\n"
         "  loss: {kind: softmax_cross_entropy}\n"
         "optimizer: {kind: sgd, lr: 0.1}\n"
         "train: {epochs: 4, batch_size: 20, eval: [train, test]}\n"
         "search:\n"
         "  kind: grid\n"
         "  objective: {metric: test_acc, mode: max}\n"
         "  space:\n"
         "    model.layers[2].value: {values: [" +
         values +
         "]}\n"
         "    optimizer.lr: {values: [" +
         lrs + "]}\n" + "execution: {" + execution + "}\n";
}

std::map<std::int64_t, TrialRecord> trials_of(const std::string& out) {
  std::map<std::int64_t, TrialRecord> by_trial;
  for (auto& r : read_trials(out + "/trials.csv", kParameters, false)) by_trial[r.trial] = r;
  return by_trial;
}

TEST(ProcessIsolation, CrashesLimitsAndTimeoutsFailOnlyTheirTrialsWithTheirReasons) {
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  // A sanitizer turns the worker's SIGSEGV into its own report and exit code, and reserves
  // terabytes of shadow address space, so an address-space limit cannot be set under one.
  GTEST_SKIP() << "crashes and RLIMIT_AS are the sanitizer's business under a sanitizer";
#endif
  test::TempDir dir;
  const std::string values = "0, 1, 2, 3, 4, 5, 6", lrs = "0.05, 0.2";
  const std::string hazards =
      ", segfault_at: 1, allocate_at: 2, sleep_at: 3, exit_at: 4, abort_at: 5";
  const std::string in_processes = dir.write(
      "p.yaml", hazard_sweep(hazards, values, lrs,
                             "isolation: process, parallel_trials: 3, trial_memory: 256 MiB, "
                             "trial_timeout: 2"));
  // The in-thread reference: the same trials with the hazards disarmed (they would take the
  // sweep's own process down), one at a time and two at a time.
  const std::string in_threads = dir.write("t.yaml", hazard_sweep("", values, lrs, ""));
  const std::string plugin = " --plugin-path " + kHazard;
  const auto run =
      test::run_cli("sweep " + in_processes + plugin + " --out " + dir.file("process") + " -q");
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_NE(run.out.find("done: 4 complete, 0 pruned, 10 failed"), std::string::npos) << run.out;
  for (const std::string parallel : {"1", "2"}) {
    const auto reference =
        test::run_cli("sweep " + in_threads + plugin + " --parallel " + parallel + " --out " +
                      dir.file("thread" + parallel) + " -q");
    ASSERT_EQ(reference.status, 0) << reference.err;
  }

  const std::map<std::string, std::string> reason_of_value = {{"1", "signal 11 (SIGSEGV)"},
                                                              {"2", "memory limit 256 MiB"},
                                                              {"3", "timeout 2 s"},
                                                              {"4", "exit 3"},
                                                              {"5", "signal 6 (SIGABRT)"}};
  const auto process = trials_of(dir.file("process"));
  ASSERT_EQ(process.size(), 14u);
  for (const std::string parallel : {"1", "2"}) {
    const auto thread = trials_of(dir.file("thread" + parallel));
    ASSERT_EQ(thread.size(), 14u);
    for (const auto& [k, r] : process) {
      const TrialRecord& reference = thread.at(k);
      ASSERT_EQ(r.values, reference.values) << "trial " << k << ": the same grid point";
      const auto reason = reason_of_value.find(r.values[0]);
      if (reason == reason_of_value.end()) {
        EXPECT_EQ(r.state, TrialState::complete) << k << ": " << r.fail_reason;
        ASSERT_TRUE(r.objective && reference.objective) << k;
        // Bit for bit: the same code on the same shared bytes of data, the same seeds.
        EXPECT_EQ(*r.objective, *reference.objective) << "trial " << k;
        EXPECT_EQ(r.updates, reference.updates) << k;
      } else {
        EXPECT_EQ(r.state, TrialState::failed) << k;
        EXPECT_EQ(r.fail_reason, reason->second) << k;
        EXPECT_FALSE(r.config_hash.empty()) << k << ": a failed row still names its config";
      }
    }
  }
}

TEST(ProcessIsolation, ABadIsolationOrLimitIsOneLineBeforeAnyTrial) {
  test::TempDir dir;
  const std::string values = "0", lrs = "0.1";
  const auto error = [&](const std::string& execution, const std::string& args = "") {
    const std::string file = dir.write("e.yaml", hazard_sweep("", values, lrs, execution));
    const auto r = test::run_cli("sweep " + file + " --plugin-path " + kHazard + " --out " +
                                 dir.file("out") + " " + args);
    EXPECT_NE(r.status, 0) << execution;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir.file("out") + "/trials.csv")) << execution;
    return r.err;
  };
  EXPECT_NE(error("isolation: fork")
                .find("execution.isolation: expected thread or process, got "
                      "'fork'"),
            std::string::npos);
  EXPECT_NE(error("isolation: process, trial_memory: 2 GB").find("execution.trial_memory"),
            std::string::npos);
  EXPECT_NE(error("trial_timeout: 10").find("add isolation: process"), std::string::npos);
  EXPECT_NE(error("isolation: process, trial_timeout: -1").find("execution.trial_timeout"),
            std::string::npos);
  EXPECT_NE(error("", "--isolation forks").find("--isolation: expected thread or process"),
            std::string::npos);
}

/// The pids of `parent`'s children.
std::set<pid_t> children_of(pid_t parent) {
  std::set<pid_t> children;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    if (!std::getline(stat, line)) continue;
    // pid (comm) state ppid ...: comm may hold spaces, so read after its closing parenthesis.
    const auto close = line.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(line.substr(close + 2));
    char state = 0;
    pid_t ppid = 0;
    rest >> state >> ppid;
    if (ppid == parent) children.insert(std::stoi(entry.path().filename().string()));
  }
  return children;
}

TEST(ProcessIsolation, CtrlCStopsTheWorkersAndResumeFinishesTheSweep) {
  test::TempDir dir;
  // Trials with value 3 sleep an hour: only a stop (or, on resume, a timeout) ends them.
  const std::string values = "0, 3", lrs = "0.05, 0.1, 0.2, 0.3";
  const std::string file = dir.write(
      "s.yaml",
      hazard_sweep(", sleep_at: 3", values, lrs, "isolation: process, parallel_trials: 2"));
  const std::string out = dir.file("out");
  const pid_t sweep = test::start_cli({"sweep", file, "--plugin-path", kHazard, "--out", out, "-q"},
                                      dir.file("err"));
  // Whatever fails below, the sweep and its hour-long sleepers do not outlive the test.
  struct StopSweep {
    pid_t pid;
    bool stopped = false;
    ~StopSweep() {
      if (stopped) return;
      kill(pid, SIGINT);
      test::wait_status(pid);
    }
  } stop{sweep};
  // Wait until the four healthy trials are done: both slots then hold a sleeping trial.
  const auto complete = [&] {
    const std::string rows = test::slurp(out + "/trials.csv");
    std::size_t n = 0;
    for (auto at = rows.find(",COMPLETE,"); at != std::string::npos;
         at = rows.find(",COMPLETE,", at + 1))
      ++n;
    return n;
  };
  for (int i = 0; i < 1200 && complete() < 4; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_EQ(complete(), 4u);
  std::set<pid_t> workers;
  for (int i = 0; i < 200 && workers.size() < 2; ++i) {
    workers = children_of(sweep);
    if (workers.size() < 2) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(workers.size(), 2u) << "two worker processes";
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  // A worker killed from outside fails its trial with the signal; the sweep replaces it.
  kill(*workers.begin(), SIGTERM);
  test::wait_for_text(out + "/trials.csv", "signal 15 (SIGTERM)");
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  kill(sweep, SIGINT);
  const int status = test::wait_status(sweep);
  stop.stopped = true;
  ASSERT_TRUE(WIFEXITED(status)) << status;
  EXPECT_EQ(WEXITSTATUS(status), 128 + SIGINT) << test::slurp(dir.file("err"));
  EXPECT_NE(test::slurp(dir.file("err")).find("--resume"), std::string::npos);
  for (const pid_t worker : children_of(sweep)) ADD_FAILURE() << "worker " << worker << " left";
  for (const pid_t worker : workers)
    EXPECT_NE(kill(worker, 0), 0) << "worker " << worker << " still runs";
  for (const auto& entry : std::filesystem::directory_iterator("/dev/shm"))
    EXPECT_NE(entry.path().filename().string().rfind("nnlab-" + std::to_string(sweep) + "-", 0), 0u)
        << entry.path() << " left behind";

  // Resume with a timeout (a resumed sweep may change its limits): the sleepers fail, the rest
  // run or are kept, and nothing is lost or repeated.
  const auto resumed = test::run_cli("sweep " + file + " --plugin-path " + kHazard + " --out " +
                                     out + " --resume --set execution.trial_timeout=0.5 -q");
  ASSERT_EQ(resumed.status, 0) << resumed.err;
  const auto trials = trials_of(out);
  ASSERT_EQ(trials.size(), 8u);
  int killed = 0;
  for (const auto& [k, r] : trials) {
    EXPECT_EQ(r.state, r.values[0] == "3" ? TrialState::failed : TrialState::complete) << k;
    if (r.values[0] != "3") continue;
    killed += r.fail_reason == "signal 15 (SIGTERM)";
    if (r.fail_reason != "signal 15 (SIGTERM)") {
      EXPECT_EQ(r.fail_reason, "timeout 0.5 s") << k;
    }
  }
  EXPECT_EQ(killed, 1) << "the killed trial's row was kept, not rerun";
}

TEST(ProcessIsolation, APrunerDecidesInTheCoordinatorAsInThreadMode) {
  test::TempDir dir;
  const std::string yaml = hazard_sweep("", "0", "0.05, 0.1, 0.2, 0.3", "parallel_trials: 1");
  const std::string pruned = yaml.substr(0, yaml.find("  space:")) +
                             "  pruner: {kind: prune_odd}\n" + yaml.substr(yaml.find("  space:"));
  const std::string file = dir.write("s.yaml", pruned);
  const std::string plugins =
      " --plugin-path " + kHazard + " --plugin-path " + NNLAB_TEST_FIXTURES "/test_prune_odd.so";
  for (const std::string isolation : {"thread", "process"}) {
    const auto r = test::run_cli("sweep " + file + plugins + " --isolation " + isolation +
                                 " --out " + dir.file(isolation) + " -q");
    ASSERT_EQ(r.status, 0) << r.err;
  }
  const auto thread = trials_of(dir.file("thread")), process = trials_of(dir.file("process"));
  ASSERT_EQ(process.size(), 4u);
  for (const auto& [k, r] : process) {
    EXPECT_EQ(r.state, k % 2 == 1 ? TrialState::pruned : TrialState::complete) << k;
    EXPECT_EQ(r.state, thread.at(k).state) << k;
    EXPECT_EQ(r.objective, thread.at(k).objective) << k;
    EXPECT_EQ(r.last_epoch, thread.at(k).last_epoch) << k;
    EXPECT_EQ(r.updates, thread.at(k).updates) << k;
  }
  EXPECT_EQ(test::slurp(dir.file("process") + "/curves.csv"),
            test::slurp(dir.file("thread") + "/curves.csv"));
}

TEST(ProcessIsolation, ASearchedPreprocessingIsSharedWithTheWorkersToo) {
  // data.scale makes a second preparation of the data, which the sweep publishes before the first
  // trial that needs it reaches a worker.
  test::TempDir dir;
  std::string yaml = hazard_sweep("", "0", "0.05, 0.2", "parallel_trials: 2");
  yaml.insert(yaml.find("  space:\n") + 9, "    data.scale: {values: [minmax, standardize]}\n");
  const std::string file = dir.write("s.yaml", yaml);
  for (const std::string isolation : {"thread", "process"}) {
    const auto r = test::run_cli("sweep " + file + " --plugin-path " + kHazard + " --isolation " +
                                 isolation + " --out " + dir.file(isolation) + " -q");
    ASSERT_EQ(r.status, 0) << r.err;
  }
  const std::vector<std::string> parameters = {"data.scale", "model.layers[2].value",
                                               "optimizer.lr"};
  const auto thread = read_trials(dir.file("thread") + "/trials.csv", parameters, false);
  const auto process = read_trials(dir.file("process") + "/trials.csv", parameters, false);
  ASSERT_EQ(process.size(), 4u);
  std::map<std::int64_t, std::optional<double>> objective;
  for (const auto& r : thread) objective[r.trial] = r.objective;
  std::set<std::string> scales;
  for (const auto& r : process) {
    EXPECT_EQ(r.state, TrialState::complete) << r.fail_reason;
    EXPECT_EQ(r.objective, objective.at(r.trial)) << r.trial;
    scales.insert(r.values[0]);
  }
  EXPECT_EQ(scales.size(), 2u);
}

}  // namespace
}  // namespace nnlab
