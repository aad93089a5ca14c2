// `nnlab predict`: new examples through a run's preprocessing and saved model. The run's own test
// images, given as an IDX file and as CSV, give the same predictions, whose accuracy and mean
// cross-entropy are the run's last test_acc and test_loss; bad input is one line naming the file
// and the line, and writes nothing.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli.hpp"
#include "nnlab/idx.hpp"
#include "results/csv.hpp"
#include "results/curves_file.hpp"
#include "test_support.hpp"

namespace nnlab {
namespace {

const std::string kImages = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz";
const std::string kLabels = "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz";
constexpr std::int64_t kTestRows = 300;

// A CNN with batch norm, trained without a penalty so test_loss is the mean cross-entropy alone.
const char* kCnn =
    "name: cnn\nseed: 4\n"
    "data: {kind: idx, dataset: fashion-mnist, train_limit: 400, test_limit: 300}\n"
    "model:\n  layers:\n"
    "    - {kind: conv2d, filters: 8, kernel: 3}\n"
    "    - {kind: batch_norm}\n"
    "    - {kind: relu}\n"
    "    - {kind: max_pool, kernel: 2}\n"
    "    - {kind: dense, units: 10}\n"
    "  loss: {kind: softmax_cross_entropy}\n"
    "optimizer: {kind: adam, lr: 0.002}\n"
    "train: {epochs: 2, batch_size: 50, sampling: shuffle, eval: [test]}\n";

void put_u32(std::ofstream& out, std::uint32_t v) {
  const unsigned char b[4] = {static_cast<unsigned char>(v >> 24),
                              static_cast<unsigned char>(v >> 16),
                              static_cast<unsigned char>(v >> 8), static_cast<unsigned char>(v)};
  out.write(reinterpret_cast<const char*>(b), 4);
}

/// The first `rows` test images as an uncompressed IDX file.
void write_idx(const std::string& path, const Matrix& images, std::int64_t rows) {
  std::ofstream out(path, std::ios::binary);
  put_u32(out, 0x00000803);
  put_u32(out, static_cast<std::uint32_t>(rows));
  put_u32(out, 28);
  put_u32(out, 28);
  for (std::int64_t i = 0; i < rows * images.cols(); ++i)
    out.put(static_cast<char>(static_cast<unsigned char>(images.data()[i])));
}

/// The same images as CSV: a header of pixel names, one image per row.
void write_csv(const std::string& path, const Matrix& images, std::int64_t rows) {
  std::ofstream out(path);
  for (std::int64_t c = 0; c < images.cols(); ++c) out << (c ? "," : "") << "px" << c;
  out << "\n";
  for (std::int64_t r = 0; r < rows; ++r) {
    for (std::int64_t c = 0; c < images.cols(); ++c)
      out << (c ? "," : "") << images.data()[r * images.cols() + c];
    out << "\n";
  }
}

std::vector<std::vector<std::string>> csv_rows(const std::string& path) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(test::slurp(path));
  std::string line;
  while (std::getline(in, line)) rows.push_back(parse_csv_line(line));
  return rows;
}

TEST(PredictCli, TheRunsTestImagesGiveItsLastTestAccuracyAndLoss) {
  test::TempDir dir;
  const std::string out = dir.file("out");
  const auto run = test::run_cli("run " + dir.write("cnn.yaml", kCnn) + " --out " + out + " -q");
  ASSERT_EQ(run.status, 0) << run.err;
  const Matrix images = read_idx_images(kImages, kTestRows);
  const std::vector<std::int32_t> labels = read_idx_labels(kLabels, kTestRows);
  write_idx(dir.file("test.idx"), images, kTestRows);
  write_csv(dir.file("test.csv"), images, kTestRows);

  const auto idx = test::run_cli("predict " + out + " --input " + dir.file("test.idx"));
  ASSERT_EQ(idx.status, 0) << idx.err;
  EXPECT_EQ(idx.out, "predict: 300 examples, 10 class probabilities\npredictions: " + out +
                         "/predictions.csv\n");
  const auto rows = csv_rows(out + "/predictions.csv");
  ASSERT_EQ(rows.size(), static_cast<std::size_t>(kTestRows + 1));
  ASSERT_EQ(rows[0].size(), 12u);
  EXPECT_EQ(rows[0][0], "row");
  EXPECT_EQ(rows[0][1], "class");
  EXPECT_EQ(rows[0][11], "p_9");
  std::int64_t correct = 0;
  double cross_entropy = 0;
  for (std::int64_t r = 0; r < kTestRows; ++r) {
    const auto& row = rows[static_cast<std::size_t>(r + 1)];
    ASSERT_EQ(row.size(), 12u);
    EXPECT_EQ(row[0], std::to_string(r));
    double sum = 0, best = -1;
    std::int64_t argmax = -1;
    for (int c = 0; c < 10; ++c) {
      const double p = std::stod(row[static_cast<std::size_t>(2 + c)]);
      EXPECT_GE(p, 0.0);
      sum += p;
      if (p > best) best = p, argmax = c;
    }
    EXPECT_NEAR(sum, 1.0, 1e-8);  // ten values, each written with 9 significant digits
    EXPECT_EQ(std::to_string(argmax), row[1]);
    const int label = labels[static_cast<std::size_t>(r)];
    correct += argmax == label;
    cross_entropy -= std::log(std::stod(row[static_cast<std::size_t>(2 + label)]));
  }
  const Curves curves = read_curves(out + "/curves.csv");
  double test_acc = -1, test_loss = -1;
  for (const auto& [metric, points] : curves.at(0)) {
    if (metric.name() == "test_acc") test_acc = points.back().second;
    if (metric.name() == "test_loss") test_loss = points.back().second;
  }
  EXPECT_NEAR(static_cast<double>(correct) / kTestRows, test_acc, 1e-9);  // as curves.csv wrote it
  // The run computes the loss in float32, the probabilities here are float64.
  EXPECT_NEAR(cross_entropy / kTestRows, test_loss, 1e-4 * test_loss);

  // The same images as CSV with a header: the same file, byte for byte.
  const std::string from_idx = test::slurp(out + "/predictions.csv");
  const auto csv = test::run_cli("predict " + out + " --input " + dir.file("test.csv") +
                                 " --output " + dir.file("csv_predictions.csv"));
  ASSERT_EQ(csv.status, 0) << csv.err;
  EXPECT_EQ(test::slurp(dir.file("csv_predictions.csv")), from_idx);
}

TEST(PredictCli, BadInputIsOneLineNamingTheFileAndLineAndWritesNothing) {
  test::TempDir dir;
  const std::string out = dir.file("out");
  const std::string mlp =
      "name: mlp\nseed: 2\n"
      "data: {kind: synthetic, classes: 3, features: 4, train: 60, test: 30}\n"
      "model:\n  layers:\n"
      "    - {kind: dense, units: 3}\n"
      "  loss: {kind: softmax_cross_entropy}\n"
      "optimizer: {kind: sgd, lr: 0.1}\n"
      "train: {epochs: 1, batch_size: 20, sampling: shuffle, eval: [test]}\n";
  ASSERT_EQ(test::run_cli("run " + dir.write("mlp.yaml", mlp) + " --out " + out + " -q").status, 0);
  auto predict = [&](const std::string& name, const std::string& text) {
    return test::run_cli("predict " + out + " --input " + dir.write(name, text));
  };
  auto result = predict("short.csv", "a,b,c,d\n1,2,3,4\n\n1,2,3\n");
  EXPECT_EQ(result.status, 1);
  EXPECT_EQ(result.err, "nnlab: error: " + dir.file("short.csv") +
                            ":4: expected 4 numbers (one example: the model's input), found 3\n");
  result = predict("word.csv", "1,2,3,4\n1,x,3,4\n");
  EXPECT_EQ(result.err,
            "nnlab: error: " + dir.file("word.csv") + ":2: field 2 ('x') is not a number\n");
  result = predict("nan.csv", "1,2,3,nan\n");
  EXPECT_EQ(result.err, "nnlab: error: " + dir.file("nan.csv") +
                            ":1: field 4 ('nan') is not a finite number\n");
  result = predict("empty.csv", "f1,f2,f3,f4\n");
  EXPECT_EQ(result.err, "nnlab: error: " + dir.file("empty.csv") +
                            ": no examples (expected one CSV row of numbers per example)\n");
  // An IDX file of images: 28x28 is not this model's 4 features.
  result = test::run_cli("predict " + out + " --input " + kImages);
  EXPECT_EQ(result.err, "nnlab: error: " + kImages +
                            ": IDX images of 1x28x28 (784 numbers), but the model takes 4\n");
  EXPECT_FALSE(std::filesystem::exists(out + "/predictions.csv"));
  result = test::run_cli("predict " + out);
  EXPECT_EQ(result.status, 2);
  EXPECT_EQ(result.err, "nnlab predict: missing --input FILE (IDX images or CSV rows)\n");
  // A good file works, and the probabilities of a model with one dense layer are the softmax of
  // its logits: each row sums to 1.
  result = predict("good.csv", "0.5,1,-2,3\n");
  ASSERT_EQ(result.status, 0) << result.err;
  const auto rows = csv_rows(out + "/predictions.csv");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"row", "class", "p_0", "p_1", "p_2"}));
}

}  // namespace
}  // namespace nnlab
