#include "worker_pool.hpp"

#include <utility>

namespace nnlab {

WorkerPool::WorkerPool(std::vector<std::string> command, WorkerSetup setup)
    : command_(std::move(command)), setup_(std::move(setup)) {}

std::unique_ptr<WorkerProcess> WorkerPool::take() {
  {
    std::lock_guard lock(mutex_);
    if (!idle_.empty()) {
      auto worker = std::move(idle_.back());
      idle_.pop_back();
      return worker;
    }
  }
  // Started outside the lock: a worker's setup (plugins, data) takes a while, and other slots
  // may start theirs at the same time.
  return std::make_unique<WorkerProcess>(command_, setup_);
}

void WorkerPool::give_back(std::unique_ptr<WorkerProcess> worker) {
  std::lock_guard lock(mutex_);
  if (worker->alive()) {
    idle_.push_back(std::move(worker));
  } else {
    ++replaced_;
  }
}

int WorkerPool::replaced() const {
  std::lock_guard lock(mutex_);
  return replaced_;
}

}  // namespace nnlab
