// `search.kind: pbt` end to end: the same sweep twice (and at another parallel_trials) makes the
// same decisions and numbers; `nnlab run --schedule --member` replays an exploited member's
// lineage to exactly its curve and model; a search pbt cannot run is one clear line.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <csignal>
#include <filesystem>
#include <sstream>

#include "cli.hpp"
#include "results/pbt_schedule_file.hpp"
#include "test_support.hpp"

namespace nnlab {
namespace {

/// A small net with dropout and Adam (step counts, moments, dropout's engine: state an exploit
/// must carry), shuffled epochs (the row order too), three boundaries.
std::string pbt_experiment(const std::string& space_extra = "",
                           const std::string& search_extra = "") {
  return "name: p\n"
         "seed: 3\n"
         "data: {kind: synthetic, classes: 3, features: 8, train: 120, test: 60}\n"
         "model:\n"
         "  layers:\n"
         "    - {kind: dense, units: 16}\n"
         "    - {kind: relu}\n"
         "    - {kind: dropout, ratio: 0.1}\n"
         "    - {kind: dense, units: 3}\n"
         "  loss: {kind: softmax_cross_entropy}\n"
         "regularizers: [{kind: l2, lambda: 1.0e-4}]\n"
         "optimizer: {kind: adam, lr: 0.01}\n"
         "train: {epochs: 7, batch_size: 20, sampling: shuffle, eval: [train, test]}\n"
         "search:\n"
         "  kind: pbt\n"
         "  population: 4\n"
         "  perturbation_interval: 2\n"
         "  keep_models: all\n" +
         search_extra +
         "  objective: {metric: test_acc, mode: max}\n"
         "  space:\n"
         "    optimizer.lr: {distribution: log_uniform, min: 0.001, max: 0.1}\n"
         "    regularizers[0].lambda: {distribution: log_uniform, min: 1.0e-6, max: 1.0e-2}\n"
         "    model.layers[2].ratio: {distribution: uniform, min: 0.0, max: 0.5}\n" +
         space_extra + "execution: {parallel_trials: 2, threads_per_trial: 1}\n";
}

const std::vector<std::string> kParameters = {"optimizer.lr", "regularizers[0].lambda",
                                              "model.layers[2].ratio"};

/// curves.csv's rows of `trial`, without the trial column.
std::string curve_of(const std::string& path, int trial) {
  std::istringstream in(test::slurp(path));
  std::string line, rows;
  const std::string prefix = std::to_string(trial) + ",";
  while (std::getline(in, line)) {
    if (line.rfind(prefix, 0) == 0) rows += line.substr(prefix.size()) + "\n";
  }
  return rows;
}

TEST(PbtSweep, IsDeterministicAtAnyParallelTrialsAndAReplayEndsOnTheMembersExactNumbers) {
  test::TempDir dir;
  const std::string file = dir.write("p.yaml", pbt_experiment());
  const std::string a = dir.file("a"), b = dir.file("b"), c = dir.file("c");
  const auto first = test::run_cli("sweep " + file + " --out " + a + " -q");
  ASSERT_EQ(first.status, 0) << first.err;
  ASSERT_EQ(test::run_cli("sweep " + file + " --out " + b + " -q").status, 0);
  ASSERT_EQ(test::run_cli("sweep " + file + " --out " + c + " -q --set execution.parallel_trials=1")
                .status,
            0);
  const std::string schedule = test::slurp(a + "/pbt_schedule.csv");
  EXPECT_EQ(schedule, test::slurp(b + "/pbt_schedule.csv"));
  EXPECT_EQ(schedule, test::slurp(c + "/pbt_schedule.csv"));
  EXPECT_EQ(test::slurp(a + "/curves.csv"), test::slurp(b + "/curves.csv"));
  EXPECT_EQ(test::slurp(a + "/curves.csv"), test::slurp(c + "/curves.csv"));

  // 4 members x (start + 3 boundaries + end), one row per member per interval.
  const auto rows = read_pbt_schedule(a + "/pbt_schedule.csv", kParameters);
  ASSERT_EQ(rows.size(), 4u * 5u);
  // ceil(4 * 0.25) = 1: at each boundary one member takes another's model.
  int exploited = -1;
  for (const PbtScheduleRow& r : rows) {
    if (r.interval >= 1 && r.interval <= 3) {
      EXPECT_EQ(r.epoch, 2 * r.interval);
      if (r.copied_from != r.member) exploited = static_cast<int>(r.member);
    }
  }
  ASSERT_GE(exploited, 0) << schedule;
  // A finished sweep resumed has nothing to do, and changes nothing.
  const auto resume = test::run_cli("sweep " + file + " --out " + a + " --resume");
  EXPECT_EQ(resume.status, 0) << resume.err;
  EXPECT_NE(resume.err.find("nothing to resume: every member finished"), std::string::npos)
      << resume.err;
  EXPECT_EQ(test::slurp(a + "/pbt_schedule.csv"), schedule);
  // Every member's final row in trials.csv, one per member.
  const std::string trials = test::slurp(a + "/trials.csv");
  EXPECT_EQ(std::count(trials.begin(), trials.end(), '\n'), 5) << trials;

  // The last member exploited at a boundary, replayed from its lineage's root in one run.
  const std::string replay = dir.file("replay");
  const auto r = test::run_cli("run " + file + " --schedule " + a + "/pbt_schedule.csv --member " +
                               std::to_string(exploited) + " --out " + replay + " -q");
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string curve = curve_of(a + "/curves.csv", exploited);
  ASSERT_FALSE(curve.empty());
  EXPECT_EQ(curve_of(replay + "/curves.csv", 0), curve);
  const std::string model =
      test::slurp(a + "/models/trial_" + std::to_string(exploited) + ".safetensors");
  ASSERT_FALSE(model.empty());
  EXPECT_EQ(test::slurp(replay + "/model.safetensors"), model) << "the same weights, bit for bit";
}

// Killed with SIGKILL just after a boundary was saved, then again after the next one, and
// resumed: the schedule, the curves and every member's model are those of a sweep never killed.
TEST(PbtSweep, KilledAfterBoundariesAndResumedEndsOnTheNumbersOfASweepNeverKilled) {
  test::TempDir dir;
  std::string text = pbt_experiment();
  // Enough work that an interval takes a while (about 0.1 s): the kill lands in the interval
  // after the boundary it waits for.
  const std::string small = "features: 8, train: 120", hidden = "units: 16";
  text.replace(text.find(small), small.size(), "features: 64, train: 8000");
  text.replace(text.find(hidden), hidden.size(), "units: 128");
  const std::string file = dir.write("p.yaml", text);
  const std::string whole = dir.file("whole"), part = dir.file("part");
  ASSERT_EQ(test::run_cli("sweep " + file + " --out " + whole + " -q").status, 0);
  int killed_mid_sweep = 0;
  for (int boundary = 1; boundary <= 2; ++boundary) {
    std::vector<std::string> args = {"sweep", file, "--out", part, "-q"};
    if (boundary > 1) args.push_back("--resume");
    const pid_t child = test::start_cli(args);
    test::wait_for_text(part + "/pbt/boundary.json", "\"interval\": " + std::to_string(boundary));
    kill(child, SIGKILL);
    killed_mid_sweep +=
        WIFSIGNALED(test::wait_status(child)) && !std::filesystem::exists(part + "/best.yaml");
  }
  ASSERT_EQ(killed_mid_sweep, 2) << "each kill lands while the members train";
  // Every state of the last boundary is there (member_K.2.state). A kill that lands while a
  // boundary is saved may leave others beside them: some of the next boundary's (not committed
  // until boundary.json names them) or of the one before (removed just after the commit). Resume
  // reads only the committed ones, and the next save removes the rest.
  int states = 0;
  for (const auto& entry : std::filesystem::directory_iterator(part + "/pbt"))
    states += entry.path().filename().string().ends_with(".2.state");
  EXPECT_EQ(states, 4);
  const auto resumed = test::run_cli("sweep " + file + " --out " + part + " --resume");
  ASSERT_EQ(resumed.status, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("resuming after boundary 2"), std::string::npos) << resumed.err;
  EXPECT_EQ(test::slurp(part + "/pbt_schedule.csv"), test::slurp(whole + "/pbt_schedule.csv"));
  EXPECT_EQ(test::slurp(part + "/curves.csv"), test::slurp(whole + "/curves.csv"));
  for (int k = 0; k < 4; ++k) {
    const std::string model = "/models/trial_" + std::to_string(k) + ".safetensors";
    EXPECT_EQ(test::slurp(part + model), test::slurp(whole + model)) << "member " << k;
  }
  EXPECT_FALSE(std::filesystem::exists(part + "/pbt")) << "a finished sweep needs no boundary";
}

TEST(PbtSweep, DivergingMembersFailAndTheSweepEndsEvenWhenAllDo) {
  test::TempDir dir;
  std::string yaml = pbt_experiment();
  yaml.replace(yaml.find("{kind: adam, lr: 0.01}"), 22, "{kind: sgd, lr: 0.01}");
  yaml.replace(yaml.find("min: 0.001, max: 0.1}"), 21, "min: 1.0e+6, max: 1.0e+8}");
  const std::string file = dir.write("p.yaml", yaml);
  const auto r = test::run_cli("sweep " + file + " --out " + dir.file("a") + " -q");
  ASSERT_EQ(r.status, 0) << r.err;
  const std::string trials = test::slurp(dir.file("a") + "/trials.csv");
  EXPECT_EQ(std::count(trials.begin(), trials.end(), '\n'), 5) << trials;
  std::size_t failed = 0;
  for (auto at = trials.find(",FAIL,nan,"); at != std::string::npos;
       at = trials.find(",FAIL,nan,", at + 1))
    ++failed;
  EXPECT_EQ(failed, 4u) << trials;
}

TEST(PbtSweep, ASearchPbtCannotRunIsOneErrorAtItsLine) {
  test::TempDir dir;
  const auto error = [&](const std::string& yaml) {
    const std::string file = dir.write("bad.yaml", yaml);
    const auto r = test::run_cli("sweep " + file + " --out " + dir.file("out"));
    EXPECT_EQ(r.status, 1) << yaml;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_FALSE(std::filesystem::exists(dir.file("out"))) << r.err;
    return r.err;
  };
  const std::string units =
      error(pbt_experiment("    model.layers[0].units: {distribution: int, min: 8, max: 32}\n"));
  EXPECT_NE(units.find("bad.yaml:24:"), std::string::npos) << units;
  EXPECT_NE(units.find("search.space.model.layers[0].units: 'model.layers[0].units' = 8 changes "
                       "the model's graph"),
            std::string::npos)
      << units;
  const std::string kind = error(pbt_experiment("    optimizer.kind: {values: [adam, sgd]}\n"));
  EXPECT_NE(kind.find("search.space.optimizer.kind: 'optimizer.kind' chooses a component"),
            std::string::npos)
      << kind;
  const std::string layer_kind =
      error(pbt_experiment("    model.layers[1].kind: {values: [relu, tanh]}\n"));
  EXPECT_NE(layer_kind.find("'model.layers[1].kind' chooses a component"), std::string::npos)
      << layer_kind;
  const std::string epochs =
      error(pbt_experiment("    train.epochs: {distribution: int, min: 5, max: 9}\n"));
  EXPECT_NE(epochs.find("'train.epochs' sets the schedule, which is pbt's"), std::string::npos)
      << epochs;
  std::string small = pbt_experiment();
  small.replace(small.find("population: 4"), 13, "population: 1");
  EXPECT_NE(error(small).find("bad.yaml:16:15: search.population: expected at least 2 members"),
            std::string::npos);
  const std::string quantile = error(pbt_experiment("", "  quantile_fraction: 0.75\n"));
  EXPECT_NE(quantile.find("search.quantile_fraction: expected a fraction in (0, 0.5]"),
            std::string::npos)
      << quantile;
  const std::string unknown = error(pbt_experiment("", "  perturbation_intervall: 3\n"));
  EXPECT_NE(unknown.find("unknown key 'perturbation_intervall' for pbt search"), std::string::npos)
      << unknown;
  std::string isolated = pbt_experiment();
  isolated.replace(isolated.find("execution: {"), 12, "execution: {isolation: process, ");
  const std::string process = error(isolated);
  EXPECT_NE(process.find("bad.yaml:15:9: execution.isolation: pbt trains its members in threads"),
            std::string::npos)
      << process;
  // The replay's own mistakes.
  const std::string file = dir.write("p.yaml", pbt_experiment());
  const auto no_member = test::run_cli("run " + file + " --schedule x.csv");
  EXPECT_EQ(no_member.status, 2);  // a usage error
  EXPECT_NE(no_member.err.find("--schedule and --member go together"), std::string::npos)
      << no_member.err;
}

}  // namespace
}  // namespace nnlab
