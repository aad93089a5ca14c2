#pragma once
/// The progress people watch: a sweep's line ("trials 20/32 (2 failed, 0 pruned), 2 running, best
/// val_acc 0.771 (trial 18), 0:12 elapsed, ~0:07 left") and the time estimates behind it. Text
/// only; where it goes (a line redrawn on a terminal, plain lines in a log) is the CLI's choice.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "metric.hpp"

namespace nnlab {

/// "0:07", "12:05", "1:02:03".
std::string format_clock(double seconds);

/// Seconds left for `remaining` units of work when `done` units took `elapsed` seconds (none
/// when nothing is done yet): the honest estimate of a run's epochs.
std::optional<double> remaining_seconds(double elapsed, std::int64_t done, std::int64_t remaining);

/// Seconds left in a sweep: the trials not started take the mean duration of those finished so
/// far, the running ones the part of it they have not used yet; all of it spread over the slots.
/// None when no trial has finished yet or the total is not known.
/// @param running_ages how long each running trial has been running
std::optional<double> sweep_remaining_seconds(std::optional<double> mean_trial_seconds,
                                              std::int64_t not_started,
                                              const std::vector<double>& running_ages, int slots);

/// A sweep's finished trials so far.
struct SweepCounts {
  std::int64_t complete = 0, pruned = 0, failed = 0;
  std::int64_t reused = 0;       ///< finished trials kept from an earlier sweep (resume)
  std::int64_t best_trial = -1;  ///< -1: no complete trial yet
  double best_objective = 0;
  std::int64_t pareto = -1;  ///< multi-objective: complete trials on the Pareto front (-1: one)
  std::int64_t done() const { return complete + pruned + failed; }
};

/// What the progress line shows: the counts, and what is running and left.
struct SweepProgress : SweepCounts {
  std::int64_t total = 0;  ///< 0: as many as the strategy proposes
  std::int64_t running = 0;
  Metric metric;
  double elapsed_s = 0;
  std::optional<double> remaining_s;

  /// "trials 20/32 (2 failed, 0 pruned), 2 running, best val_acc 0.7710 (trial 18), 0:12
  /// elapsed, ~0:07 left".
  std::string line() const;
};

}  // namespace nnlab
