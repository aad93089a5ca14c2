#include "progress.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace nnlab {

std::string format_clock(double seconds) {
  const auto total = static_cast<long long>(std::llround(std::max(0.0, seconds)));
  char text[32];
  if (total >= 3600) {
    std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", total / 3600, total / 60 % 60,
                  total % 60);
  } else {
    std::snprintf(text, sizeof text, "%lld:%02lld", total / 60, total % 60);
  }
  return text;
}

std::optional<double> remaining_seconds(double elapsed, std::int64_t done, std::int64_t remaining) {
  if (done <= 0) return std::nullopt;
  return elapsed / static_cast<double>(done) *
         static_cast<double>(std::max<std::int64_t>(0, remaining));
}

std::optional<double> sweep_remaining_seconds(std::optional<double> mean_trial_seconds,
                                              std::int64_t not_started,
                                              const std::vector<double>& running_ages, int slots) {
  if (!mean_trial_seconds || not_started < 0) return std::nullopt;
  const double mean = *mean_trial_seconds;
  double work = static_cast<double>(not_started) * mean, longest = 0;
  for (const double age : running_ages) {
    const double left = std::max(0.0, mean - age);
    work += left;
    longest = std::max(longest, left);
  }
  // The slots share the work, but no estimate is shorter than the longest running trial's rest.
  return std::max(longest, work / static_cast<double>(std::max(1, slots)));
}

std::string SweepProgress::line() const {
  char counts[160];
  std::snprintf(counts, sizeof counts, "trials %lld%s%s (%lld failed, %lld pruned), %lld running",
                static_cast<long long>(done()), total > 0 ? "/" : "",
                total > 0 ? std::to_string(total).c_str() : "", static_cast<long long>(failed),
                static_cast<long long>(pruned), static_cast<long long>(running));
  char best[96] = "none yet";
  if (best_trial >= 0) {
    std::snprintf(best, sizeof best, "%.4f (trial %lld)", best_objective,
                  static_cast<long long>(best_trial));
  }
  std::string text = std::string(counts) + ", best " + metric.name() + " " + best + ", ";
  if (pareto >= 0)
    text = std::string(counts) + ", " + std::to_string(pareto) + " on the Pareto front, ";
  text += format_clock(elapsed_s) + " elapsed";
  if (remaining_s) text += std::string(", ~") + format_clock(*remaining_s) + " left";
  return text;
}

}  // namespace nnlab
