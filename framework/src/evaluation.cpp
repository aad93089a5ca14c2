#include "evaluation.hpp"

#include <filesystem>

#include "compute_threads.hpp"
#include "data.hpp"
#include "experiment.hpp"
#include "model_file.hpp"
#include "results/csv.hpp"
#include "trainer.hpp"

namespace nnlab {

namespace fs = std::filesystem;

Evaluation evaluate_saved_model(const std::string& results_dir,
                                const std::vector<std::string>& overrides, const PluginHost& host) {
  const fs::path dir(results_dir);
  const fs::path experiment = dir / "experiment.yaml", model = dir / "model.safetensors";
  if (!fs::is_regular_file(experiment))
    throw Error(results_dir + ": no experiment.yaml here; expected the results folder of a run");
  if (!fs::is_regular_file(model))
    throw Error(results_dir + ": no model.safetensors here; a run writes it when it finishes");
  ExperimentSpec spec = load_experiment(experiment.string(), overrides);
  if (!spec.model.init_from.empty()) {
    // The saved model replaces every tensor: a warm start's file is not needed (nor read) again.
    std::vector<std::string> all = overrides;
    all.push_back("~model.init_from");
    spec = load_experiment(experiment.string(), all);
  }
  if (spec.search)
    throw Error(results_dir + ": the results of a sweep; evaluate one of its runs instead");
  set_compute_threads(spec.execution.threads_per_trial);
  const PreparedData data = prepare_data(spec.data, host, spec.seed);
  Trainer trainer(spec, data, host);
  load_model(trainer.graph(), model.string());
  Compute compute = Compute::make();
  Evaluation result;
  result.point = trainer.evaluate(compute);
  std::string csv = "metric,value\n";
  for (const auto& [metric, value] : result.point.metrics)
    csv += metric.name() + "," + csv_number(value) + "\n";
  result.csv_path = (dir / "eval.csv").string();
  write_file_atomically(result.csv_path, csv);
  return result;
}

}  // namespace nnlab
