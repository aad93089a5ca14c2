#include "trial_messages.hpp"

#include <cstring>
#include <type_traits>

#include "nnlab/error.hpp"

namespace nnlab {

namespace {

/// Appends values as their native bytes; strings and lists carry their length first.
class ByteWriter {
 public:
  template <class T>
  requires std::is_arithmetic_v<T> || std::is_enum_v<T>
  void put(T value) {
    const auto* bytes = reinterpret_cast<const char*>(&value);
    out_.append(bytes, sizeof value);
  }
  void put(const std::string& text) {
    put(static_cast<std::uint64_t>(text.size()));
    out_ += text;
  }
  void put(bool flag) { put(static_cast<std::uint8_t>(flag ? 1 : 0)); }
  void put(const std::optional<double>& value) {
    put(value.has_value());
    if (value) put(*value);
  }
  void put(const Metric& metric) {
    put(metric.split);
    put(metric.measure);
  }
  void put(const EvalPoint& point) {
    put(point.epoch);
    put(point.iteration);
    put(point.metrics);
  }
  void put(const NodeActivations& node) {
    put(node.node);
    for (double v : {node.mean, node.std, node.min, node.max, node.p15, node.p50, node.p85}) put(v);
    put(node.in_range);
    put(node.low);
    put(node.high);
    put(node.counts);
  }
  void put(const ProbeRecord& probe) {
    put(probe.update);
    put(probe.nodes);
  }
  template <class A, class B>
  void put(const std::pair<A, B>& pair) {
    put(pair.first);
    put(pair.second);
  }
  template <class T>
  void put(const std::vector<T>& items) {
    put(static_cast<std::uint64_t>(items.size()));
    for (const T& item : items) put(item);
  }
  void put(const Assignment& assignment) {
    put(static_cast<std::uint64_t>(assignment.size()));
    for (const auto& entry : assignment) put(entry);
  }

  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

/// Reads what ByteWriter wrote, checking every length against what is left.
class ByteReader {
 public:
  ByteReader(std::string_view body, MessageKind kind) : in_(body), kind_(kind) {}

  template <class T>
  requires std::is_arithmetic_v<T> || std::is_enum_v<T>
  void get(T& value) {
    need(sizeof value);
    std::memcpy(&value, in_.data(), sizeof value);
    in_.remove_prefix(sizeof value);
  }
  void get(std::string& text) {
    const std::size_t size = count(1);
    text.assign(in_.data(), size);
    in_.remove_prefix(size);
  }
  void get(bool& flag) {
    std::uint8_t byte = 0;
    get(byte);
    if (byte > 1) malformed();
    flag = byte == 1;
  }
  void get(std::optional<double>& value) {
    bool has = false;
    get(has);
    value.reset();
    if (has) get(value.emplace());
  }
  void get(Metric& metric) {
    get(metric.split);
    get(metric.measure);
    if (metric.split > Split::test || metric.measure > Measure::loss) malformed();
  }
  void get(TrialState& state) {
    std::underlying_type_t<TrialState> raw{};
    get(raw);
    state = static_cast<TrialState>(raw);
    if (state != TrialState::complete && state != TrialState::pruned && state != TrialState::failed)
      malformed();
  }
  void get(EvalPoint& point) {
    get(point.epoch);
    get(point.iteration);
    get(point.metrics);
  }
  void get(NodeActivations& node) {
    get(node.node);
    for (double* v : {&node.mean, &node.std, &node.min, &node.max, &node.p15, &node.p50, &node.p85})
      get(*v);
    get(node.in_range);
    get(node.low);
    get(node.high);
    get(node.counts);
  }
  void get(ProbeRecord& probe) {
    get(probe.update);
    get(probe.nodes);
  }
  template <class A, class B>
  void get(std::pair<A, B>& pair) {
    get(pair.first);
    get(pair.second);
  }
  template <class T>
  void get(std::vector<T>& items) {
    // Each item takes at least a byte, so a count past what is left is a corrupt message, not a
    // huge allocation.
    items.resize(count(1));
    for (T& item : items) get(item);
  }
  void get(Assignment& assignment) {
    const std::size_t size = count(16);
    assignment.clear();
    for (std::size_t i = 0; i < size; ++i) {
      std::pair<std::string, std::string> entry;
      get(entry);
      assignment.insert(std::move(entry));
    }
  }

  /// The whole body was read: anything left over is a message of another shape.
  void finish() const {
    if (!in_.empty()) malformed();
  }

 private:
  std::size_t count(std::size_t least_bytes_each) {
    std::uint64_t size = 0;
    get(size);
    if (size > in_.size() / least_bytes_each) malformed();
    return static_cast<std::size_t>(size);
  }
  void need(std::size_t bytes) const {
    if (in_.size() < bytes) malformed();
  }
  [[noreturn]] void malformed() const {
    throw Error("a malformed " + std::string(message_kind_name(kind_)) +
                " message between the sweep and a worker (are both the same nnlab build?)");
  }

  std::string_view in_;
  MessageKind kind_;
};

}  // namespace

std::string_view message_kind_name(MessageKind kind) {
  switch (kind) {
    case MessageKind::setup:
      return "setup";
    case MessageKind::ready:
      return "ready";
    case MessageKind::setup_failed:
      return "setup_failed";
    case MessageKind::request:
      return "request";
    case MessageKind::evaluation:
      return "evaluation";
    case MessageKind::prune_answer:
      return "prune_answer";
    case MessageKind::outcome:
      return "outcome";
    case MessageKind::out_of_memory:
      return "out_of_memory";
  }
  return "unknown";
}

std::string encode(const WorkerSetup& setup) {
  ByteWriter w;
  w.put(setup.experiment_yaml);
  w.put(setup.experiment_file);
  w.put(setup.plugin_path);
  w.put(setup.data_segments);
  w.put(setup.threads_per_trial);
  w.put(setup.memory_limit_bytes);
  w.put(setup.asks_prune);
  return w.take();
}

WorkerSetup decode_setup(std::string_view body) {
  ByteReader r(body, MessageKind::setup);
  WorkerSetup setup;
  r.get(setup.experiment_yaml);
  r.get(setup.experiment_file);
  r.get(setup.plugin_path);
  r.get(setup.data_segments);
  r.get(setup.threads_per_trial);
  r.get(setup.memory_limit_bytes);
  r.get(setup.asks_prune);
  r.finish();
  return setup;
}

std::string encode(const TrialRequest& request) {
  ByteWriter w;
  w.put(request.trial);
  w.put(request.assignment);
  w.put(request.seeds);
  return w.take();
}

TrialRequest decode_request(std::string_view body) {
  ByteReader r(body, MessageKind::request);
  TrialRequest request;
  r.get(request.trial);
  r.get(request.assignment);
  r.get(request.seeds);
  r.finish();
  return request;
}

std::string encode(const TrialEvaluation& evaluation) {
  ByteWriter w;
  w.put(evaluation.trial);
  w.put(evaluation.point);
  w.put(evaluation.value);
  return w.take();
}

TrialEvaluation decode_evaluation(std::string_view body) {
  ByteReader r(body, MessageKind::evaluation);
  TrialEvaluation evaluation;
  r.get(evaluation.trial);
  r.get(evaluation.point);
  r.get(evaluation.value);
  r.finish();
  return evaluation;
}

std::string encode(const PruneAnswer& answer) {
  ByteWriter w;
  w.put(answer.stop);
  return w.take();
}

PruneAnswer decode_prune_answer(std::string_view body) {
  ByteReader r(body, MessageKind::prune_answer);
  PruneAnswer answer;
  r.get(answer.stop);
  r.finish();
  return answer;
}

std::string encode(const TrialOutcome& outcome) {
  ByteWriter w;
  w.put(outcome.trial);
  w.put(outcome.state);
  w.put(outcome.fail_reason);
  w.put(outcome.objective);
  w.put(outcome.objectives);
  w.put(outcome.best_epoch);
  w.put(outcome.last_epoch);
  w.put(outcome.updates);
  w.put(outcome.curve);
  w.put(outcome.steps);
  w.put(outcome.probes);
  w.put(outcome.resolved_yaml);
  w.put(outcome.model);
  w.put(outcome.duration_s);
  w.put(outcome.started_at);
  w.put(outcome.finished_at);
  w.put(outcome.abandoned);
  return w.take();
}

TrialOutcome decode_outcome(std::string_view body) {
  ByteReader r(body, MessageKind::outcome);
  TrialOutcome outcome;
  r.get(outcome.trial);
  r.get(outcome.state);
  r.get(outcome.fail_reason);
  r.get(outcome.objective);
  r.get(outcome.objectives);
  r.get(outcome.best_epoch);
  r.get(outcome.last_epoch);
  r.get(outcome.updates);
  r.get(outcome.curve);
  r.get(outcome.steps);
  r.get(outcome.probes);
  r.get(outcome.resolved_yaml);
  r.get(outcome.model);
  r.get(outcome.duration_s);
  r.get(outcome.started_at);
  r.get(outcome.finished_at);
  r.get(outcome.abandoned);
  r.finish();
  return outcome;
}

}  // namespace nnlab
