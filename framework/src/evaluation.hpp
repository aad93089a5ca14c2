#pragma once
/// `nnlab eval`: the saved model of a run, evaluated again, on the run's data or on other data.
#include <string>
#include <vector>

#include "metric.hpp"
#include "plugin_host.hpp"

namespace nnlab {

struct Evaluation {
  EvalPoint point;       ///< the metrics of each evaluated split
  std::string csv_path;  ///< where they were written
};

/// Rebuilds the run in `results_dir` from its experiment.yaml with `overrides` applied (other
/// data: `data.test_images=...`; other splits: `train.eval=[val]`), loads its model.safetensors
/// and evaluates in inference mode. Writes results_dir/eval.csv (metric, value: test_acc,
/// test_loss, ...), atomically. On the run's own data it reproduces the run's last evaluation
/// exactly.
Evaluation evaluate_saved_model(const std::string& results_dir,
                                const std::vector<std::string>& overrides, const PluginHost& host);

}  // namespace nnlab
