#include "prediction.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>

#include "compute_threads.hpp"
#include "data.hpp"
#include "model_file.hpp"
#include "nnlab/error.hpp"
#include "nnlab/idx.hpp"
#include "results/csv.hpp"
#include "trainer.hpp"

namespace nnlab {

namespace fs = std::filesystem;

namespace {

/// IDX is told from CSV by its first bytes: gzip's magic, or IDX's uint8-images magic.
bool looks_like_idx(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot open (no such file, or not readable)");
  unsigned char head[4] = {};
  in.read(reinterpret_cast<char*>(head), sizeof head);
  if (in.gcount() < 2) return false;
  if (head[0] == 0x1f && head[1] == 0x8b) return true;
  return in.gcount() == 4 && head[0] == 0 && head[1] == 0 && head[2] == 0x08 && head[3] == 0x03;
}

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t\r") - first + 1);
}

/// The number `field` holds, or nullopt when it is not one (a header's name).
std::optional<double> number(const std::string& field) {
  const std::string text = trimmed(field);
  double value = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

Matrix read_csv_examples(const std::string& path, std::int64_t features) {
  std::ifstream in(path);
  if (!in) throw Error(path + ": cannot open (no such file, or not readable)");
  std::vector<float> values;
  std::string line;
  std::int64_t line_number = 0, rows = 0;
  bool first = true;
  while (std::getline(in, line)) {
    ++line_number;
    if (trimmed(line).empty()) continue;
    const bool may_be_header = first;
    first = false;
    bool header = false;
    const std::vector<std::string> fields = parse_csv_line(trimmed(line));
    const std::string where = path + ":" + std::to_string(line_number) + ": ";
    std::vector<float> row;
    row.reserve(fields.size());
    for (std::size_t f = 0; f < fields.size(); ++f) {
      const auto value = number(fields[f]);
      if (!value) {
        // A first line of names is a header; anywhere else a word is a mistake.
        if (may_be_header) {
          header = true;
          break;
        }
        throw Error(where + "field " + std::to_string(f + 1) + " ('" + trimmed(fields[f]) +
                    "') is not a number");
      }
      if (!std::isfinite(*value)) {
        throw Error(where + "field " + std::to_string(f + 1) + " ('" + trimmed(fields[f]) +
                    "') is not a finite number");
      }
      row.push_back(static_cast<float>(*value));
    }
    if (header) continue;
    if (static_cast<std::int64_t>(row.size()) != features) {
      throw Error(where + "expected " + std::to_string(features) +
                  " numbers (one example: the model's input), found " + std::to_string(row.size()));
    }
    values.insert(values.end(), row.begin(), row.end());
    ++rows;
  }
  if (rows == 0) throw Error(path + ": no examples (expected one CSV row of numbers per example)");
  Matrix out(rows, features);
  std::memcpy(out.data(), values.data(), values.size() * sizeof(float));
  return out;
}

}  // namespace

Matrix read_examples(const std::string& input_path, std::int64_t features) {
  if (!looks_like_idx(input_path)) return read_csv_examples(input_path, features);
  Shape shape;
  Matrix images = read_idx_images(input_path, -1, &shape);
  if (images.cols() != features) {
    throw Error(input_path + ": IDX images of " + shape.to_string() + " (" +
                std::to_string(images.cols()) + " numbers), but the model takes " +
                std::to_string(features));
  }
  if (images.rows() == 0) throw Error(input_path + ": no examples (an IDX file of 0 images)");
  return images;
}

Prediction predict_saved_model(const std::string& results_dir, const std::string& input_path,
                               const std::string& output_path,
                               const std::vector<std::string>& overrides, const PluginHost& host) {
  const auto [spec, model] =
      read_saved_run(results_dir, overrides, "predict with one of its runs instead");
  set_compute_threads(spec.execution.threads_per_trial);
  // The run's data is read again for its preprocessing: data.scale is fitted on the training rows.
  const PreparedData data = prepare_data(spec.data, host, spec.seed);
  Matrix x = read_examples(input_path, data.features());
  data.preprocessing.apply(x);
  Trainer trainer(spec, data, host);
  load_model(trainer.graph(), model);

  Prediction result;
  result.rows = x.rows();
  result.probabilities = spec.model.loss.kind == "softmax_cross_entropy";
  result.csv_path =
      output_path.empty() ? (fs::path(results_dir) / "predictions.csv").string() : output_path;
  Compute compute = Compute::make();
  std::string csv;
  std::vector<double> p;
  for (std::int64_t first = 0; first < x.rows(); first += spec.train.eval_batch_size) {
    const std::int64_t rows = std::min(spec.train.eval_batch_size, x.rows() - first);
    const ConstMatrixView out =
        trainer.graph().forward(compute, x.view().row_range(first, rows), Mode::infer);
    if (first == 0) {
      result.classes = out.cols;
      csv = "row,class";
      for (std::int64_t c = 0; c < out.cols; ++c) {
        csv += result.probabilities ? ",p_" : ",output_";
        csv += std::to_string(c);
      }
      csv += "\n";
    }
    p.resize(static_cast<std::size_t>(out.cols));
    for (std::int64_t r = 0; r < rows; ++r) {
      const float* z = out.row(r);
      const auto best = std::max_element(z, z + out.cols) - z;
      for (std::int64_t c = 0; c < out.cols; ++c) p[static_cast<std::size_t>(c)] = z[c];
      if (result.probabilities) {
        // In float64, shifted by the largest logit: exp cannot overflow, the sum is at least 1.
        double sum = 0;
        for (double& v : p) sum += (v = std::exp(v - z[best]));
        for (double& v : p) v /= sum;
      }
      // Appended piece by piece: GCC 12 warns (-Wrestrict, falsely) on "," + std::string.
      csv += std::to_string(first + r);
      csv += ',';
      csv += std::to_string(best);
      for (double v : p) {
        csv += ',';
        csv += csv_number(v);
      }
      csv += '\n';
    }
  }
  write_file_atomically(result.csv_path, csv);
  return result;
}

}  // namespace nnlab
