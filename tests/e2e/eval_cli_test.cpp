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

// model.init_from: a run started from another's model.safetensors, with a learning rate too small
// to move a float32 weight, evaluates exactly as the other run ended; a missing file or a tensor
// of another shape is one line naming the experiment's line, the file, the tensor and both shapes.
TEST(EvalCli, AWarmStartBeginsWhereTheSavedRunEnded) {
  test::TempDir dir;
  const std::string mlp =
      "name: mlp\nseed: 2\n"
      "data: {kind: synthetic, classes: 3, features: 8, train: 120, test: 60}\n"
      "model:\n  layers:\n"
      "    - {kind: dense, units: UNITS, name: hidden}\n"
      "    - {kind: relu}\n"
      "    - {kind: dense, units: 3, name: head}\n"
      "  loss: {kind: softmax_cross_entropy}\n"
      "optimizer: {kind: sgd, lr: LR}\n"
      "train: {epochs: EPOCHS, batch_size: 20, sampling: shuffle, eval: [test]}\n";
  auto experiment = [&](const std::string& units, const std::string& lr,
                        const std::string& epochs) {
    std::string text = mlp;
    text.replace(text.find("UNITS"), 5, units);
    text.replace(text.find("LR"), 2, lr);
    text.replace(text.find("EPOCHS"), 6, epochs);
    return text;
  };
  const std::string first = dir.file("first");
  ASSERT_EQ(test::run_cli("run " + dir.write("a.yaml", experiment("16", "0.1", "5")) + " --out " +
                          first + " -q")
                .status,
            0);
  std::string text = experiment("16", "1e-30", "1");
  text.replace(text.find("model:\n"), 7, "model:\n  init_from: first/model.safetensors\n");
  dir.write("b.yaml", text);
  const auto run =
      test::run_cli("run " + dir.file("b.yaml") + " --out " + dir.file("second") + " -q");
  ASSERT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(last_curves(dir.file("second") + "/curves.csv"), last_curves(first + "/curves.csv"));
  // The resolved experiment names the file absolutely.
  EXPECT_NE(test::slurp(dir.file("second") + "/experiment.yaml").find(first + "/model.safetensors"),
            std::string::npos);
  // Another width of the hidden layer: its tensors are named, with both shapes.
  std::string other = experiment("32", "0.1", "1");
  other.replace(other.find("model:\n"), 7, "model:\n  init_from: first/model.safetensors\n");
  const auto wrong =
      test::run_cli("run " + dir.write("c.yaml", other) + " --out " + dir.file("third") + " -q");
  EXPECT_EQ(wrong.status, 1);
  EXPECT_EQ(wrong.err, "nnlab: error: " + dir.file("c.yaml") + ":5:14: model.init_from: " + first +
                           "/model.safetensors: tensor 'hidden.W' has shape [8, 16], the model's "
                           "is [8, 32]\n");
  EXPECT_FALSE(std::filesystem::exists(dir.file("third"))) << "nothing written";
  std::string missing = experiment("16", "0.1", "1");
  missing.replace(missing.find("model:\n"), 7, "model:\n  init_from: nowhere.safetensors\n");
  const auto absent = test::run_cli("run " + dir.write("d.yaml", missing) + " -q");
  EXPECT_EQ(absent.status, 1);
  EXPECT_NE(absent.err.find(dir.file("d.yaml") +
                            ":5:14: model.init_from: " + dir.file("nowhere.safetensors")),
            std::string::npos)
      << absent.err;
}

}  // namespace
}  // namespace nnlab
