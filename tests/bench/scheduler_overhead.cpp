// The trial scheduler's own cost per trial: many no-op trials through TrialScheduler, at 1 slot and
// at one slot per core. Prints microseconds per trial; asserts nothing.
//   build/bin/scheduler_overhead [trials]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <thread>

#include "scheduler.hpp"

int main(int argc, char** argv) {
  const std::int64_t trials = argc > 1 ? std::atoll(argv[1]) : 200000;
  for (int slots : {1, nnlab::TrialScheduler::auto_parallel_trials(1)}) {
    std::mutex m;
    std::int64_t next = 0, done = 0;
    const auto start = std::chrono::steady_clock::now();
    nnlab::TrialScheduler(slots, 1).run(
        [&]() -> std::optional<std::int64_t> {
          std::lock_guard lock(m);
          if (next >= trials) return std::nullopt;
          return next++;
        },
        [&](std::int64_t) {
          std::lock_guard lock(m);
          ++done;
        });
    const double us =
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
    std::printf("scheduler: %lld no-op trials on %d slot(s): %.3f us per trial\n",
                static_cast<long long>(done), slots, us / static_cast<double>(trials));
  }
  return 0;
}
