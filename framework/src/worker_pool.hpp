#pragma once
/// The sweep's worker processes in process isolation: at most one per scheduler slot, started
/// when a slot first needs one and replaced when one dies. A slot takes a worker for a trial and
/// gives it back after; a dead one is dropped, and the next trial starts a fresh one.
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "worker_process.hpp"

namespace nnlab {

class WorkerPool {
 public:
  /// `command`: the nnlab executable and `worker`; `setup`: what every worker is sent first.
  WorkerPool(std::vector<std::string> command, WorkerSetup setup);

  /// An idle worker, or a new one. Throws Error when a new one cannot start or set up.
  std::unique_ptr<WorkerProcess> take();
  /// Returns a worker after a trial; a dead one is dropped (counted in replaced()).
  void give_back(std::unique_ptr<WorkerProcess> worker);

  /// Workers that died (or were killed) and were not given back: each is replaced on demand.
  int replaced() const;

 private:
  const std::vector<std::string> command_;
  const WorkerSetup setup_;
  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<WorkerProcess>> idle_;
  int replaced_ = 0;
};

}  // namespace nnlab
