#pragma once
/// A sweep: the experiment's `search:` block run as many trials in parallel. Thin wiring of three
/// parts: the AskTellQueue orders calls to the strategy and pruner, the TrialRunner trains one
/// trial (a value in, a value out), and the SweepLog owns the results folder. The scheduler runs
/// trials on a TBB arena; Trial k's randomness comes from (sweep seed, k) alone.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "experiment.hpp"
#include "progress.hpp"
#include "remote_slot.hpp"

namespace nnlab {

class PluginHost;

struct SweepOptions {
  std::string out_dir;     ///< default: results/<experiment name>
  bool resume = false;     ///< continue the sweep in out_dir: keep finished trials, rerun the rest
  bool overwrite = false;  ///< discard an earlier sweep in out_dir
  bool retry_failed = false;                    ///< with resume: run failed trials again
  std::function<void(const std::string&)> log;  ///< one-line messages (may be empty)
  /// After each finished trial, and every second while trials run (may be empty).
  std::function<void(const SweepProgress&)> progress;
  /// execution.isolation: process starts workers with this command line: the nnlab executable
  /// and its hidden `worker` subcommand. The library cannot know where the executable is; the
  /// CLI gives its own (/proc/self/exe). Empty: a process-isolated sweep is refused.
  std::vector<std::string> worker_command;
  /// The --plugin-path entries the sweep's plugins were loaded with; workers load the same.
  std::vector<std::string> plugin_path;
  /// Trial slots in other processes (an MPI job's other ranks), used beside this process's own
  /// parallel_trials slots; not owned. The sweep's P (trials at once, the lag of a strategy that
  /// learns) counts both.
  std::vector<RemoteSlot*> remote_slots;
  /// Whether this process runs trials itself too (false: it only coordinates the remote slots).
  bool local_trials = true;
};

/// The finished sweep: its counts (reused: kept from an earlier sweep), where, how long.
struct SweepSummary : SweepCounts {
  std::string out_dir;
  double seconds = 0;
  /// The signal that stopped the sweep early (0: it ran to the end). Its running trials were
  /// abandoned, not recorded: --resume runs them again.
  int interrupted_by = 0;
};

/// Runs the sweep. Throws ConfigError (with file and line) for a bad experiment or search space
/// before any trial runs; a trial that fails is recorded as FAIL and the sweep goes on.
SweepSummary run_sweep(const ExperimentSpec& spec, const PluginHost& host,
                       const SweepOptions& options);

}  // namespace nnlab
