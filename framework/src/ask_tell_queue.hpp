#pragma once
/// The ask/tell protocol between a sweep's trial slots and its search strategy (and pruner).
///
/// Trials are numbered in the order they are asked. A strategy that learns from results
/// (`uses_results()`) is run with a lag: with P trials at once, ask(k) is called only after the
/// results of trials 0..k-P have been told, in trial order, and before any later result is told.
/// The strategy then proposes the same trials whatever the order trials finish in, so a sweep is
/// reproducible at a fixed parallelism. Strategies that ignore results (grid, random, sobol) are
/// never held up. All calls into the strategy and the pruner happen under one lock, so neither
/// has to be thread-safe. No files, no training: the queue only orders calls.
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>

#include "nnlab/pruner.hpp"
#include "nnlab/search_strategy.hpp"

namespace nnlab {

/// A trial to run: its number and the strategy's assignment.
struct Proposal {
  std::int64_t trial = 0;
  Assignment assignment;
};

class AskTellQueue {
 public:
  /// @param strategy        set up, nothing asked yet; must outlive the queue
  /// @param pruner          may be null (no early stopping); must outlive the queue
  /// @param parallel_trials trials running at once: the lag for a strategy that uses results
  /// @param budget          trials to ask for in all (0: until the strategy has nothing left)
  AskTellQueue(SearchStrategy& strategy, Pruner* pruner, int parallel_trials, std::int64_t budget);

  /// Resuming: asks for trials 0..`last` in order, so the strategy is where it was. For each,
  /// `recorded(k, assignment)` gives the result an earlier sweep recorded (told, in protocol
  /// order) or nullopt: the trial is queued to run again. It may throw (a recorded trial whose
  /// assignment the strategy no longer proposes). Numbering then continues at last + 1. Call
  /// once, before next().
  void replay(
      std::int64_t last,
      const std::function<std::optional<TrialResult>(std::int64_t, const Assignment&)>& recorded);

  /// The next trial to run: a queued one first, else the strategy's next proposal. Blocks while
  /// the lag protocol makes ask() wait for earlier trials. nullopt when the budget is spent or
  /// the strategy has nothing left. Thread-safe.
  std::optional<Proposal> next();

  /// A running trial's objective after `epoch`: asks the pruner whether to stop it. Thread-safe.
  bool should_prune(std::int64_t trial, std::int64_t epoch, double value);

  /// A trial handed out by next() has finished: its result goes to the pruner now and to the
  /// strategy now or, with a lag, as soon as ask() has moved past it. Thread-safe.
  void finish(const TrialResult& result);

  /// Hands out nothing more: next() returns nullopt from now on, also to slots waiting in it
  /// (the sweep is stopping). Thread-safe.
  void stop();
  /// Trials handed out and not finished.
  std::int64_t running() const;
  /// Trials queued to run again after replay() and not yet handed out.
  std::int64_t queued() const;

 private:
  /// Before ask(k): with a lag, waits (if `lock` is given) until trials are asked in order and
  /// trials 0..k-lag have finished, then tells the strategy their results, in trial order.
  void catch_up(std::int64_t k, std::unique_lock<std::mutex>* lock);
  /// Hands `result` to the strategy, or holds it until ask() has moved past it.
  void deliver(const TrialResult& result);

  SearchStrategy& strategy_;
  Pruner* pruner_;
  std::int64_t budget_;
  int lag_;  ///< ask(k) sees trials 0..k-lag_ (-1: the strategy ignores results)

  mutable std::mutex mutex_;          ///< guards everything below, the strategy and the pruner
  std::condition_variable changed_;   ///< a trial finished or was asked
  std::deque<Proposal> queued_;       ///< replayed trials to run again
  std::set<std::int64_t> in_flight_;  ///< asked or queued, not finished
  std::map<std::int64_t, TrialResult> held_;  ///< finished, not yet told (lag)
  std::int64_t told_limit_ = -1;              ///< results of trials up to here go straight in
  std::int64_t next_trial_ = 0;               ///< the number the next ask() gets
  std::int64_t next_to_ask_ = 0;  ///< asks happen in trial order: the one whose turn it is
  std::int64_t running_ = 0;
  bool exhausted_ = false;  ///< the strategy returned nullopt
  bool stopped_ = false;    ///< stop() was called
};

}  // namespace nnlab
