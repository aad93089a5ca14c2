#pragma once
/// `mpirun -np N nnlab sweep FILE`: one sweep over the ranks of an MPI job. Rank 0 runs the sweep
/// as ever — the strategy, the ask/tell queue, the results files and its own parallel_trials slots
/// — and uses each slot of every other rank as one more slot (a RemoteSlot): a trial goes to
/// whichever slot frees up first, with no barrier between batches. Rank 0 sends each rank the
/// sweep's setup (its resolved experiment, so every rank runs exactly rank 0's trials whatever
/// files it sees); the rank loads the plugins and prepares the data itself (ranks may sit on other
/// machines), then answers with its slot count (its own execution.parallel_trials, or its cores /
/// threads_per_trial) or its one error line, before any trial runs. Each slot then serves requests
/// on its own tag until rank 0 closes it. The messages are the worker processes'
/// (trial_messages.hpp) over MpiChannel.
///
/// A rank that dies takes the job with it (Open MPI's default, which nnlab keeps): the results
/// files hold every finished trial, and `nnlab sweep --resume` (in one process or under MPI) reruns
/// exactly the unfinished ones.
#include <memory>
#include <vector>

#include "remote_slot.hpp"
#include "trial_messages.hpp"

namespace nnlab {

class MpiSlot;

/// Rank 0's side of the other ranks.
class MpiRanks {
 public:
  /// For a job of `size` ranks (this one is rank 0). Nothing is sent yet.
  explicit MpiRanks(int size);
  /// Ends every other rank's wait: the slots of started ranks are closed, ranks never started are
  /// told to stop.
  ~MpiRanks();
  MpiRanks(const MpiRanks&) = delete;
  MpiRanks& operator=(const MpiRanks&) = delete;

  /// Sends every other rank `setup` and waits for each answer. Throws Error "rank R: <its error>"
  /// naming the first rank that could not set up (the others are stopped first).
  void start(const WorkerSetup& setup);
  /// Every slot of every other rank, in rank order.
  std::vector<RemoteSlot*> slots() const;

 private:
  int size_;
  bool started_ = false;
  std::vector<std::unique_ptr<MpiSlot>> slots_;
};

/// A rank other than 0, from start to end: waits for rank 0's setup, sets up, serves its slots
/// until rank 0 closes them. Returns the exit status: 0, or 1 after a failed setup (its line is
/// sent to rank 0 and printed on stderr) or a broken stream.
int serve_rank(int rank);

}  // namespace nnlab
