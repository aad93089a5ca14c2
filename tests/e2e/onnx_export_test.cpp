// `nnlab export --onnx`: the exported file passes ONNX's checker and, run in onnxruntime-node
// (tests/onnx, installed by .ci/install), gives nnlab's own inference outputs on the same rows;
// a folder without a run and a layer the exporter does not know are one clear line each, and
// leave no file behind.
#include <gtest/gtest.h>
#include <onnx/checker.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "cli.hpp"
#include "compute_threads.hpp"
#include "data.hpp"
#include "experiment.hpp"
#include "model_file.hpp"
#include "test_support.hpp"
#include "trainer.hpp"

namespace nnlab {
namespace {

namespace fs = std::filesystem;

const std::string kOnnxTests = std::string(NNLAB_SOURCE_DIR) + "/tests/onnx";

bool onnxruntime_installed() {
  return fs::exists(kOnnxTests + "/node_modules/onnxruntime-node/package.json") &&
         test::run_program("node", "--version").status == 0;
}

std::vector<float> read_floats(const std::string& path) {
  const std::string bytes = test::slurp(path);
  std::vector<float> values(bytes.size() / sizeof(float));
  std::memcpy(values.data(), bytes.data(), values.size() * sizeof(float));
  return values;
}

/// nnlab's outputs for the first `rows` test rows of the run in `dir`, by the library itself (the
/// saved model on the graph, inference mode), and the rows as the model sees them (scaled).
struct Reference {
  std::vector<float> inputs;
  std::vector<double> logits, probabilities;  ///< softmax in float64 from nnlab's logits
  std::vector<std::int64_t> input_dims;
  std::int64_t classes = 0;
};

/// With `raw`, the inputs are the rows before data.scale (what a file with the scaling inside
/// takes); the outputs are the same.
Reference nnlab_outputs(const std::string& dir, std::int64_t rows, bool raw) {
  const ExperimentSpec spec = load_experiment(dir + "/experiment.yaml", {});
  set_compute_threads(1);
  const PreparedData data = prepare_data(spec.data, test::builtin_host(), spec.seed);
  Trainer trainer(spec, data, test::builtin_host());
  load_model(trainer.graph(), dir + "/model.safetensors");
  Compute compute = Compute::make();
  const ConstMatrixView input = data.test.features.view().row_range(0, rows);
  const ConstMatrixView out = trainer.graph().forward(compute, input, Mode::infer);
  Reference ref;
  ref.inputs.assign(input.data, input.data + input.size());
  if (raw) {
    ExperimentSpec unscaled = spec;
    unscaled.data.scale = Scaling::none;
    const PreparedData raw_data = prepare_data(unscaled.data, test::builtin_host(), spec.seed);
    const float* first = raw_data.test.features.data();
    ref.inputs.assign(first, first + input.size());
  }
  ref.input_dims = {rows};
  for (auto d : trainer.graph().input_shape().dims) ref.input_dims.push_back(d);
  ref.classes = out.cols;
  for (std::int64_t r = 0; r < rows; ++r) {
    double top = out.at(r, 0), sum = 0;
    for (std::int64_t c = 0; c < out.cols; ++c) top = std::max(top, double(out.at(r, c)));
    for (std::int64_t c = 0; c < out.cols; ++c) sum += std::exp(double(out.at(r, c)) - top);
    for (std::int64_t c = 0; c < out.cols; ++c) {
      ref.logits.push_back(out.at(r, c));
      ref.probabilities.push_back(std::exp(double(out.at(r, c)) - top) / sum);
    }
  }
  return ref;
}

/// Trains `yaml` briefly, exports it, checks the file with ONNX's checker and compares
/// onnxruntime's outputs with nnlab's on 64 test rows; `with_scaling`: the file has the run's
/// data.scale inside and is given the raw rows.
void export_and_compare(const std::string& yaml, const std::string& sets,
                        bool with_scaling = false) {
  test::TempDir dir;
  const std::string out = dir.file("run"), onnx = dir.file("model.onnx");
  const auto run = test::run_cli("run " + yaml + " --out " + out + " -q " + sets);
  ASSERT_EQ(run.status, 0) << run.err;
  const auto exported =
      test::run_cli("export " + out + " --onnx " + onnx + (with_scaling ? " --with-scaling" : ""));
  ASSERT_EQ(exported.status, 0) << exported.err;
  EXPECT_NE(exported.out.find("opset 17"), std::string::npos) << exported.out;
  EXPECT_NE(exported.out.find("outputs logits, probabilities"), std::string::npos) << exported.out;
  EXPECT_NO_THROW(onnx::checker::check_model(onnx));

  if (with_scaling) {
    EXPECT_NE(exported.out.find("(raw units: data.scale inside)"), std::string::npos)
        << exported.out;
  }
  const Reference ref = nnlab_outputs(out, 64, with_scaling);
  if (!onnxruntime_installed())
    GTEST_SKIP()
        << "onnxruntime-node is not in tests/onnx/node_modules (.ci/install puts it there)";
  {
    std::ofstream file(dir.file("inputs.f32"), std::ios::binary);
    file.write(reinterpret_cast<const char*>(ref.inputs.data()),
               static_cast<std::streamsize>(ref.inputs.size() * sizeof(float)));
  }
  std::string dims;
  for (auto d : ref.input_dims) dims += (dims.empty() ? "" : "x") + std::to_string(d);
  const auto ort =
      test::run_program("node", kOnnxTests + "/run_onnx.js " + onnx + " " + dir.file("inputs.f32") +
                                    " " + dims + " " + dir.file("ort_"));
  ASSERT_EQ(ort.status, 0) << ort.err;
  const std::string shape = "64x" + std::to_string(ref.classes);
  EXPECT_EQ(ort.out, "logits " + shape + "\nprobabilities " + shape + "\n");
  const auto logits = read_floats(dir.file("ort_logits.f32"));
  const auto probabilities = read_floats(dir.file("ort_probabilities.f32"));
  ASSERT_EQ(logits.size(), ref.logits.size());
  ASSERT_EQ(probabilities.size(), ref.probabilities.size());
  double worst_p = 0, worst_logit = 0, largest = 0;
  for (std::size_t i = 0; i < logits.size(); ++i) {
    worst_p = std::max(worst_p, std::abs(probabilities[i] - ref.probabilities[i]));
    worst_logit = std::max(worst_logit, std::abs(logits[i] - ref.logits[i]));
    largest = std::max(largest, std::abs(ref.logits[i]));
  }
  EXPECT_LE(worst_p, 1e-5);
  // Logits: float32 sums in another order, relative to their size.
  EXPECT_LE(worst_logit, 1e-5 * std::max(1.0, largest));
  // Not a constant output: the rows are told apart.
  EXPECT_GT(largest, 0.1);
  std::printf("max |p_onnx - p_nnlab| = %.3g, max |logit diff| = %.3g (|logit| up to %.3g)\n",
              worst_p, worst_logit, largest);
}

TEST(OnnxExport, TheE7MlpRunsInOnnxruntimeAsInNnlab) {
  export_and_compare(std::string(NNLAB_SOURCE_DIR) + "/experiments/overfit.yaml",
                     "--set train.epochs=3");
}

// The file takes raw pixels (0..255): the run's minmax scaling is its first two nodes.
TEST(OnnxExport, WithTheScalingInsideTheE7MlpTakesRawPixels) {
  export_and_compare(std::string(NNLAB_SOURCE_DIR) + "/experiments/overfit.yaml",
                     "--set train.epochs=2", true);
}

// ZCA whitening in front of a CNN: minmax, then W (x - mu) on the flattened image, reshaped back.
TEST(OnnxExport, WithTheScalingInsideAZcaWhitenedCnnTakesRawPixels) {
  test::TempDir dir;
  const std::string cnn =
      "name: zca\nseed: 3\n"
      "data: {kind: idx, dataset: fashion-mnist, train_limit: 400, test_limit: 100, scale: zca, "
      "epsilon: 0.01}\n"
      "model:\n  layers:\n"
      "    - {kind: conv2d, filters: 4, kernel: 3}\n"
      "    - {kind: relu}\n"
      "    - {kind: dense, units: 10}\n"
      "  loss: {kind: softmax_cross_entropy}\n"
      "optimizer: {kind: adam, lr: 0.002}\n"
      "train: {epochs: 1, batch_size: 50, sampling: shuffle, eval: [test]}\n";
  export_and_compare(dir.write("zca.yaml", cnn), "", true);
}

// Convolutions (padding, stride, no bias), batch norm on images and on features (book and paper
// statistics, learned and fixed scale/shift), max, average and global average pooling, residual
// adds, book dropout, flatten and every activation.
const char* kCnn =
    "name: cnn\nseed: 7\n"
    "data: {kind: idx, dataset: fashion-mnist, train_limit: 300, test_limit: 100}\n"
    "model:\n  layers:\n"
    "    - {kind: conv2d, filters: 6, kernel: 3, padding: 1, name: c1}\n"
    "    - {kind: batch_norm, name: bn1}\n"
    "    - {kind: relu, name: r1}\n"
    "    - {kind: conv2d, filters: 6, kernel: 3, padding: 1, bias: false, name: c2}\n"
    "    - {kind: add, name: res, inputs: [r1, c2]}\n"
    "    - {kind: max_pool, kernel: 2, name: p1}\n"
    "    - {kind: conv2d, filters: 8, kernel: 3, stride: 2, name: c3}\n"
    "    - {kind: batch_norm, stats: paper, scale_shift: fixed, name: bn2}\n"
    "    - {kind: tanh, name: t1}\n"
    "    - {kind: avg_pool, kernel: 3, stride: 2, padding: 1, name: p2}\n"
    "    - {kind: flatten, name: f}\n"
    "    - {kind: dropout, ratio: 0.3, name: d}\n"
    "    - {kind: dense, units: 24, name: h}\n"
    "    - {kind: global_avg_pool, name: g, inputs: [p2]}\n"
    "    - {kind: dense, units: 24, bias: false, name: hg}\n"
    "    - {kind: add, name: both, inputs: [h, hg]}\n"
    "    - {kind: batch_norm, name: bn3}\n"
    "    - {kind: sigmoid, name: s}\n"
    "    - {kind: identity, name: i}\n"
    "    - {kind: dense, units: 10, name: out}\n"
    "  loss: {kind: softmax_cross_entropy}\n"
    "optimizer: {kind: adam, lr: 0.003}\n"
    "train: {epochs: 2, batch_size: 50, sampling: shuffle, eval: [test]}\n"
    "execution: {threads_per_trial: 1}\n";

TEST(OnnxExport, ACnnWithBatchNormPoolingAndAResidualRunsInOnnxruntimeAsInNnlab) {
  test::TempDir dir;
  export_and_compare(dir.write("cnn.yaml", kCnn), "");
}

TEST(OnnxExport, AFolderWithoutARunIsOneClearLineAndWritesNothing) {
  test::TempDir dir;
  const std::string onnx = dir.file("model.onnx");
  const auto result = test::run_cli("export " + dir.path().string() + " --onnx " + onnx);
  EXPECT_EQ(result.status, 1);
  EXPECT_EQ(result.err, "nnlab: error: " + dir.path().string() +
                            ": no experiment.yaml here; expected the results folder of a run\n");
  EXPECT_FALSE(fs::exists(onnx));
  const auto no_format = test::run_cli("export " + dir.path().string());
  EXPECT_EQ(no_format.status, 2);
  EXPECT_EQ(no_format.err, "nnlab export: missing --onnx FILE (the only format it writes)\n");
}

TEST(OnnxExport, ALayerTheExporterDoesNotKnowIsNamedWithItsKind) {
  // A run whose experiment names a layer kind the exporter has no mapping for: a plugin's layer
  // stands for it here by a model.safetensors that is never read (the kind is checked first).
  test::TempDir dir;
  const std::string out = dir.file("run");
  fs::create_directories(out);
  test::TempDir source;
  const std::string yaml = std::string(kCnn);
  std::string changed = yaml;
  changed.replace(changed.find("{kind: identity, name: i}"), 25, "{kind: mystery, name: i}");
  std::ofstream(out + "/experiment.yaml") << changed;
  std::ofstream(out + "/model.safetensors") << "not read";
  const std::string onnx = dir.file("model.onnx");
  const auto result = test::run_cli("export " + out + " --onnx " + onnx);
  EXPECT_EQ(result.status, 1);
  EXPECT_EQ(result.err,
            "nnlab: error: node 'i' (model.layers[18]) is a layer of kind 'mystery', which ONNX "
            "export does not know; it exports dense, conv2d, batch_norm, dropout, max_pool, "
            "avg_pool, global_avg_pool, relu, sigmoid, tanh, flatten, add, identity\n");
  EXPECT_FALSE(fs::exists(onnx));
}

}  // namespace
}  // namespace nnlab
