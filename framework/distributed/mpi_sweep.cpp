#include "mpi_sweep.hpp"

#include <mpi.h>

#include <atomic>
#include <cstdio>
#include <optional>
#include <string>

#include "compute_threads.hpp"
#include "data_cache.hpp"
#include "experiment.hpp"
#include "mpi_channel.hpp"
#include "nnlab/error.hpp"
#include "plugin_host.hpp"
#include "results/trials_file.hpp"
#include "scheduler.hpp"
#include "trial_runner.hpp"
#include "trial_worker.hpp"

namespace nnlab {

namespace {

/// Rank 0 <-> each rank's setup and its answer (ready with its slot count, or setup_failed).
constexpr int kControlTag = 1;
/// Slot s of a rank talks to rank 0 on this tag + s (tags pair with the rank, so they repeat).
constexpr int kFirstSlotTag = 100;

}  // namespace

/// One slot of another rank, seen from rank 0.
class MpiSlot final : public RemoteSlot {
 public:
  MpiSlot(int rank, int slot, bool asks_prune)
      : channel_(MPI_COMM_WORLD, rank, kFirstSlotTag + slot), asks_prune_(asks_prune) {}

  TrialOutcome run(const TrialRequest& request, const PruneCheck& should_prune) override {
    const std::string where = "rank " + std::to_string(channel_.peer());
    try {
      channel_.send({MessageKind::request, encode(request)});
      for (;;) {
        auto message = channel_.receive();
        if (!message) throw Error(where + " ended its stream mid-trial");
        if (message->kind == MessageKind::outcome) return decode_outcome(message->body);
        if (message->kind != MessageKind::evaluation) {
          throw Error(where + " sent " + std::string(message_kind_name(message->kind)) +
                      " during a trial");
        }
        const TrialEvaluation e = decode_evaluation(message->body);
        const bool stop = should_prune(e.point, e.value);
        if (asks_prune_) channel_.send({MessageKind::prune_answer, encode(PruneAnswer{stop})});
      }
    } catch (const std::exception& e) {
      TrialOutcome out;
      out.trial = request.trial;
      out.state = TrialState::failed;
      out.fail_reason = std::string("exception: ") + e.what();
      out.started_at = out.finished_at = utc_now();
      return out;
    }
  }

  void close() { channel_.close(); }

 private:
  MpiChannel channel_;
  bool asks_prune_;
};

MpiRanks::MpiRanks(int size) : size_(size) {}

MpiRanks::~MpiRanks() {
  try {
    if (!started_) {
      for (int rank = 1; rank < size_; ++rank)
        MpiChannel(MPI_COMM_WORLD, rank, kControlTag).close();
    }
    for (auto& slot : slots_) slot->close();
  } catch (const std::exception& e) {
    // The job is ending anyway; mpirun reports ranks left waiting.
    std::fprintf(stderr, "nnlab: stopping the other ranks: %s\n", e.what());
  }
}

void MpiRanks::start(const WorkerSetup& setup) {
  const std::string body = encode(setup);
  for (int rank = 1; rank < size_; ++rank)
    MpiChannel(MPI_COMM_WORLD, rank, kControlTag).send({MessageKind::setup, body});
  started_ = true;  // from here on, every rank waits for its slots to be closed
  std::optional<std::string> failed;
  for (int rank = 1; rank < size_; ++rank) {
    auto answer = MpiChannel(MPI_COMM_WORLD, rank, kControlTag).receive();
    const std::string where = "rank " + std::to_string(rank);
    if (answer && answer->kind == MessageKind::ready) {
      int slots = 0;
      try {
        slots = std::stoi(answer->body);
      } catch (const std::exception&) {
        slots = 0;
      }
      for (int s = 0; s < slots; ++s)
        slots_.push_back(std::make_unique<MpiSlot>(rank, s, setup.asks_prune));
    } else if (!failed) {
      failed = where + ": " +
               (answer && answer->kind == MessageKind::setup_failed ? answer->body
                                                                    : std::string("no answer"));
    }
  }
  if (failed) throw Error(*failed);
}

std::vector<RemoteSlot*> MpiRanks::slots() const {
  std::vector<RemoteSlot*> all;
  for (const auto& slot : slots_) all.push_back(slot.get());
  return all;
}

int serve_rank(int rank) {
  MpiChannel control(MPI_COMM_WORLD, 0, kControlTag);
  const auto first = control.receive();
  if (!first) return 0;  // rank 0 stopped before the sweep started (its own error)
  WorkerSetup setup;
  std::unique_ptr<ExperimentSpec> spec;
  std::unique_ptr<PluginHost> host;
  std::unique_ptr<DataCache> data;
  std::unique_ptr<TrialRunner> runner;
  int slots = 0;
  try {
    setup = decode_setup(first->body);
    spec = std::make_unique<ExperimentSpec>(
        parse_experiment(setup.experiment_yaml, setup.experiment_file));
    host = std::make_unique<PluginHost>();
    host->load_for(*spec, setup.plugin_path);
    data = std::make_unique<DataCache>(*host);
    runner = std::make_unique<TrialRunner>(*spec, *data, *host);
    // The data now: a rank that cannot read it fails here, before any trial.
    const ExperimentSpec base = runner->trial_spec({}, trial_seed(spec->seed, 0, 0));
    data->get(base.data, base.seed);
    slots = spec->execution.parallel_trials > 0
                ? spec->execution.parallel_trials
                : TrialScheduler::auto_parallel_trials(setup.threads_per_trial);
    control.send({MessageKind::ready, std::to_string(slots)});
  } catch (const std::exception& e) {
    // Rank 0 prints it, as "rank R: ...": one line for the job, not one per rank.
    try {
      control.send({MessageKind::setup_failed, e.what()});
    } catch (...) {
      std::fprintf(stderr, "nnlab: rank %d: error: %s\n", rank, e.what());
    }
    return 1;
  }
  std::atomic<int> next{0};
  std::atomic<int> status{0};
  // The slots on a TBB arena as in a one-process sweep: each gives oneDNN its thread budget.
  TrialScheduler(slots, setup.threads_per_trial)
      .run(
          [&]() -> std::optional<std::int64_t> {
            const int s = next++;
            if (s >= slots) return std::nullopt;
            return s;
          },
          [&](std::int64_t s) {
            MpiChannel channel(MPI_COMM_WORLD, 0, kFirstSlotTag + static_cast<int>(s));
            try {
              while (auto message = channel.receive()) {
                const TrialOutcome outcome =
                    serve_request(channel, *runner, *message, setup.asks_prune);
                channel.send({MessageKind::outcome, encode(outcome)});
              }
            } catch (const std::exception& e) {
              std::fprintf(stderr, "nnlab: rank %d, slot %lld: %s\n", rank,
                           static_cast<long long>(s), e.what());
              status = 1;
            }
          });
  return status;
}

}  // namespace nnlab
