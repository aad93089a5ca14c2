#pragma once
/// A finished (or running) sweep's results folder as the read-only commands see it: the
/// experiment it ran (sweep.yaml: the search space, the objective's direction) and its trials.
#include <string>
#include <vector>

#include "experiment.hpp"
#include "results/trials_file.hpp"

namespace nnlab {

struct SweepFolder {
  std::string dir;
  std::string trials_path;              ///< dir/trials.csv
  ExperimentSpec spec;                  ///< from dir/sweep.yaml; spec.search is set
  std::vector<std::string> parameters;  ///< the parameter columns, in the space's order
  std::vector<TrialRecord> trials;      ///< every finished row, in file order
};

/// Reads `dir` without changing anything in it (a live sweep's cut-short last row is skipped).
/// Throws Error naming `dir` when it is not a sweep's results folder, or a file in it is bad.
SweepFolder read_sweep_folder(const std::string& dir);

}  // namespace nnlab
