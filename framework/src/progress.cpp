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
  std::string text = "trials " + std::to_string(done);
  if (total > 0) text += "/" + std::to_string(total);
  text += " (" + std::to_string(failed) + " failed, " + std::to_string(pruned) + " pruned), " +
          std::to_string(running) + " running, best " + metric.name() + " ";
  if (best_trial >= 0) {
    char best[64];
    std::snprintf(best, sizeof best, "%.4f (trial %lld)", best_objective,
                  static_cast<long long>(best_trial));
    text += best;
  } else {
    text += "none yet";
  }
  // Appended piece by piece: `"literal" + std::string&&` trips GCC 12's -Wrestrict (PR 105329).
  text += ", ";
  text += format_clock(elapsed_s);
  text += " elapsed";
  if (remaining_s) {
    text += ", ~";
    text += format_clock(*remaining_s);
    text += " left";
  }
  return text;
}

}  // namespace nnlab
