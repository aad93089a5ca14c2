// The sweep: a search strategy proposes assignments, the scheduler runs trials in parallel on the
// shared data, and each finished trial is written (curves, then its trials.csv row) and told to the
// strategy. Trial k's randomness comes from (sweep seed, k) alone, so results do not depend on how
// many trials run at once or in which order they finish.
#include "sweep.hpp"

#include <chrono>
#include <cmath>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <condition_variable>
#include <mutex>
#include <set>
#include <sstream>

#include "data.hpp"
#include "plugin_host.hpp"
#include "results.hpp"
#include "scheduler.hpp"
#include "search_schema.hpp"
#include "trainer.hpp"
#include "trials_table.hpp"

namespace nnlab {

namespace fs = std::filesystem;

namespace {

/// Thrown from the evaluation callback when the strategy prunes a trial.
struct Pruned {};

std::string hash_hex(const std::string& text) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ULL;
  char buffer[20];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(h));
  return buffer;
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

double metric_of(const EvalPoint& point, const std::string& metric) {
  for (const auto& [name, value] : point.metrics) {
    if (name == metric) return value;
  }
  return std::nan("");
}

/// A trials.csv row as the strategy hears it.
TrialResult result_of(const TrialRecord& r, const Assignment& a) {
  TrialState state = TrialState::complete;
  if (r.state == "PRUNED") state = TrialState::pruned;
  if (r.state == "FAIL") state = TrialState::failed;
  return {r.trial, a, state, r.objective.value_or(0)};
}

/// What one trial produced.
struct Outcome {
  TrialRecord record;
  std::vector<std::pair<std::int64_t, double>> steps;  ///< repeat 0's logged minibatch losses
  std::vector<EvalPoint> curve;  ///< the mean over repeats, per evaluation
  std::string resolved_yaml;     ///< repeat 0's experiment, without the search block
};

class Sweep {
 public:
  Sweep(const ExperimentSpec& spec, const PluginHost& host, const SweepOptions& options)
      : spec_(spec), search_(*spec.search), host_(host), options_(options) {
    for (const auto& p : search_.space.parameters) names_.push_back(p.name);
    threads_ = spec.execution.threads_per_trial;
    parallel_ = spec.execution.parallel_trials > 0 ? spec.execution.parallel_trials
                                                   : TrialScheduler::auto_parallel_trials(threads_);
    data_seed_ = spec.data.seed.value_or(spec.seed);
  }

  SweepSummary run() {
    const auto start = std::chrono::steady_clock::now();
    strategy_ = make_strategy(spec_, host_);
    pruner_ = make_pruner(spec_, host_);
    // A strategy that learns from results is told them in trial order, ask(k) seeing exactly
    // trials 0..k-P: the same sweep then proposes the same trials at the same parallelism.
    lag_ = strategy_->uses_results() ? parallel_ : -1;
    data_ = std::make_unique<PreparedData>(prepare_data(spec_.data, host_, data_seed_));
    // Build the base experiment once, so a broken model fails here, with its line, not as N FAIL
    // rows.
    Trainer(trial_spec(0, 0, {}), *data_, host_);

    summary_.out_dir =
        options_.out_dir.empty() ? (fs::path("results") / spec_.name).string() : options_.out_dir;
    open_results();
    log("sweep " + spec_.name + ": " + search_.strategy.kind + " search, " +
        (search_.trials > 0 ? std::to_string(search_.trials) : std::string("all")) + " trials, " +
        std::to_string(parallel_) + " at a time x " + std::to_string(threads_) +
        " thread(s); objective " + search_.metric + " (" + (search_.maximize ? "max" : "min") +
        ")");

    TrialScheduler(parallel_, threads_)
        .run([this] { return next(); }, [this](std::int64_t k) { run_trial(k); });
    summary_.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return summary_;
  }

 private:
  void log(const std::string& line) const {
    if (options_.log) options_.log(line);
  }

  /// The overrides that turn the base experiment into trial k, repeat r.
  std::vector<std::string> trial_overrides(std::int64_t k, std::int64_t r,
                                           const Assignment& a) const {
    std::vector<std::string> overrides;
    for (const auto& p : search_.space.parameters) {
      auto it = a.find(p.name);
      if (it == a.end()) continue;
      for (const auto& path : p.paths) overrides.push_back(path + "=" + it->second);
    }
    overrides.push_back("seed=" + std::to_string(trial_seed(k, r)));
    overrides.push_back("data.seed=" + std::to_string(data_seed_));
    return overrides;
  }

  ExperimentSpec trial_spec(std::int64_t k, std::int64_t r, const Assignment& a) const {
    return parse_experiment(spec_.resolved_yaml, spec_.file, trial_overrides(k, r, a));
  }

  /// Trial k's seed (repeat r's): from (sweep seed, k, r) alone. 52 bits, so YAML and CSV readers
  /// that go through a double keep it exact.
  std::uint64_t trial_seed(std::int64_t k, std::int64_t r) const {
    const std::string purpose =
        "trial/" + std::to_string(k) + (r > 0 ? "/repeat/" + std::to_string(r) : "");
    return derive_seed(spec_.seed, purpose) & ((std::uint64_t{1} << 52) - 1);
  }

  void open_results() {
    const fs::path dir(summary_.out_dir);
    trials_path_ = (dir / "trials.csv").string();
    curves_path_ = (dir / "curves.csv").string();
    steps_path_ = (dir / "steps.csv").string();
    best_path_ = (dir / "best.yaml").string();
    const std::string sweep_yaml = (dir / "sweep.yaml").string();
    std::error_code ec;
    const bool earlier = fs::exists(trials_path_, ec);
    if (earlier && !options_.resume && !options_.overwrite) {
      throw Error(summary_.out_dir +
                  ": already holds a sweep (trials.csv); pass --resume to continue it, or "
                  "--overwrite to start over");
    }
    std::vector<TrialRecord> finished;
    if (earlier && options_.resume) {
      auto differences = experiment_differences(read_text(sweep_yaml), spec_.resolved_yaml);
      // How many trials run at once changes no result: a sweep may resume on a bigger machine.
      std::erase_if(differences, [](const std::string& d) {
        return d.starts_with("execution.parallel_trials:");
      });
      if (!differences.empty()) {
        std::string message =
            "cannot resume: the experiment differs from the sweep in " + summary_.out_dir + ":";
        for (const auto& d : differences) message += " " + d + ";";
        message.back() = '.';
        throw Error(message + " Run it with --overwrite to start over, or --out another folder.");
      }
      finished = TrialsTable::read(trials_path_, names_);
    } else if (earlier) {
      for (const auto& f : {trials_path_, curves_path_, steps_path_, best_path_}) fs::remove(f, ec);
    }
    fs::create_directories(dir, ec);
    if (ec) throw Error(summary_.out_dir + ": cannot create the results folder: " + ec.message());
    write_file_atomically(sweep_yaml, spec_.resolved_yaml);
    replay(finished);
    trials_ = std::make_unique<TrialsTable>(trials_path_, names_);
    curves_ = std::make_unique<CurvesWriter>(curves_path_, true);
    if (spec_.train.log_every > 0) steps_ = std::make_unique<StepsWriter>(steps_path_, true);
  }

  /// On resume: ask for every trial up to the last one recorded, so the strategy is where it was;
  /// tell it the finished ones, and queue the others (and, with --retry-failed, the failures)
  /// again.
  void replay(const std::vector<TrialRecord>& finished) {
    std::map<std::int64_t, const TrialRecord*> by_trial;
    for (const auto& r : finished) {
      if (r.state == "FAIL" && options_.retry_failed) continue;
      by_trial[r.trial] = &r;
    }
    std::set<std::int64_t> kept;
    std::map<std::int64_t, Assignment> kept_assignments;
    const std::int64_t last = by_trial.empty() ? -1 : by_trial.rbegin()->first;
    for (std::int64_t k = 0; k <= last; ++k) {
      catch_up(k, nullptr);
      auto a = strategy_->ask(k);
      if (!a) break;
      auto it = by_trial.find(k);
      if (it == by_trial.end()) {
        pending_.push_back({k, *a});
        continue;
      }
      const TrialRecord& r = *it->second;
      for (std::size_t i = 0; i < names_.size(); ++i) {
        auto v = a->find(names_[i]);
        if ((v == a->end() ? "" : v->second) != r.values[i]) {
          throw Error(trials_path_ + ": trial " + std::to_string(k) + " has " + names_[i] + " = '" +
                      r.values[i] + "', but the strategy now proposes '" +
                      (v == a->end() ? "" : v->second) +
                      "'; the search changed, so the sweep cannot be resumed (use --overwrite)" +
                      (lag_ > 0 ? "; a strategy that learns from results proposes the same "
                                  "trials only at the parallel_trials the sweep started with"
                                : ""));
        }
      }
      deliver(result_of(r, *a));
      count(r);
      kept.insert(k);
      kept_assignments[k] = *a;
      ++summary_.reused;
    }
    next_trial_ = last + 1;
    next_to_ask_ = next_trial_;
    if (summary_.best_trial >= 0) {
      // best.yaml may be missing (a kill between a row and its best.yaml): rebuild it from its
      // trial.
      const ExperimentSpec best =
          trial_spec(summary_.best_trial, 0, kept_assignments.at(summary_.best_trial));
      write_file_atomically(best_path_, without_search(best.resolved_yaml));
    }
    if (!finished.empty()) {
      keep_curve_rows(curves_path_, kept);
      keep_curve_rows(steps_path_, kept);
      if (kept.size() != finished.size()) {
        // --retry-failed: the failures' rows go; their reruns write new ones.
        const std::string temporary = trials_path_ + ".tmp";
        fs::remove(temporary);
        {
          TrialsTable rewritten(temporary, names_);
          for (const auto& r : finished) {
            if (kept.count(r.trial)) rewritten.append(r);
          }
        }
        fs::rename(temporary, trials_path_);
      }
      log("resuming: " + std::to_string(kept.size()) + " finished trials kept, " +
          std::to_string(pending_.size()) + " to run again, numbering continues at " +
          std::to_string(next_trial_));
    }
  }

  std::optional<std::int64_t> next() {
    std::unique_lock lock(mutex_);
    if (!pending_.empty()) {
      auto [k, a] = pending_.front();
      pending_.pop_front();
      assignments_[k] = a;
      in_flight_.insert(k);
      ++running_;
      return k;
    }
    if (exhausted_ || (search_.trials > 0 && next_trial_ >= search_.trials)) return std::nullopt;
    const std::int64_t k = next_trial_++;
    catch_up(k, &lock);
    std::optional<Assignment> a;
    if (!exhausted_) a = strategy_->ask(k);
    next_to_ask_ = k + 1;
    changed_.notify_all();
    if (!a) {
      exhausted_ = true;
      return std::nullopt;
    }
    assignments_[k] = *a;
    in_flight_.insert(k);
    ++running_;
    return k;
  }

  /// Before ask(k): with a lag P, wait (if `lock` is given) until trials are asked in order and
  /// trials 0..k-P have finished, then tell the strategy their results, in trial order.
  void catch_up(std::int64_t k, std::unique_lock<std::mutex>* lock) {
    if (lag_ < 0) return;
    const std::int64_t limit = k - lag_;
    if (lock) {
      changed_.wait(*lock, [&] {
        return next_to_ask_ == k && (in_flight_.empty() || *in_flight_.begin() > limit);
      });
    }
    told_limit_ = std::max(told_limit_, limit);
    while (!held_.empty() && held_.begin()->first <= told_limit_) {
      strategy_->tell(held_.begin()->second);
      held_.erase(held_.begin());
    }
  }

  /// A finished trial's result: to the strategy now, or once ask() has moved past it.
  void deliver(const TrialResult& result) {
    if (pruner_) pruner_->tell(result);
    if (lag_ < 0 || result.trial <= told_limit_) {
      strategy_->tell(result);
    } else {
      held_[result.trial] = result;
    }
  }

  void run_trial(std::int64_t k) {
    Assignment a;
    {
      std::lock_guard lock(mutex_);
      a = assignments_.at(k);
    }
    Outcome out;
    TrialRecord& r = out.record;
    r.trial = k;
    r.seed = trial_seed(k, 0);
    r.threads = threads_;
    r.started_at = utc_now();
    for (const auto& name : names_) {
      auto it = a.find(name);
      r.values.push_back(it == a.end() ? "" : it->second);
    }
    const auto start = std::chrono::steady_clock::now();
    try {
      std::vector<std::vector<EvalPoint>> repeats;
      for (std::int64_t rep = 0; rep < search_.repeats; ++rep) {
        const ExperimentSpec trial = trial_spec(k, rep, a);
        if (rep == 0) {
          out.resolved_yaml = without_search(trial.resolved_yaml);
          r.config_hash = hash_hex(out.resolved_yaml);
        }
        Trainer trainer(trial, *data_, host_);
        Compute compute = Compute::make();
        std::vector<EvalPoint> points;
        try {
          const TrainSummary done = trainer.run(compute, [&](const EvalPoint& p) {
            points.push_back(p);
            if (rep == 0) r.last_epoch = p.epoch;
            if (rep > 0) return;
            const double value = metric_of(p, search_.metric);
            std::lock_guard lock(mutex_);
            const bool strategy_prunes = strategy_->should_prune(k, p.epoch, value);
            const bool pruner_prunes = pruner_ && pruner_->should_prune(k, p.epoch, value);
            if (strategy_prunes || pruner_prunes) {
              r.updates += p.iteration;
              throw Pruned{};
            }
          }, [&](std::int64_t iteration, double loss) {
            if (rep == 0) out.steps.push_back({iteration, loss});
          });
          r.updates += done.iterations;
        } catch (const Pruned&) {
          r.state = "PRUNED";
        }
        repeats.push_back(std::move(points));
        if (r.state == "PRUNED") break;
      }
      out.curve = mean_curve(repeats);
      if (r.state.empty()) r.state = "COMPLETE";
      score(out);
    } catch (const DivergedError&) {
      r.state = "FAIL";
      r.fail_reason = "nan";
    } catch (const std::exception& e) {
      r.state = "FAIL";
      r.fail_reason = std::string("exception: ") + e.what();
    }
    r.duration_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    r.finished_at = utc_now();
    finish(out, a);
  }

  /// Per evaluation, the mean of each metric over the repeats that reached it.
  static std::vector<EvalPoint> mean_curve(const std::vector<std::vector<EvalPoint>>& repeats) {
    std::size_t length = repeats.front().size();
    for (const auto& points : repeats) length = std::min(length, points.size());
    std::vector<EvalPoint> mean(repeats.front().begin(),
                                repeats.front().begin() + static_cast<std::ptrdiff_t>(length));
    for (std::size_t i = 0; i < length; ++i) {
      for (std::size_t m = 0; m < mean[i].metrics.size(); ++m) {
        double sum = 0;
        for (const auto& points : repeats) sum += points[i].metrics[m].second;
        mean[i].metrics[m].second = sum / static_cast<double>(repeats.size());
      }
    }
    return mean;
  }

  /// The objective is the metric at the last evaluation; best_epoch is where the metric peaked.
  void score(Outcome& out) const {
    TrialRecord& r = out.record;
    if (out.curve.empty()) return;
    r.objective = metric_of(out.curve.back(), search_.metric);
    double best = 0;
    for (const EvalPoint& p : out.curve) {
      const double v = metric_of(p, search_.metric);
      if (r.best_epoch < 0 || (search_.maximize ? v > best : v < best)) {
        best = v;
        r.best_epoch = p.epoch;
      }
    }
    if (r.objective && !std::isfinite(*r.objective)) {
      r.state = "FAIL";
      r.fail_reason = "nan";
      r.objective.reset();
    }
  }

  void count(const TrialRecord& r) {
    if (r.state == "COMPLETE") ++summary_.complete;
    if (r.state == "PRUNED") ++summary_.pruned;
    if (r.state == "FAIL") ++summary_.failed;
    if (r.state == "COMPLETE" && r.objective &&
        (summary_.best_trial < 0 || (search_.maximize ? *r.objective > summary_.best_objective
                                                      : *r.objective < summary_.best_objective))) {
      summary_.best_trial = r.trial;
      summary_.best_objective = *r.objective;
    }
  }

  void finish(const Outcome& out, const Assignment& a) {
    std::lock_guard lock(mutex_);
    const TrialRecord& r = out.record;
    // Curves first, then the row: a trial with a row always has its curve; on resume, curve rows of
    // a trial without a row are dropped.
    if (!out.curve.empty()) curves_->write(r.trial, out.curve);
    if (steps_ && !out.steps.empty()) steps_->write(r.trial, out.steps);
    trials_->append(r);
    in_flight_.erase(r.trial);
    deliver(result_of(r, a));
    changed_.notify_all();
    const std::int64_t best_before = summary_.best_trial;
    count(r);
    if (summary_.best_trial != best_before) write_file_atomically(best_path_, out.resolved_yaml);
    --running_;
    assignments_.erase(r.trial);
    if (options_.progress) {
      char best[64] = "none yet";
      if (summary_.best_trial >= 0) {
        std::snprintf(best, sizeof best, "%.4f (trial %lld)", summary_.best_objective,
                      static_cast<long long>(summary_.best_trial));
      }
      const std::int64_t done = summary_.complete + summary_.pruned + summary_.failed;
      options_.progress("trials " + std::to_string(done) +
                        (search_.trials > 0 ? "/" + std::to_string(search_.trials) : "") +
                        " done (" + std::to_string(summary_.failed) + " failed, " +
                        std::to_string(summary_.pruned) + " pruned), " + std::to_string(running_) +
                        " running; best " + search_.metric + " " + best);
    }
  }

  const ExperimentSpec& spec_;
  const SearchSpec& search_;
  const PluginHost& host_;
  const SweepOptions& options_;
  std::vector<std::string> names_;
  int threads_ = 1, parallel_ = 1;
  std::uint64_t data_seed_ = 0;
  std::unique_ptr<SearchStrategy> strategy_;
  std::unique_ptr<Pruner> pruner_;
  int lag_ = -1;  ///< ask(k) sees trials 0..k-lag_ (-1: the strategy ignores results)
  std::unique_ptr<PreparedData> data_;
  std::string trials_path_, curves_path_, steps_path_, best_path_;
  std::unique_ptr<StepsWriter> steps_;
  std::unique_ptr<TrialsTable> trials_;
  std::unique_ptr<CurvesWriter> curves_;

  std::mutex mutex_;  ///< guards everything below, the strategy and the writers
  std::deque<std::pair<std::int64_t, Assignment>> pending_;
  std::map<std::int64_t, Assignment> assignments_;
  std::set<std::int64_t> in_flight_;             ///< asked (or queued again), not finished
  std::map<std::int64_t, TrialResult> held_;     ///< finished, not yet told (lag)
  std::int64_t told_limit_ = -1;                 ///< results of trials up to here go straight in
  std::int64_t next_to_ask_ = 0;                 ///< asks happen in trial order
  std::condition_variable changed_;              ///< a trial finished or was asked
  std::int64_t next_trial_ = 0;
  std::int64_t running_ = 0;
  bool exhausted_ = false;
  SweepSummary summary_;
};

}  // namespace

std::unique_ptr<SearchStrategy> make_strategy(const ExperimentSpec& spec, const PluginHost& host) {
  if (!spec.search)
    throw ConfigError({spec.file, 0, 0}, "search", "the experiment has no search: block");
  const SearchSpec& search = *spec.search;
  auto strategy = host.create(host.registries().strategies, search.strategy);
  try {
    strategy->setup(checked_search_space(search, host),
                    {spec.seed, search.trials, search.maximize});
  } catch (const ConfigError&) {
    throw;
  } catch (const Error& e) {
    throw ConfigError(search.strategy.where, "search", e.what());
  }
  return strategy;
}

std::unique_ptr<Pruner> make_pruner(const ExperimentSpec& spec, const PluginHost& host) {
  if (!spec.search || !spec.search->pruner) return nullptr;
  const ComponentSpec& component = *spec.search->pruner;
  auto pruner = host.create(host.registries().pruners, component);
  try {
    pruner->setup({spec.seed, spec.train.epochs, spec.search->maximize});
  } catch (const ConfigError&) {
    throw;
  } catch (const Error& e) {
    throw ConfigError(component.where, "search.pruner", e.what());
  }
  return pruner;
}

SweepSummary run_sweep(const ExperimentSpec& spec, const PluginHost& host,
                       const SweepOptions& options) {
  if (!spec.search)
    throw ConfigError({spec.file, 0, 0}, "search", "the experiment has no search: block to sweep");
  return Sweep(spec, host, options).run();
}

}  // namespace nnlab
