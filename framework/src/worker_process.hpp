#pragma once
/// The coordinator's side of one worker process (trial_worker.hpp is the other side): starts it,
/// hands it trials, and turns its death into a FAIL outcome with the reason. Workers are started
/// with posix_spawn, never fork(): a fork of the threaded coordinator would inherit TBB's and
/// OpenMP's pools half-copied (their threads do not exist in the child) and hang or crash in them.
#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "message_channel.hpp"
#include "trial_runner.hpp"

namespace nnlab {

/// The limits the coordinator enforces on each trial (execution.trial_timeout and the text of
/// execution.trial_memory, which the worker enforces on itself).
struct TrialLimits {
  double timeout_s = 0;     ///< 0: none
  std::string memory_text;  ///< empty: no memory limit
};

class WorkerProcess {
 public:
  /// Starts `command` (the nnlab executable and its hidden `worker` subcommand) with the channel
  /// on descriptor 3, in its own process group (a Ctrl-C at the terminal reaches the coordinator
  /// only, which then stops the workers), sends `setup` and waits until the worker is ready.
  /// Throws Error with the worker's own error line when it cannot set up.
  WorkerProcess(const std::vector<std::string>& command, const WorkerSetup& setup);
  /// Kills the worker if it still runs, and reaps it.
  ~WorkerProcess();
  WorkerProcess(const WorkerProcess&) = delete;
  WorkerProcess& operator=(const WorkerProcess&) = delete;

  /// Runs one trial in the worker. `should_prune` is asked after each evaluation the worker
  /// streams (when the sweep has a pruner). If the worker dies, or is killed at the timeout, the
  /// outcome is FAIL with the reason and the curve it reached, and alive() turns false. A stop
  /// request (Ctrl-C) kills the worker and returns an abandoned outcome. Never throws.
  TrialOutcome run(const TrialRequest& request, const PruneCheck& should_prune,
                   const TrialLimits& limits);

  bool alive() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }

 private:
  /// SIGKILLs (unless it has exited) and reaps the worker; its wait status.
  int kill_and_reap();
  /// Reaps a worker that closed its channel (it is exiting); its wait status.
  int reap();

  pid_t pid_ = -1;
  std::unique_ptr<SocketChannel> channel_;
  bool asks_prune_ = false;
};

/// How a process ended, from its wait status: "signal 11 (SIGSEGV)", "exit 3".
std::string exit_reason(int wait_status);

}  // namespace nnlab
