#include "sweep.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "ask_tell_queue.hpp"
#include "data_cache.hpp"
#include "interruption.hpp"
#include "nnlab/text.hpp"
#include "pbt.hpp"
#include "pbt_sweep.hpp"
#include "probe.hpp"
#include "results/trials_file.hpp"
#include "scheduler.hpp"
#include "search_components.hpp"
#include "shared_data.hpp"
#include "sweep_log.hpp"
#include "trainer.hpp"
#include "trial_runner.hpp"
#include "worker_pool.hpp"

namespace nnlab {

RemoteSlot::~RemoteSlot() = default;

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

class Sweep {
 public:
  Sweep(const ExperimentSpec& spec, const PluginHost& host, const SweepOptions& options)
      : spec_(spec), search_(*spec.search), host_(host), options_(options) {
    threads_ = spec.execution.threads_per_trial;
    const int local = spec.execution.parallel_trials > 0
                          ? spec.execution.parallel_trials
                          : TrialScheduler::auto_parallel_trials(threads_);
    // Remote slots (other ranks') are slots like the local ones: P counts them all.
    free_remote_ = options.remote_slots;
    parallel_ = (options.local_trials ? local : 0) + static_cast<int>(free_remote_.size());
    if (parallel_ == 0)
      throw Error("the sweep has no trial slots: no local trials and no remote slots");
  }

  SweepSummary run() {
    start_ = Clock::now();
    auto strategy = make_strategy(spec_, host_);
    auto pruner = make_pruner(spec_, host_);
    const bool in_processes = spec_.execution.isolation == Isolation::process;
    if (in_processes && options_.worker_command.empty()) {
      throw Error(spec_.file +
                  ": execution.isolation: process starts worker processes from the nnlab "
                  "executable; run the sweep with the nnlab command");
    }
    // In process isolation the data is prepared here once, into shared memory the workers map.
    const std::string segments = in_processes ? new_segment_prefix() : std::string();
    DataCache data(host_, in_processes ? DataSharing::publish : DataSharing::none, segments);
    const TrialRunner runner(spec_, data, host_);
    runner.check_core_settings();
    // Build the base experiment once, so a broken model fails here, with its line, not as N FAIL
    // rows.
    const ExperimentSpec base_spec = runner.trial_spec({}, trial_seed(spec_.seed, 0, 0));
    Trainer base(base_spec, *data.get(base_spec.data, base_spec.seed), host_);
    if (spec_.probe) probed_nodes(base.graph(), *spec_.probe);
    std::optional<WorkerPool> workers;
    if (in_processes) {
      WorkerSetup setup;
      setup.experiment_yaml = spec_.resolved_yaml;
      setup.experiment_file = spec_.file;
      setup.plugin_path = options_.plugin_path;
      setup.data_segments = segments;
      setup.threads_per_trial = threads_;
      setup.memory_limit_bytes = spec_.execution.trial_memory.bytes;
      setup.asks_prune = pruner != nullptr;
      workers.emplace(options_.worker_command, setup);
      // One worker now: one that cannot load a plugin or the data fails the sweep here, with its
      // own error line, before any trial.
      workers->give_back(workers->take());
      limits_.timeout_s = spec_.execution.trial_timeout_s;
      limits_.memory_text = spec_.execution.trial_memory.text;
      for (const SearchTarget& target : search_.targets)
        searches_data_ = searches_data_ || target.path.starts_with("data.");
    }

    const std::string out_dir = options_.out_dir.empty()
                                    ? (std::filesystem::path("results") / spec_.name).string()
                                    : options_.out_dir;
    SweepLog log(spec_, out_dir,
                 options_.resume      ? EarlierSweep::resume
                 : options_.overwrite ? EarlierSweep::overwrite
                                      : EarlierSweep::refuse,
                 options_.retry_failed);
    AskTellQueue queue(*strategy, pruner.get(), parallel_, search_.trials);
    const bool learns = strategy->uses_results();
    // The total the progress line shows: the budget, or all a grid holds (whichever is smaller).
    total_ = search_.trials;
    if (const auto planned = strategy->planned_trials())
      total_ = total_ > 0 ? std::min(total_, *planned) : *planned;
    std::map<std::int64_t, Assignment> kept;
    std::int64_t last = -1;
    if (!log.earlier().empty()) last = log.earlier().rbegin()->first;
    queue.replay(last, [&](std::int64_t k, const Assignment& a) {
      auto result = log.recorded(k, a, learns);
      if (result) kept[k] = a;
      return result;
    });
    log.open([&](std::int64_t k) {
      return without_search(
          runner.trial_spec(kept.at(k), trial_seed(spec_.seed, search_, k, 0)).resolved_yaml);
    });
    if (!log.earlier().empty()) {
      say("resuming: " + std::to_string(log.counts().reused) + " finished trials kept, " +
          std::to_string(queue.queued()) + " to run again, numbering continues at " +
          std::to_string(last + 1));
    }
    std::string objectives =
        "objective " + search_.metric.name() + " (" + (search_.maximize ? "max" : "min") + ")";
    if (!search_.objectives.empty()) {
      objectives = "objectives";
      for (const auto& o : search_.objectives) {
        objectives += ' ';
        objectives += o.measure.name();
        objectives += o.maximize ? " (max)" : " (min)";
      }
    }
    say("sweep " + spec_.name + ": " + search_.strategy.kind + " search, " +
        (search_.trials > 0 ? std::to_string(search_.trials) : std::string("all")) + " trials, " +
        std::to_string(parallel_) + " at a time" +
        (free_remote_.empty() ? std::string()
                              : " (" + std::to_string(free_remote_.size()) + " on other ranks)") +
        " x " + std::to_string(threads_) + " thread(s)" +
        (in_processes ? " in worker processes" + limits_text() : "") + "; " + objectives);

    log_ = &log;
    queue_ = &queue;
    // A ticker redraws the progress line between trials, so a long trial does not look stuck.
    // Stopped and joined on every way out, a failed write to the results included.
    std::thread ticker;
    if (options_.progress) ticker = std::thread([this] { tick(); });
    struct StopTicker {
      Sweep& sweep;
      std::thread& ticker;
      ~StopTicker() { sweep.stop_ticker(ticker); }
    } stop_ticker{*this, ticker};
    TrialScheduler(parallel_, threads_)
        .run(
            [&]() -> std::optional<std::int64_t> {
              if (stop_signal() != 0) queue.stop();
              auto proposal = queue.next();
              if (!proposal) return std::nullopt;
              std::lock_guard lock(mutex_);
              running_[proposal->trial] = {std::move(proposal->assignment), Clock::now()};
              return proposal->trial;
            },
            [&](std::int64_t k) { run_trial(runner, data, workers ? &*workers : nullptr, k); });

    return {log.counts(), out_dir, seconds_since(start_), stop_signal()};
  }

 private:
  struct Running {
    Assignment assignment;
    Clock::time_point started;
  };

  void say(const std::string& line) const {
    if (options_.log) options_.log(line);
  }

  /// Runs trial k in this slot's thread, or in a worker process when `workers` is given.
  void run_trial(const TrialRunner& runner, DataCache& data, WorkerPool* workers, std::int64_t k) {
    TrialRequest request;
    request.trial = k;
    {
      std::lock_guard lock(mutex_);
      request.assignment = running_.at(k).assignment;
    }
    for (std::int64_t r = 0; r < search_.repeats; ++r)
      request.seeds.push_back(trial_seed(spec_.seed, search_, k, r));
    const PruneCheck should_prune = [&](const EvalPoint& point, double value) {
      return queue_->should_prune(k, point.epoch, value);
    };
    // A free remote slot first: the slots are P threads for local + remote slots, so when every
    // remote one is busy a local one is free.
    RemoteSlot* remote = nullptr;
    {
      std::lock_guard lock(mutex_);
      if (!free_remote_.empty()) {
        remote = free_remote_.back();
        free_remote_.pop_back();
      }
    }
    const TrialOutcome outcome = remote ? remote->run(request, should_prune)
                                 : workers
                                     ? run_in_worker(runner, data, *workers, request, should_prune)
                                     : runner.run(request, should_prune);
    if (remote) {
      std::lock_guard lock(mutex_);
      free_remote_.push_back(remote);
    }
    std::lock_guard lock(mutex_);
    if (outcome.abandoned) {
      // Stopping (Ctrl-C): nothing to record, and no slot may wait for this trial any longer.
      running_.erase(k);
      queue_->stop();
      return;
    }
    // The files first, then the strategy: a result it has been told always has its row.
    try {
      log_->record(outcome, request.assignment, request.seeds.front(), threads_);
    } catch (...) {
      running_.erase(k);
      queue_->finish({k, request.assignment, TrialState::failed, 0});
      throw;
    }
    running_.erase(k);
    queue_->finish(
        {k, request.assignment, outcome.state,
         outcome.objectives.empty() ? outcome.objective.value_or(0) : outcome.objectives.front(),
         outcome.objectives});
    report_progress();
  }

  /// " (memory 2 GiB, timeout 600 s)": a process-isolated sweep's limits, for its first line.
  std::string limits_text() const {
    std::string text;
    if (!limits_.memory_text.empty()) text += "memory " + limits_.memory_text;
    if (limits_.timeout_s > 0)
      text += (text.empty() ? "" : ", ") + ("timeout " + format_value(limits_.timeout_s) + " s");
    return text.empty() ? text : " (" + text + ")";
  }

  /// Trial `request` in a worker process. A worker that dies takes only its trial with it: the
  /// outcome is FAIL with the reason, and the pool starts a new worker for the next trial.
  TrialOutcome run_in_worker(const TrialRunner& runner, DataCache& data, WorkerPool& workers,
                             const TrialRequest& request, const PruneCheck& should_prune) const {
    TrialOutcome out;
    try {
      // The trial's data must be in shared memory before a worker looks for it. The base
      // experiment's is there from the start; only a searched data.* key (data.scale) can ask
      // for another preparation, and only then is the trial's experiment built here too (every
      // repeat shares the data of the first).
      if (searches_data_) {
        const ExperimentSpec first = runner.trial_spec(request.assignment, request.seeds.front());
        data.get(first.data, first.seed);
      }
      auto worker = workers.take();
      out = worker->run(request, should_prune, limits_);
      workers.give_back(std::move(worker));
    } catch (const std::exception& e) {
      // What the in-thread runner reports for the same failure.
      out.trial = request.trial;
      out.state = TrialState::failed;
      out.fail_reason = std::string("exception: ") + e.what();
      out.started_at = out.finished_at = utc_now();
    }
    // A worker that died sent no experiment; the row's config hash needs it.
    if (out.resolved_yaml.empty()) {
      try {
        out.resolved_yaml = without_search(
            runner.trial_spec(request.assignment, request.seeds.front()).resolved_yaml);
      } catch (const std::exception&) {
        // The trial's experiment cannot be built: its row has no config hash, as in thread mode.
      }
    }
    return out;
  }

  /// Under mutex_.
  void report_progress() {
    if (!options_.progress) return;
    SweepProgress p;
    static_cast<SweepCounts&>(p) = log_->counts();
    p.total = total_;
    p.running = static_cast<std::int64_t>(running_.size());
    p.metric = search_.metric;
    p.elapsed_s = seconds_since(start_);
    if (total_ > 0) {
      std::vector<double> ages;
      for (const auto& [trial, r] : running_) ages.push_back(seconds_since(r.started));
      p.remaining_s = sweep_remaining_seconds(log_->mean_trial_seconds(),
                                              total_ - p.done() - p.running, ages, parallel_);
    }
    options_.progress(p);
  }

  void stop_ticker(std::thread& ticker) {
    {
      std::lock_guard lock(mutex_);
      finished_ = true;
    }
    ticked_.notify_all();
    if (ticker.joinable()) ticker.join();
  }

  void tick() {
    std::unique_lock lock(mutex_);
    while (!finished_) {
      if (ticked_.wait_for(lock, std::chrono::seconds(1)) == std::cv_status::timeout && !finished_)
        report_progress();
    }
  }

  const ExperimentSpec& spec_;
  const SearchSpec& search_;
  const PluginHost& host_;
  const SweepOptions& options_;
  int threads_ = 1, parallel_ = 1;
  std::int64_t total_ = 0;  ///< trials the sweep will run (0: not known)
  Clock::time_point start_;
  TrialLimits limits_;          ///< process isolation: the trial timeout and memory limit
  bool searches_data_ = false;  ///< process isolation: a searched data.* key (data.scale)
  SweepLog* log_ = nullptr;
  AskTellQueue* queue_ = nullptr;

  std::mutex mutex_;                      ///< guards the log (the files) and what follows
  std::vector<RemoteSlot*> free_remote_;  ///< remote slots not running a trial now
  std::map<std::int64_t, Running> running_;
  bool finished_ = false;
  std::condition_variable ticked_;
};

}  // namespace

SweepSummary run_sweep(const ExperimentSpec& spec, const PluginHost& host,
                       const SweepOptions& options) {
  if (!spec.search)
    throw ConfigError({spec.file, 0, 0}, "search", "the experiment has no search: block to sweep");
  // PBT is no ask/tell strategy: it trains its population in intervals and moves models between
  // members, so it has its own loop (pbt_sweep.hpp) over the same slots, trainer and log.
  if (is_pbt(*spec.search)) return run_pbt_sweep(spec, host, options);
  return Sweep(spec, host, options).run();
}

}  // namespace nnlab
