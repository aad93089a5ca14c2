#pragma once
/// A sweep: the experiment's `search:` block run as many trials in parallel, with results in
/// trials.csv (one row per trial), curves.csv (long form, as a single run) and best.yaml,
/// resumable.
#include <functional>
#include <memory>
#include <string>

#include "experiment.hpp"
#include "nnlab/pruner.hpp"

namespace nnlab {

class PluginHost;

struct SweepOptions {
  std::string out_dir;     ///< default: results/<experiment name>
  bool resume = false;     ///< continue the sweep in out_dir: keep finished trials, rerun the rest
  bool overwrite = false;  ///< discard an earlier sweep in out_dir
  bool retry_failed = false;                         ///< with resume: run FAIL trials again
  std::function<void(const std::string&)> log;       ///< one-line messages (may be empty)
  std::function<void(const std::string&)> progress;  ///< the progress line, after each trial
};

struct SweepSummary {
  std::string out_dir;
  std::int64_t complete = 0, pruned = 0, failed = 0, reused = 0;
  std::int64_t best_trial = -1;
  double best_objective = 0;
  double seconds = 0;
};

/// The experiment's search strategy, created from its plugin and set up for its space; a space the
/// strategy cannot search (a grid over a range without points) is a ConfigError with the line.
std::unique_ptr<SearchStrategy> make_strategy(const ExperimentSpec& spec, const PluginHost& host);

/// The sweep's `search.pruner`, set up; nullptr when there is none.
std::unique_ptr<Pruner> make_pruner(const ExperimentSpec& spec, const PluginHost& host);

/// Runs the sweep. Throws ConfigError (with file and line) for a bad experiment or search space
/// before any trial runs; a trial that fails is recorded as FAIL and the sweep goes on.
SweepSummary run_sweep(const ExperimentSpec& spec, const PluginHost& host,
                       const SweepOptions& options);

}  // namespace nnlab
