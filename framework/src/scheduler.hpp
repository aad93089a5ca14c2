#pragma once
/// The trial scheduler: a fixed number of slots on a TBB arena, each taking the next trial the
/// moment its last one ends (no batch barrier). Each slot gives oneDNN its thread budget.
#include <cstdint>
#include <functional>
#include <optional>

namespace nnlab {

class TrialScheduler {
 public:
  /// @param parallel_trials  trials running at once (slots)
  /// @param threads_per_trial oneDNN (OpenMP) threads each trial may use
  TrialScheduler(int parallel_trials, int threads_per_trial);

  /// Runs `run_trial(k)` for every k that `next()` hands out, until it returns nullopt. `next` is
  /// called from several threads at once and must be thread-safe; `run_trial` must not throw.
  void run(const std::function<std::optional<std::int64_t>()>& next,
           const std::function<void(std::int64_t)>& run_trial) const;

  int parallel_trials() const { return parallel_trials_; }

  /// Slots for `threads_per_trial` on this machine: cores / threads_per_trial, at least 1.
  static int auto_parallel_trials(int threads_per_trial);

 private:
  int parallel_trials_;
  int threads_per_trial_;
};

}  // namespace nnlab
