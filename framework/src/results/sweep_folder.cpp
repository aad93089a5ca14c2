#include "results/sweep_folder.hpp"

#include <filesystem>

#include "nnlab/error.hpp"
#include "results/csv.hpp"

namespace nnlab {

SweepFolder read_sweep_folder(const std::string& dir) {
  namespace fs = std::filesystem;
  const fs::path folder(dir);
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) throw Error(dir + ": no such results folder");
  if (!fs::exists(folder / "sweep.yaml", ec)) {
    if (fs::exists(folder / "experiment.yaml", ec)) {
      throw Error(dir +
                  ": the results of a single run (experiment.yaml), not of a sweep "
                  "(sweep.yaml): there are no trials to compare");
    }
    throw Error(dir + ": no sweep.yaml: not an nnlab sweep's results folder");
  }
  SweepFolder folder_read;
  folder_read.dir = dir;
  const std::string sweep_file = (folder / "sweep.yaml").string();
  folder_read.spec = parse_experiment(read_text(sweep_file), sweep_file);
  if (!folder_read.spec.search) throw Error(sweep_file + ": no search: block");
  for (const auto& p : folder_read.spec.search->space.parameters) {
    folder_read.parameters.push_back(p.name);
  }
  folder_read.trials_path = (folder / "trials.csv").string();
  std::vector<std::string> objectives;
  for (const auto& o : folder_read.spec.search->objectives) objectives.push_back(o.measure.name());
  folder_read.trials =
      read_trials(folder_read.trials_path, folder_read.parameters, false, objectives);
  if (!objectives.empty())
    use_objective(folder_read.trials, folder_read.spec.search->metric_objective());
  return folder_read;
}

}  // namespace nnlab
