// `nnlab eval`: the model a run saves (model.safetensors) evaluated again gives exactly the run's
// last evaluation; other data through --set; a folder that holds no run is one clear line.
#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "cli.hpp"
#include "results/csv.hpp"
#include "results/curves_file.hpp"
#include "test_support.hpp"

namespace nnlab {
namespace {

/// metric -> value of eval.csv.
std::map<std::string, std::string> eval_csv(const std::string& path) {
  std::map<std::string, std::string> values;
  std::istringstream in(test::slurp(path));
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "metric,value");
  while (std::getline(in, line))
    values[line.substr(0, line.find(','))] = line.substr(line.find(',') + 1);
  return values;
}

/// metric -> its last value in a run's curves.csv, as written there.
std::map<std::string, std::string> last_curves(const std::string& path) {
  std::map<std::string, std::string> values;
  const Curves curves = read_curves(path);
  for (const auto& [metric, points] : curves.at(0))
    values[metric.name()] = csv_number(points.back().second);
  return values;
}

// A CNN with batch norm (paper statistics: population estimates computed at save time) on
// Fashion-MNIST images.
const char* kCnn =
    "name: cnn\nseed: 4\n"
    "data: {kind: idx, dataset: fashion-mnist, train_limit: 400, test_limit: 300}\n"
    "model:\n  layers:\n"
    "    - {kind: conv2d, filters: 8, kernel: 3}\n"
    "    - {kind: batch_norm, stats: paper}\n"
    "    - {kind: relu}\n"
    "    - {kind: max_pool, kernel: 2}\n"
    "    - {kind: dense, units: 10}\n"
    "  loss: {kind: softmax_cross_entropy}\n"
    "optimizer: {kind: adam, lr: 0.002}\n"
    "regularizers: [{kind: l2, lambda: 0.001}]\n"
    "train: {epochs: 2, batch_size: 50, sampling: shuffle, eval: [train, test]}\n";

TEST(EvalCli, TheSavedModelReproducesTheRunsLastEvaluationExactly) {
  test::TempDir dir;
  const std::string out = dir.file("out");
  const auto run = test::run_cli("run " + dir.write("cnn.yaml", kCnn) + " --out " + out + " -q");
  ASSERT_EQ(run.status, 0) << run.err;
  const auto eval = test::run_cli("eval " + out);
  ASSERT_EQ(eval.status, 0) << eval.err;
  EXPECT_NE(eval.out.find("eval: train_acc "), std::string::npos) << eval.out;
  const auto evaluated = eval_csv(out + "/eval.csv");
  const auto trained = last_curves(out + "/curves.csv");
  ASSERT_EQ(evaluated.size(), 4u);
  EXPECT_EQ(evaluated, trained);
  // Other data: the run's test split cut to 100 images gives other numbers, and one split only.
  const auto other =
      test::run_cli("eval " + out + " --set data.test_limit=100 --set train.eval=[test]");
  ASSERT_EQ(other.status, 0) << other.err;
  const auto fewer = eval_csv(out + "/eval.csv");
  ASSERT_EQ(fewer.size(), 2u);
  EXPECT_NE(fewer.at("test_loss"), trained.at("test_loss"));
}

TEST(EvalCli, AFolderWithoutARunOrItsModelIsOneClearLine) {
  test::TempDir dir;
  auto result = test::run_cli("eval " + dir.path().string());
  EXPECT_EQ(result.status, 1);
  EXPECT_EQ(result.err, "nnlab: error: " + dir.path().string() +
                            ": no experiment.yaml here; expected the results folder of a run\n");
  dir.write("experiment.yaml", kCnn);
  result = test::run_cli("eval " + dir.path().string());
  EXPECT_EQ(result.err, "nnlab: error: " + dir.path().string() +
                            ": no model.safetensors here; a run writes it when it finishes\n");
  dir.write("model.safetensors", "not a model");
  result = test::run_cli("eval " + dir.path().string());
  EXPECT_EQ(result.status, 1);
  EXPECT_NE(result.err.find(dir.file("model.safetensors") + ": not a safetensors file"),
            std::string::npos)
      << result.err;
  EXPECT_FALSE(std::filesystem::exists(dir.file("eval.csv")));
}

}  // namespace
}  // namespace nnlab
