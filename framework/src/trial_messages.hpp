#pragma once
/// The messages between a sweep's coordinator and the workers that run its trials, and their one
/// encoding: each message is a kind and a byte string, the same whether it crosses a pipe to a
/// worker process (message_channel.hpp) or, later, an MPI message. Keeping the encoding here, apart
/// from any transport, is what stops the transports from drifting apart.
///
/// Both ends run the same nnlab build on machines of one kind, so numbers travel as their native
/// bytes: a double crosses bit for bit, which is what keeps a worker's objectives identical to the
/// in-thread mode's. A message that does not decode (truncated, or from another build) is an
/// Error, never a guess.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "metric.hpp"
#include "trial_runner.hpp"

namespace nnlab {

enum class MessageKind : std::uint8_t {
  setup = 1,      ///< coordinator -> worker, first and once: WorkerSetup
  ready,          ///< worker -> coordinator: set up, waiting for requests (empty body)
  setup_failed,   ///< worker -> coordinator: why it could not set up (one line), then it exits
  request,        ///< coordinator -> worker: TrialRequest
  evaluation,     ///< worker -> coordinator: TrialEvaluation, as the trial trains
  prune_answer,   ///< coordinator -> worker: PruneAnswer, after each evaluation when asked for
  outcome,        ///< worker -> coordinator: TrialOutcome, the trial's end
  out_of_memory,  ///< worker -> coordinator: an allocation failed at the memory limit (empty)
};

/// "request", "outcome": for messages about a message out of order.
std::string_view message_kind_name(MessageKind kind);

struct Message {
  MessageKind kind = MessageKind::ready;
  std::string body;  ///< the encoded value (see the encode/decode pairs below)
};

/// What a worker needs before its first trial. The worker builds the same TrialRunner as the
/// coordinator from it: the same experiment text, the same plugins, the same data.
struct WorkerSetup {
  std::string experiment_yaml;           ///< the sweep's resolved experiment (search: included)
  std::string experiment_file;           ///< the file it came from, for messages
  std::vector<std::string> plugin_path;  ///< --plugin-path entries
  /// Prefix of the shared-memory segments holding the prepared data (shared_data.hpp).
  std::string data_segments;
  int threads_per_trial = 1;
  double memory_limit_bytes = 0;  ///< execution.trial_memory; 0: none
  /// The sweep has a pruner: after each evaluation the worker waits for a PruneAnswer.
  bool asks_prune = false;
};

/// One evaluation of a trial's first repeat, streamed while it trains: the coordinator keeps the
/// curve of a trial whose worker dies, and answers its pruner from it.
struct TrialEvaluation {
  std::int64_t trial = 0;
  EvalPoint point;
  double value = 0;  ///< the search metric at this evaluation (what the pruner is asked about)
};

struct PruneAnswer {
  bool stop = false;
};

std::string encode(const WorkerSetup& setup);
std::string encode(const TrialRequest& request);
std::string encode(const TrialEvaluation& evaluation);
std::string encode(const PruneAnswer& answer);
std::string encode(const TrialOutcome& outcome);

/// Each throws Error naming the message kind when `body` is not a whole, valid encoding.
WorkerSetup decode_setup(std::string_view body);
TrialRequest decode_request(std::string_view body);
TrialEvaluation decode_evaluation(std::string_view body);
PruneAnswer decode_prune_answer(std::string_view body);
TrialOutcome decode_outcome(std::string_view body);

}  // namespace nnlab
