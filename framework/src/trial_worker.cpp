#include "trial_worker.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <new>
#include <optional>

#include "compute_threads.hpp"
#include "data_cache.hpp"
#include "plugin_host.hpp"
#include "trial_runner.hpp"

namespace nnlab {

namespace {

/// Set while a trial runs, for the new-handler: the channel to report a failed allocation on.
/// Atomic: oneDNN's OpenMP threads allocate too, and only one of them may send the report.
std::atomic<MessageChannel*> g_reporting{nullptr};
std::atomic<bool> g_reported{false};

/// Called by operator new when an allocation fails (at the RLIMIT_AS limit): tells the
/// coordinator first, so that a trial that dies of it afterwards (an abort in code that does not
/// expect bad_alloc) still fails as over its memory limit, then throws as operator new would.
void report_allocation_failure() {
  MessageChannel* channel = g_reporting.load();
  if (channel && !g_reported.exchange(true)) {
    try {
      channel->send({MessageKind::out_of_memory, {}});
    } catch (...) {
      // The coordinator has gone; the bad_alloc below still ends the trial.
    }
  }
  throw std::bad_alloc();
}

/// The bytes this process maps now (VmSize).
double mapped_bytes() {
  std::ifstream statm("/proc/self/statm");
  double pages = 0;
  statm >> pages;
  return pages * static_cast<double>(::sysconf(_SC_PAGE_SIZE));
}

}  // namespace

void limit_trial_memory(double bytes) {
  rlimit limit{};
  if (::getrlimit(RLIMIT_AS, &limit) != 0)
    throw Error(std::string("cannot read the memory limit: ") + std::strerror(errno));
  const double wanted = mapped_bytes() + bytes;
  const auto cap = static_cast<rlim_t>(wanted);
  // Never above a hard limit the worker was started under.
  limit.rlim_cur = limit.rlim_max == RLIM_INFINITY ? cap : std::min(cap, limit.rlim_max);
  if (::setrlimit(RLIMIT_AS, &limit) != 0)
    throw Error(std::string("cannot set the trial memory limit: ") + std::strerror(errno));
}

TrialOutcome serve_request(MessageChannel& channel, const TrialRunner& runner,
                           const Message& message, bool asks_prune) {
  if (message.kind != MessageKind::request)
    throw Error("expected a request, got " + std::string(message_kind_name(message.kind)));
  const TrialRequest request = decode_request(message.body);
  PruneCheck evaluated = [&](const EvalPoint& point, double value) {
    channel.send({MessageKind::evaluation, encode(TrialEvaluation{request.trial, point, value})});
    if (!asks_prune) return false;
    auto answer = channel.receive();
    if (!answer || answer->kind != MessageKind::prune_answer)
      throw Error("the coordinator did not answer an evaluation");
    return decode_prune_answer(answer->body).stop;
  };
  return runner.run(request, evaluated);
}

int serve_trials(MessageChannel& channel) {
  std::optional<Message> first;
  try {
    first = channel.receive();
  } catch (const std::exception&) {
    return 1;
  }
  if (!first) return 0;
  std::unique_ptr<PluginHost> host;
  std::unique_ptr<ExperimentSpec> spec;
  std::unique_ptr<DataCache> data;
  std::unique_ptr<TrialRunner> runner;
  WorkerSetup setup;
  try {
    if (first->kind != MessageKind::setup)
      throw Error("expected a setup message, got " + std::string(message_kind_name(first->kind)));
    setup = decode_setup(first->body);
    spec = std::make_unique<ExperimentSpec>(
        parse_experiment(setup.experiment_yaml, setup.experiment_file));
    host = std::make_unique<PluginHost>();
    host->load_for(*spec, setup.plugin_path);
    data = std::make_unique<DataCache>(*host, DataSharing::attach, setup.data_segments);
    runner = std::make_unique<TrialRunner>(*spec, *data, *host);
    // Attach to the sweep's data now: a worker that cannot fails before any trial, and the
    // mapping counts in the baseline the memory limit is added to.
    const ExperimentSpec base = runner->trial_spec({}, trial_seed(spec->seed, 0, 0));
    data->get(base.data, base.seed);
    set_compute_threads(setup.threads_per_trial);
    if (setup.memory_limit_bytes > 0) limit_trial_memory(setup.memory_limit_bytes);
    channel.send({MessageKind::ready, {}});
  } catch (const std::exception& e) {
    try {
      channel.send({MessageKind::setup_failed, e.what()});
    } catch (...) {
      // Nobody to tell.
    }
    return 1;
  }
  std::set_new_handler(&report_allocation_failure);
  try {
    while (auto message = channel.receive()) {
      g_reporting = &channel;
      g_reported = false;
      const TrialOutcome outcome = serve_request(channel, *runner, *message, setup.asks_prune);
      g_reporting = nullptr;
      channel.send({MessageKind::outcome, encode(outcome)});
    }
  } catch (const std::exception& e) {
    // The channel broke or carried nonsense: the coordinator sees this exit and replaces us.
    std::fprintf(stderr, "nnlab worker %d: %s\n", static_cast<int>(::getpid()), e.what());
    return 1;
  }
  return 0;
}

}  // namespace nnlab
