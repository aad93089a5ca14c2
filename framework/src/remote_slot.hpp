#pragma once
/// A trial slot of a sweep that lives in another process the sweep did not start: one of an MPI
/// rank's slots (framework/distributed/). The sweep runs trials on its own slots and on these,
/// the same way: it hands a slot the next trial the moment one frees up, so a remote slot is one
/// more place a trial can run, behind the same ask/tell queue and the same results files.
#include "trial_runner.hpp"

namespace nnlab {

class RemoteSlot {
 public:
  virtual ~RemoteSlot();
  /// Runs `request` there, asking `should_prune` after each evaluation the slot streams back (when
  /// the sweep has a pruner). Never throws: a failure is a FAIL outcome with its reason.
  virtual TrialOutcome run(const TrialRequest& request, const PruneCheck& should_prune) = 0;
};

}  // namespace nnlab
