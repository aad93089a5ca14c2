#include "scheduler.hpp"

#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/task_arena.h>
#include <tbb/task_group.h>

#include <algorithm>

#include "compute_threads.hpp"

namespace nnlab {

TrialScheduler::TrialScheduler(int parallel_trials, int threads_per_trial)
    : parallel_trials_(std::max(1, parallel_trials)),
      threads_per_trial_(std::max(1, threads_per_trial)) {}

int TrialScheduler::auto_parallel_trials(int threads_per_trial) {
  return std::max(1, tbb::info::default_concurrency() / std::max(1, threads_per_trial));
}

void TrialScheduler::run(const std::function<std::optional<std::int64_t>()>& next,
                         const std::function<void(std::int64_t)>& run_trial) const {
  // TBB's pool holds one thread per core by default; more slots than cores (trials that wait on
  // I/O, or a deliberate oversubscription) need the pool raised to match.
  tbb::global_control pool(
      tbb::global_control::max_allowed_parallelism,
      std::max<std::size_t>(static_cast<std::size_t>(parallel_trials_),
                            static_cast<std::size_t>(tbb::info::default_concurrency())));
  // One arena slot per trial in flight; the calling thread takes one of them.
  tbb::task_arena arena(parallel_trials_, 1);
  arena.execute([&] {
    tbb::task_group slots;
    for (int s = 0; s < parallel_trials_; ++s) {
      slots.run([&] {
        // OpenMP's team size is per thread: without this each trial would start a team of every
        // core.
        set_compute_threads(threads_per_trial_);
        while (const auto trial = next()) run_trial(*trial);
      });
    }
    slots.wait();
  });
}

}  // namespace nnlab
