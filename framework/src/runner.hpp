#pragma once
/// One experiment run, end to end: data, model, training, result files.
#include <cstdint>
#include <functional>
#include <string>

#include "experiment.hpp"
#include "trainer.hpp"

namespace nnlab {

class PluginHost;

struct RunOptions {
  std::string out_dir;     ///< default: results/<experiment name>
  bool overwrite = false;  ///< replace an earlier run's files in out_dir
  /// Continue the run in out_dir from its checkpoint (a fresh start when it has none).
  bool resume = false;
  std::function<void(const std::string&)> log;    ///< one-line messages (may be empty)
  std::function<void(const EvalPoint&)> on_eval;  ///< after each evaluation (may be empty)
  /// With a pbt sweep's experiment: replay member `pbt_member` of the pbt_schedule.csv at this
  /// path (pbt_replay.hpp) instead of running the experiment.
  std::string pbt_schedule;
  std::int64_t pbt_member = 0;
};

struct RunResult {
  std::string out_dir;
  TrainSummary summary;
  bool already_finished = false;  ///< --resume on a finished run: nothing was trained
};

/// Runs `spec`. Everything is built and checked before anything is written. Writes
/// <out_dir>/experiment.yaml (the resolved experiment), <out_dir>/curves.csv (trial 0), with
/// train.checkpoint <out_dir>/checkpoint.safetensors, and at the end <out_dir>/model.safetensors.
/// With options.resume, goes on from the checkpoint: the rows written after it are replaced, and
/// the run ends with the numbers an uninterrupted one gives.
RunResult run_experiment(const ExperimentSpec& spec, const PluginHost& host,
                         const RunOptions& options);

/// Builds everything a run needs (data, model, loss, regularizers, optimizer) and trains nothing:
/// `nnlab validate`. Returns a one-line summary of the model.
std::string validate_experiment(const ExperimentSpec& spec, const PluginHost& host);

}  // namespace nnlab
