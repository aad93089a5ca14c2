// `nnlab run --resume`, as the acceptance asks: E7 killed with SIGKILL at three moments and
// resumed each time ends with the curves.csv and model.safetensors of a run never killed, byte
// for byte; and every way a resume can be wrong is one clear line.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <random>

#include "cli.hpp"
#include "test_support.hpp"

namespace nnlab {
namespace {

const std::string kE7 = std::string(NNLAB_SOURCE_DIR) + "/experiments/overfit.yaml";

TEST(ResumeCli, E7KilledThreeTimesAndResumedEndsWithTheCurvesOfARunNeverKilled) {
  test::TempDir dir;
  const std::string whole = dir.file("whole"), part = dir.file("part");
  const std::string every = "train.checkpoint.every=10";
  ASSERT_EQ(test::run_cli("run " + kE7 + " --set " + every + " --out " + whole + " -q").status, 0);
  std::mt19937 moments(20261202);  // fixed: the same moments every run
  std::uniform_int_distribution<int> after_ms(400, 1400);
  int killed_mid_run = 0;
  for (int round = 0; round < 3; ++round) {
    const pid_t child = test::start_cli(
        {"run", kE7, "--set", every, "--out", part, round == 0 ? "-q" : "--resume", "-q"});
    std::this_thread::sleep_for(std::chrono::milliseconds(after_ms(moments)));
    kill(child, SIGKILL);
    killed_mid_run += WIFSIGNALED(test::wait_status(child)) &&
                      !std::filesystem::exists(part + "/model.safetensors");
  }
  ASSERT_GE(killed_mid_run, 1) << "a kill lands while the run trains";
  const auto resumed =
      test::run_cli("run " + kE7 + " --set " + every + " --out " + part + " --resume");
  ASSERT_EQ(resumed.status, 0) << resumed.err;
  EXPECT_NE(resumed.out.find("done: 601 updates"), std::string::npos) << resumed.out;
  EXPECT_EQ(test::slurp(part + "/curves.csv"), test::slurp(whole + "/curves.csv"));
  EXPECT_EQ(test::slurp(part + "/model.safetensors"), test::slurp(whole + "/model.safetensors"));
  // Once finished, a resume has nothing to do and says so (exit 0: a requeued job may ask again).
  const auto again =
      test::run_cli("run " + kE7 + " --set " + every + " --out " + part + " --resume");
  EXPECT_EQ(again.status, 0);
  EXPECT_EQ(again.out, "nothing to resume: the run in " + part + " finished (model.safetensors)\n");
}

TEST(ResumeCli, EveryWrongResumeIsOneClearLine) {
  test::TempDir dir;
  std::string yaml = test::synthetic_experiment("t");
  const std::string eval = "eval: [train, test]}";
  yaml.replace(yaml.find(eval), eval.size(), "eval: [train, test], checkpoint: {every: 2}}");
  const std::string file = dir.write("t.yaml", yaml);
  const std::string out = dir.file("out");
  // No run there yet: --resume starts one.
  auto first = test::run_cli("run " + file + " --out " + out + " --resume -q");
  ASSERT_EQ(first.status, 0) << first.err;
  ASSERT_TRUE(std::filesystem::exists(out + "/checkpoint.safetensors"));
  std::filesystem::remove(out + "/model.safetensors");  // as if killed before the end
  auto error = [&](const std::string& args) {
    const auto r = test::run_cli(args);
    EXPECT_EQ(r.status, 1) << args;
    return r.err;
  };
  EXPECT_EQ(error("run " + file + " --out " + out + " --resume --overwrite"),
            "nnlab: error: --resume keeps the earlier run and --overwrite discards it: give one\n");
  EXPECT_EQ(error("run " + file + " --out " + out + " --resume --set seed=4"),
            "nnlab: error: " + out +
                ": holds a run of another experiment (its experiment.yaml differs from this one); "
                "--resume continues the same experiment: change it back, or pass --out DIR\n");
  EXPECT_EQ(error("run " + file + " --out " + out),
            "nnlab: error: " + out +
                ": already holds a run (curves.csv); pass --resume to continue it, --overwrite to "
                "replace it, or --out DIR\n");
  const std::string checkpoint = out + "/checkpoint.safetensors";
  const std::string bytes = test::slurp(checkpoint);
  dir.write("out/checkpoint.safetensors", bytes.substr(0, bytes.size() / 2));
  const std::string cut = error("run " + file + " --out " + out + " --resume");
  EXPECT_EQ(cut.rfind("nnlab: error: " + checkpoint + ": ", 0), 0u) << cut;
  EXPECT_EQ(std::count(cut.begin(), cut.end(), '\n'), 1) << cut;
  // A sweep's trials do not checkpoint: refused at the key's line.
  const std::string sweep = dir.write(
      "s.yaml", test::synthetic_experiment("s") +
                    "search:\n  kind: random\n  trials: 2\n  objective: {metric: test_acc, mode: "
                    "max}\n  space:\n    optimizer.lr: {values: [0.1, 0.2]}\n");
  const std::string refused = error("sweep " + sweep + " --set train.checkpoint.every=2");
  EXPECT_NE(refused.find("train.checkpoint: a sweep's trials do not checkpoint"), std::string::npos)
      << refused;
}

}  // namespace
}  // namespace nnlab
