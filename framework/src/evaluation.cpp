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
  const auto [spec, model] =
      read_saved_run(results_dir, overrides, "evaluate one of its runs instead");
  set_compute_threads(spec.execution.threads_per_trial);
  const PreparedData data = prepare_data(spec.data, host, spec.seed);
  Trainer trainer(spec, data, host);
  load_model(trainer.graph(), model);
  Compute compute = Compute::make();
  Evaluation result;
  result.point = trainer.evaluate(compute);
  std::string csv = "metric,value\n";
  for (const auto& [metric, value] : result.point.metrics)
    csv += metric.name() + "," + csv_number(value) + "\n";
  result.csv_path = (fs::path(results_dir) / "eval.csv").string();
  write_file_atomically(result.csv_path, csv);
  return result;
}

}  // namespace nnlab
