#pragma once
/// One PBT member's interval: a trainer built from the member's experiment for that interval (its
/// hyperparameters then) goes on from the state the previous interval left (the member's own, or
/// the one an exploit copied into it), trains to the boundary and leaves its state for the next.
/// A new trainer per interval is how a changed hyperparameter takes effect: components read their
/// hyperparameters when they are built, and the state carries everything else. The sweep and
/// `nnlab run --schedule` (the replay) both train through this one function, so a replayed lineage
/// runs the very operations the sweep ran, and ends on the same numbers.
#include <cstdint>
#include <functional>
#include <string>

#include "trainer.hpp"

namespace nnlab {

class PluginHost;

/// Trains `spec` from `state` (checkpoint bytes; empty: from the start) through the evaluation of
/// epoch `until` (0: to the schedule's end). `state` becomes the trainer's state at the boundary;
/// when the schedule ends first, `at_end` gets the trainer (its model) and `state` is left as it
/// was. `on_eval` gets each evaluation. Throws what Trainer::run throws (DivergedError, ...).
TrainSummary train_member_interval(const ExperimentSpec& spec, const PreparedData& data,
                                   const PluginHost& host, std::string& state, std::int64_t until,
                                   const std::function<void(const EvalPoint&)>& on_eval,
                                   const std::function<void(Trainer&)>& at_end);

}  // namespace nnlab
