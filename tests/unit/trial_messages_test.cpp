// The messages between a sweep and its workers: every field of every message survives the
// encoding bit for bit, a damaged message is an Error (never a guess), and a worker's end is
// worded the way trials.csv shows it.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <thread>

#include "message_channel.hpp"
#include "trial_messages.hpp"
#include "worker_process.hpp"

namespace nnlab {
namespace {

/// The message of the Error `fn` throws ("" when it throws none).
template <class Fn>
std::string test_error_of(Fn&& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

EvalPoint point(std::int64_t epoch, double acc) {
  EvalPoint p;
  p.epoch = epoch;
  p.iteration = epoch * 6;
  p.metrics = {{Metric{Split::train, Measure::accuracy}, acc},
               {Metric{Split::test, Measure::loss}, 1.0 / 3.0 + acc}};
  return p;
}

TrialOutcome full_outcome() {
  TrialOutcome o;
  o.trial = 41;
  o.state = TrialState::pruned;
  o.fail_reason = "exception: x\ny";
  o.objective = 0.1 + 0.2;  // not a short decimal: a text encoding would have to round-trip it
  o.objectives = {std::numeric_limits<double>::denorm_min(), -0.0, 1e308};
  o.best_epoch = 3;
  o.last_epoch = 4;
  o.updates = 1234567890123;
  o.curve = {point(0, 0.25), point(1, 0.5)};
  o.steps = {{1, 2.5}, {2, 2.25}};
  NodeActivations n;
  n.node = "dense_1";
  n.mean = 0.5;
  n.in_range = 0.75;
  n.counts = {1, 2, 3};
  o.probes = {{0, {n}}, {10, {}}};
  o.resolved_yaml = "name: t\nseed: 3\n";
  o.model = std::string("\0\x01\xff", 3);
  o.duration_s = 1.5;
  o.started_at = "2026-12-02T11:00:00Z";
  o.finished_at = "2026-12-02T11:00:01Z";
  o.abandoned = true;
  return o;
}

TEST(TrialMessages, AnOutcomeCrossesWithEveryFieldBitForBit) {
  const TrialOutcome sent = full_outcome();
  const TrialOutcome got = decode_outcome(encode(sent));
  EXPECT_EQ(got.trial, sent.trial);
  EXPECT_EQ(got.state, sent.state);
  EXPECT_EQ(got.fail_reason, sent.fail_reason);
  ASSERT_TRUE(got.objective);
  EXPECT_EQ(std::memcmp(&*got.objective, &*sent.objective, sizeof(double)), 0);
  ASSERT_EQ(got.objectives.size(), 3u);
  EXPECT_EQ(std::memcmp(got.objectives.data(), sent.objectives.data(), 3 * sizeof(double)), 0);
  EXPECT_TRUE(std::signbit(got.objectives[1])) << "-0.0 stays negative";
  EXPECT_EQ(got.best_epoch, 3);
  EXPECT_EQ(got.last_epoch, 4);
  EXPECT_EQ(got.updates, sent.updates);
  ASSERT_EQ(got.curve.size(), 2u);
  EXPECT_EQ(got.curve[1].epoch, 1);
  EXPECT_EQ(got.curve[1].iteration, 6);
  EXPECT_EQ(got.curve[1].metrics, sent.curve[1].metrics);
  EXPECT_EQ(got.steps, sent.steps);
  ASSERT_EQ(got.probes.size(), 2u);
  EXPECT_EQ(got.probes[0].nodes.at(0).node, "dense_1");
  EXPECT_EQ(got.probes[0].nodes.at(0).in_range, 0.75);
  EXPECT_EQ(got.probes[0].nodes.at(0).counts, (std::vector<std::int64_t>{1, 2, 3}));
  EXPECT_EQ(got.probes[1].update, 10);
  EXPECT_EQ(got.resolved_yaml, sent.resolved_yaml);
  EXPECT_EQ(got.model, sent.model);
  EXPECT_EQ(got.duration_s, 1.5);
  EXPECT_EQ(got.started_at, sent.started_at);
  EXPECT_EQ(got.finished_at, sent.finished_at);
  EXPECT_TRUE(got.abandoned);
  // An outcome without an objective stays without one.
  TrialOutcome failed;
  failed.state = TrialState::failed;
  EXPECT_FALSE(decode_outcome(encode(failed)).objective);
}

TEST(TrialMessages, RequestsSetupsEvaluationsAndAnswersCross) {
  TrialRequest request;
  request.trial = 7;
  request.assignment = {{"optimizer.lr", "0.01"}, {"model.layers[0].units", "64"}};
  request.seeds = {1, std::uint64_t{1} << 51};
  const TrialRequest r = decode_request(encode(request));
  EXPECT_EQ(r.trial, 7);
  EXPECT_EQ(r.assignment, request.assignment);
  EXPECT_EQ(r.seeds, request.seeds);

  WorkerSetup setup;
  setup.experiment_yaml = "name: s\n";
  setup.experiment_file = "/x/s.yaml";
  setup.plugin_path = {"/p/a.so", "/p"};
  setup.data_segments = "nnlab-1-0";
  setup.threads_per_trial = 3;
  setup.memory_limit_bytes = 2.0 * (1 << 30);
  setup.asks_prune = true;
  const WorkerSetup s = decode_setup(encode(setup));
  EXPECT_EQ(s.experiment_yaml, setup.experiment_yaml);
  EXPECT_EQ(s.experiment_file, setup.experiment_file);
  EXPECT_EQ(s.plugin_path, setup.plugin_path);
  EXPECT_EQ(s.data_segments, setup.data_segments);
  EXPECT_EQ(s.threads_per_trial, 3);
  EXPECT_EQ(s.memory_limit_bytes, setup.memory_limit_bytes);
  EXPECT_TRUE(s.asks_prune);

  const TrialEvaluation e = decode_evaluation(encode(TrialEvaluation{9, point(2, 0.125), 0.5}));
  EXPECT_EQ(e.trial, 9);
  EXPECT_EQ(e.point.epoch, 2);
  EXPECT_EQ(e.point.metrics, point(2, 0.125).metrics);
  EXPECT_EQ(e.value, 0.5);
  EXPECT_TRUE(decode_prune_answer(encode(PruneAnswer{true})).stop);
  EXPECT_FALSE(decode_prune_answer(encode(PruneAnswer{false})).stop);
}

TEST(TrialMessages, ADamagedMessageIsAnErrorNamingItsKind) {
  const std::string whole = encode(full_outcome());
  // Every truncation, and one byte too many: none decodes.
  for (std::size_t size = 0; size < whole.size(); size += 7) {
    const auto message = test_error_of([&] { decode_outcome(whole.substr(0, size)); });
    EXPECT_NE(message.find("a malformed outcome message"), std::string::npos) << size;
  }
  EXPECT_THROW(decode_outcome(whole + "x"), Error);
  // A length that claims more than the message holds is refused, not allocated.
  std::string huge = encode(TrialRequest{});
  huge[8] = '\x7f';
  EXPECT_THROW(decode_request(huge), Error);
  std::string state = whole;
  state[8] = 9;  // the state byte after the 8-byte trial number
  EXPECT_THROW(decode_outcome(state), Error);
}

TEST(TrialMessages, MessagesCrossASocketPairWholeAndItsCloseIsTheEnd) {
  const auto [a, b] = socket_pair();
  SocketChannel left(a), right(b);
  const std::string big(1 << 20, 'x');  // larger than a socket buffer: sent in pieces
  std::thread sender([&] {
    left.send({MessageKind::outcome, big});
    left.send({MessageKind::ready, {}});
  });
  const auto first = right.receive();
  ASSERT_TRUE(first);
  EXPECT_EQ(first->kind, MessageKind::outcome);
  EXPECT_EQ(first->body, big);
  const auto second = right.receive();
  ASSERT_TRUE(second);
  EXPECT_EQ(second->kind, MessageKind::ready);
  EXPECT_TRUE(second->body.empty());
  sender.join();
  ::shutdown(a, SHUT_RDWR);
  EXPECT_FALSE(right.receive()) << "the other end closed";
  EXPECT_THROW(right.send({MessageKind::ready, {}}), Error) << "and no SIGPIPE";
}

TEST(WorkerProcess, ItsEndIsWordedAsTrialsCsvShowsIt) {
  const auto status_of = [](auto&& body) {
    const pid_t child = fork();
    if (child == 0) {
      body();
      _exit(0);
    }
    int status = 0;
    waitpid(child, &status, 0);
    return status;
  };
  // The default action, not a sanitizer's handler (which would exit with its own code).
  EXPECT_EQ(exit_reason(status_of([] {
              signal(SIGSEGV, SIG_DFL);
              raise(SIGSEGV);
            })),
            "signal 11 (SIGSEGV)");
  EXPECT_EQ(exit_reason(status_of([] { raise(SIGKILL); })), "signal 9 (SIGKILL)");
  EXPECT_EQ(exit_reason(status_of([] { _exit(3); })), "exit 3");
  EXPECT_EQ(exit_reason(status_of([] {})), "exit 0");
}

TEST(WorkerProcess, OneThatCannotSetUpIsAnErrorWithItsReason) {
  // Not a worker at all: it exits before it reads its setup.
  const std::string message = test_error_of([] {
    WorkerProcess({"/bin/sh", "-c", "exit 7", "sh"}, WorkerSetup{});
  });
  EXPECT_EQ(message, "a worker process could not set up: it ended before it was ready: exit 7");
  // A worker that refuses its setup says why (here: the experiment is not YAML).
  WorkerSetup setup;
  setup.experiment_yaml = "[unclosed";
  setup.experiment_file = "bad.yaml";
  const std::string refused = test_error_of([&] { WorkerProcess({NNLAB_CLI, "worker"}, setup); });
  EXPECT_EQ(refused.rfind("a worker process could not set up: bad.yaml:", 0), 0u) << refused;
  EXPECT_NE(refused.find("invalid YAML"), std::string::npos) << refused;
}

}  // namespace
}  // namespace nnlab
