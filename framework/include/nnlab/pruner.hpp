#pragma once
/// The Pruner interface: early stopping that works with any search strategy. The sweep reports each
/// running trial's objective metric after every evaluation; a pruner that answers true stops the
/// trial, which is recorded as PRUNED with the epoch it reached. Median stopping, asynchronous
/// successive halving and Hyperband implement it.
#include <cstdint>

#include "nnlab/search_strategy.hpp"

namespace nnlab {

struct PrunerSetup {
  std::uint64_t seed = 0;   ///< the sweep's seed
  std::int64_t epochs = 0;  ///< train.epochs: the most a trial trains (Hyperband's max resource)
  bool maximize = true;     ///< the objective's direction
};

class Pruner {
 public:
  virtual ~Pruner();
  /// Called once, before any report.
  virtual void setup(const PrunerSetup& setup) = 0;
  /// Trial `trial`'s metric after `epoch` (the numbering of curves.csv: epochs trained so far).
  /// Called for every evaluation of every trial, in time order across trials; true stops the trial.
  virtual bool should_prune(std::int64_t trial, std::int64_t epoch, double value) = 0;
  /// A finished trial (complete, pruned or failed).
  virtual void tell(const TrialResult& result) { (void)result; }
};

}  // namespace nnlab
