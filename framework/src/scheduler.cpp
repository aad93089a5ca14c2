#include "scheduler.hpp"

#include <tbb/global_control.h>
#include <tbb/info.h>
#include <tbb/task_arena.h>
#include <tbb/task_group.h>

#include <algorithm>
#include <utility>

#include "compute_threads.hpp"

#if defined(__SANITIZE_THREAD__)
#include <sanitizer/tsan_interface.h>
// ThreadSanitizer's dynamic annotations (libtsan exports them; no header declares them).
extern "C" void AnnotateIgnoreWritesBegin(const char* file, int line);
extern "C" void AnnotateIgnoreWritesEnd(const char* file, int line);
#endif

namespace nnlab {

namespace {

// Debian's TBB is not instrumented, so ThreadSanitizer cannot see how a task_group hands a task to
// a worker and reports its end to wait(): both go through TBB's own atomics. These restate
// task_group's guarantees for it, and do nothing in other builds. With them, TSan still checks
// everything the slots do to nnlab's data (the queue, the sweep's log and maps), which is the
// point.

/// What the caller did before run() happens before the task starts (taken_over).
void handed_over([[maybe_unused]] void* token) {
#if defined(__SANITIZE_THREAD__)
  __tsan_release(token);
#endif
}
void taken_over([[maybe_unused]] void* token) {
#if defined(__SANITIZE_THREAD__)
  __tsan_acquire(token);
#endif
}

/// Spawns `slot` on `group`. TBB copies the closure into a task object from its own pool, and a
/// worker reads it after a hand-off TSan cannot see; a release after the copy could come too late
/// (the worker may already run), so TSan does not record the copy's writes instead.
template <class Slot>
void spawn(tbb::task_group& group, Slot&& slot) {
#if defined(__SANITIZE_THREAD__)
  AnnotateIgnoreWritesBegin(__FILE__, __LINE__);
#endif
  group.run(std::forward<Slot>(slot));
#if defined(__SANITIZE_THREAD__)
  AnnotateIgnoreWritesEnd(__FILE__, __LINE__);
#endif
}

}  // namespace

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
    char token = 0;  // the address names this run's hand-offs to ThreadSanitizer
    handed_over(&token);
    tbb::task_group slots;
    for (int s = 0; s < parallel_trials_; ++s) {
      spawn(slots, [&] {
        taken_over(&token);
        // OpenMP's team size is per thread: without this each trial would start a team of every
        // core.
        set_compute_threads(threads_per_trial_);
        while (const auto trial = next()) run_trial(*trial);
        handed_over(&token);  // what the slot did happens before wait() returns
      });
    }
    slots.wait();
    taken_over(&token);
  });
}

}  // namespace nnlab
