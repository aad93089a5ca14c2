#include "successive_halving.hpp"

#include <algorithm>
#include <cmath>
#include <functional>

namespace nnlab::search {

std::int64_t SuccessiveHalving::rung_epoch(std::int64_t k) const {
  std::int64_t epoch = min_epochs_;
  for (std::int64_t i = 0; i < rate_ + k; ++i) epoch *= eta_;
  return epoch;
}

bool SuccessiveHalving::report(std::int64_t trial, std::int64_t epoch, double value) {
  std::int64_t& k = next_rung_[trial];
  bool prune = false;
  // An evaluation may pass several rungs at once (sparse evaluations): each records the value.
  while (epoch >= rung_epoch(k) && !prune) {
    std::vector<double>& values = rungs_[k];
    values.push_back(std::isfinite(value) ? value : (maximize_ ? -HUGE_VAL : HUGE_VAL));
    std::vector<double> sorted = values;
    if (maximize_) {
      std::sort(sorted.begin(), sorted.end(), std::greater<>());
    } else {
      std::sort(sorted.begin(), sorted.end());
    }
    const std::size_t cut =
        std::max<std::size_t>(1, sorted.size() / static_cast<std::size_t>(eta_)) - 1;
    const double bar = sorted[cut];
    prune = maximize_ ? !(values.back() >= bar) : !(values.back() <= bar);
    ++k;
  }
  return prune;
}

}  // namespace nnlab::search
