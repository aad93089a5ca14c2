#pragma once
/// One trial of a sweep, as a value in and a value out: (the sweep's experiment, the trial's
/// assignment and seeds) -> its outcome (state, objective, curve, updates). No locks, no files:
/// this is the unit a TBB slot runs today, and a worker process or an MPI rank will run later;
/// TrialRequest and TrialOutcome are plain data so they can cross a pipe or a message.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "experiment.hpp"
#include "metric.hpp"
#include "nnlab/search_strategy.hpp"
#include "results/probe_files.hpp"

namespace nnlab {

class PluginHost;
class DataCache;

struct TrialRequest {
  std::int64_t trial = 0;
  Assignment assignment;
  std::vector<std::uint64_t> seeds;  ///< one per repeat; the objective is the repeats' mean
};

struct TrialOutcome {
  std::int64_t trial = 0;
  TrialState state = TrialState::complete;
  /// failed: "nan", "exception: <message>", "out of memory"; from a worker process also
  /// "signal 11 (SIGSEGV)", "exit 3", "timeout 600 s", "memory limit 2 GiB"
  std::string fail_reason;
  std::optional<double> objective;  ///< the metric at the last evaluation (none when failed)
  /// A multi-objective sweep's values, one per search.objectives entry (empty when failed).
  std::vector<double> objectives;
  std::int64_t best_epoch = -1;  ///< where the metric was best
  std::int64_t last_epoch = -1;  ///< the last evaluation's epoch: where the trial stopped
  std::int64_t updates = 0;      ///< optimizer steps over all repeats, up to any failure
  std::vector<EvalPoint> curve;  ///< per evaluation, the mean over the repeats that reached it
  std::vector<std::pair<std::int64_t, double>> steps;  ///< repeat 0's logged minibatch losses
  std::vector<ProbeRecord>
      probes;                 ///< repeat 0's probes (probe: block), before and during training
  std::string resolved_yaml;  ///< repeat 0's experiment, without the search: runnable alone
  /// Repeat 0's trained model (model.safetensors bytes) when the search keeps models; empty
  /// otherwise, and for a trial stopped early.
  std::string model;
  double duration_s = 0;
  std::string started_at, finished_at;  ///< ISO 8601, UTC
  /// A stop was requested (Ctrl-C) while it trained: not a result, never recorded; --resume runs
  /// the trial again.
  bool abandoned = false;
};

/// Asked after every evaluation of repeat 0 with the evaluation and its objective metric; true
/// stops the trial as pruned. The sweep answers it from its pruner (a worker process, through its
/// coordinator, which also keeps the curve so far in case the worker dies).
using PruneCheck = std::function<bool(const EvalPoint& point, double value)>;

/// The fail reason of a trial whose allocation failed (std::bad_alloc). A worker process under
/// execution.trial_memory reports "memory limit <limit>" instead.
inline constexpr const char* kOutOfMemory = "out of memory";

class TrialRunner {
 public:
  /// @param sweep the sweep's experiment (with its search: block); `data` and `host` are shared
  ///              by every trial and must outlive the runner
  TrialRunner(const ExperimentSpec& sweep, DataCache& data, const PluginHost& host);

  /// Trial `request.trial`'s experiment for `seed`: the sweep's experiment with the assignment's
  /// values set at their key paths, and the sweep's data seed (every trial sees the same data).
  ExperimentSpec trial_spec(const Assignment& assignment, std::uint64_t seed) const;

  /// Checks the values a search may give core settings (`train.epochs`, `data.scale`: keys no
  /// component schema covers) by building the experiment with each choice and each end of each
  /// range, so a bad one fails before any trial, at the search parameter's line. Throws
  /// ConfigError.
  void check_core_settings() const;

  /// Trains the trial, every repeat in turn. Never throws: a diverging or throwing trial is a
  /// failed outcome that keeps the curve, epochs and updates it reached.
  TrialOutcome run(const TrialRequest& request, const PruneCheck& should_prune) const;

 private:
  const ExperimentSpec& sweep_;
  const SearchSpec& search_;
  DataCache& data_;
  const PluginHost& host_;
  std::uint64_t data_seed_;
};

/// Trial `trial`'s seed for repeat `repeat`, from (sweep seed, trial, repeat) alone: results do
/// not depend on how many trials run at once. 52 bits, so readers that go through a double keep
/// it exact.
std::uint64_t trial_seed(std::uint64_t sweep_seed, std::int64_t trial, std::int64_t repeat);

/// The seed a sweep's trial trains with: trial_seed's, or with `search.seeds: common` trial 0's for
/// every trial.
std::uint64_t trial_seed(std::uint64_t sweep_seed, const SearchSpec& search, std::int64_t trial,
                         std::int64_t repeat);

/// The values that stand for a searched parameter when checking it before any trial: every
/// choice, or a range's two ends (as the text a trial's override would carry).
std::vector<std::string> boundary_values(const SearchParameter& parameter);

/// The hash in trials.csv's config_hash column: 16 hex digits of FNV-1a over the trial's YAML.
std::string config_hash(const std::string& resolved_yaml);

}  // namespace nnlab
