#pragma once
// Asynchronous successive halving (Li et al. 2020, "ASHA"), the rule Optuna's
// SuccessiveHalvingPruner uses: rung k sits at min_epochs * eta^(rate + k) epochs; a trial that
// reaches a rung records its value there and goes on only if it is among the top 1/eta of all
// values recorded at that rung so far (the first trial at a rung always goes on). Nothing waits for
// a rung to fill, so trials never idle.
#include <cstdint>
#include <map>
#include <vector>

namespace nnlab::search {

class SuccessiveHalving {
 public:
  SuccessiveHalving(std::int64_t min_epochs, std::int64_t eta, std::int64_t rate, bool maximize)
      : min_epochs_(min_epochs), eta_(eta), rate_(rate), maximize_(maximize) {}

  /// Trial `trial`'s value after `epoch`; true if it falls out at a rung.
  bool report(std::int64_t trial, std::int64_t epoch, double value);

  /// The epoch of rung k.
  std::int64_t rung_epoch(std::int64_t k) const;

 private:
  std::int64_t min_epochs_, eta_, rate_;
  bool maximize_;
  std::map<std::int64_t, std::vector<double>> rungs_;  ///< rung -> values recorded there
  std::map<std::int64_t, std::int64_t> next_rung_;     ///< trial -> the next rung it may reach
};

}  // namespace nnlab::search
