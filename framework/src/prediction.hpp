#pragma once
/// `nnlab predict`: the saved model of a run applied to new rows, written as class probabilities.
#include <cstdint>
#include <string>
#include <vector>

#include "nnlab/tensor.hpp"
#include "plugin_host.hpp"

namespace nnlab {

struct Prediction {
  std::int64_t rows = 0;
  std::int64_t classes = 0;
  bool probabilities = false;  ///< softmax of the logits (softmax_cross_entropy), else raw outputs
  std::string csv_path;        ///< where they were written
};

/// Reads new examples from `input_path`: an IDX image file (MNIST's format, gzip'd or not: it is
/// recognized by its magic number) or CSV, one example per line, its features as numbers in the
/// dataset's raw units (0..255 pixels for Fashion-MNIST); a first line that is not all numbers is a
/// header. Throws Error naming the file (and line) for anything else. `features` is how many
/// numbers an example must have.
Matrix read_examples(const std::string& input_path, std::int64_t features);

/// Rebuilds the run in `results_dir` (its experiment.yaml with `overrides`), loads its
/// model.safetensors, puts the rows of `input_path` through the run's preprocessing (data.scale,
/// fitted on its training rows, so the run's data must be where its experiment says) and the
/// model in inference mode, and writes `output_path` (default results_dir/predictions.csv)
/// atomically: `row,class,p_0..p_{C-1}` — the most probable class and each class's probability —
/// or `output_0..` for a model not trained with softmax_cross_entropy.
Prediction predict_saved_model(const std::string& results_dir, const std::string& input_path,
                               const std::string& output_path,
                               const std::vector<std::string>& overrides, const PluginHost& host);

}  // namespace nnlab
