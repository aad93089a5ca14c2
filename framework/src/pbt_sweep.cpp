#include "pbt_sweep.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>

#include "data_cache.hpp"
#include "interruption.hpp"
#include "model_file.hpp"
#include "pbt.hpp"
#include "pbt_member.hpp"
#include "plugin_host.hpp"
#include "results/pbt_boundary_file.hpp"
#include "results/pbt_schedule_file.hpp"
#include "results/trials_file.hpp"
#include "scheduler.hpp"
#include "search_schema.hpp"
#include "sweep_log.hpp"
#include "trial_runner.hpp"

namespace nnlab {

namespace {

using Clock = std::chrono::steady_clock;

/// A member between intervals (what a boundary saves), and its model at the end.
struct Member : PbtMemberState {
  std::string model;  ///< at the end, when the search keeps models
};

}  // namespace

void check_pbt_search(const ExperimentSpec& spec, const PluginHost& host, DataCache& data,
                      const TrialRunner& runner) {
  const SearchSpec& search = *spec.search;
  pbt_settings(search);
  if (spec.execution.isolation == Isolation::process) {
    // Members hand their state to each other in memory at every boundary.
    throw ConfigError(search.strategy.where, "execution.isolation",
                      "pbt trains its members in threads (an exploit copies one member's state "
                      "into another in memory); drop isolation: process");
  }
  checked_search_space(search, host);
  runner.check_core_settings();
  std::vector<std::string> base_layout;
  for (const SearchTarget& t : search.targets) {
    const SearchParameter& p = search.space.parameters[t.parameter];
    const auto refuse = [&](const std::string& why) {
      throw ConfigError(t.where, "search.space." + p.name,
                        "'" + t.path + "' " + why +
                            "; pbt changes hyperparameters of a model mid-run, never the model "
                            "itself: search it with another strategy");
    };
    if (t.key == "kind") refuse("chooses a component, which changes the model or its training");
    if (t.path.starts_with("train.")) {
      refuse("sets the schedule, which is pbt's: every member pauses at the same epochs");
    }
    const bool model = t.path.starts_with("model.");
    if (!model && !t.path.starts_with("optimizer.") && !t.path.starts_with("regularizers"))
      continue;  // data and augmentation keep no training state
    // A key may change what a layer computes (dropout's ratio) or how the optimizer steps, but
    // not the parameters or the training state: built at each end of the range and each choice,
    // the layouts must agree.
    const auto layout_with = [&](const Assignment& a) {
      const ExperimentSpec trial = runner.trial_spec(a, trial_seed(spec.seed, 0, 0));
      return Trainer(trial, *data.get(trial.data, trial.seed), host).state_layout();
    };
    if (base_layout.empty()) base_layout = layout_with({});
    const std::vector<std::string> values = boundary_values(p);
    for (const std::string& value : values) {
      if (layout_with({{p.name, value}}) != base_layout) {
        refuse("= " + value +
               (model ? " changes the model's graph (its parameters or their sizes)"
                      : " changes the training state the optimizer or a regularizer keeps"));
      }
    }
  }
}

SweepSummary run_pbt_sweep(const ExperimentSpec& spec, const PluginHost& host,
                           const SweepOptions& options) {
  const auto start = Clock::now();
  const SearchSpec& search = *spec.search;
  const PbtSettings settings = pbt_settings(search);
  const auto say = [&](const std::string& line) {
    if (options.log) options.log(line);
  };
  DataCache data(host);
  const TrialRunner runner(spec, data, host);
  check_pbt_search(spec, host, data, runner);
  const int threads = spec.execution.threads_per_trial;
  const int parallel = spec.execution.parallel_trials > 0
                           ? spec.execution.parallel_trials
                           : TrialScheduler::auto_parallel_trials(threads);
  const std::string out_dir = options.out_dir.empty()
                                  ? (std::filesystem::path("results") / spec.name).string()
                                  : options.out_dir;
  SweepLog log(spec, out_dir,
               options.resume      ? EarlierSweep::resume
               : options.overwrite ? EarlierSweep::overwrite
                                   : EarlierSweep::refuse,
               false);
  const auto population = static_cast<std::size_t>(settings.population);
  std::vector<std::string> names;
  for (const auto& p : search.space.parameters) names.push_back(p.name);
  const std::string schedule_path = (std::filesystem::path(out_dir) / "pbt_schedule.csv").string();
  // Members are recorded all at once at the end: a resumed sweep with every row is finished.
  if (options.resume && log.earlier().size() == population) {
    for (const auto& [k, record] : log.earlier()) {
      Assignment recorded;
      for (std::size_t p = 0; p < names.size(); ++p) {
        if (!record.values[p].empty()) recorded[names[p]] = record.values[p];
      }
      log.recorded(k, recorded, false);
    }
    log.open([](std::int64_t) { return std::string(); });
    say("nothing to resume: every member finished");
    SweepSummary summary{log.counts(), out_dir, 0, 0};
    summary.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return summary;
  }
  // The last boundary an earlier session saved; a fresh sweep drops any an earlier sweep left.
  std::optional<PbtBoundary> saved;
  if (options.resume) {
    saved = read_pbt_boundary(out_dir);
    if (saved && saved->members.size() != population) {
      throw Error(out_dir + "/pbt/boundary.json: " + std::to_string(saved->members.size()) +
                  " members, the search has " + std::to_string(population));
    }
  }
  log.open([](std::int64_t) { return std::string(); });
  if (!saved) std::filesystem::remove_all(std::filesystem::path(out_dir) / "pbt");
  std::vector<PbtScheduleRow> kept;
  if (saved) {
    for (PbtScheduleRow& row : read_pbt_schedule(schedule_path, names))
      if (row.interval <= saved->interval) kept.push_back(std::move(row));
  }
  PbtScheduleWriter schedule(schedule_path, names, kept);
  say("sweep " + spec.name + ": pbt, " + std::to_string(settings.population) +
      " members, a boundary every " + std::to_string(settings.perturbation_interval) + " epochs; " +
      std::to_string(parallel) + " at a time x " + std::to_string(threads) +
      " thread(s); objective " + search.metric.name() + " (" + (search.maximize ? "max" : "min") +
      ")");

  std::vector<Member> members(population);
  std::vector<PbtScheduleRow> rows;
  if (saved) {
    for (std::size_t k = 0; k < population; ++k)
      static_cast<PbtMemberState&>(members[k]) = std::move(saved->members[k]);
    say("resuming after boundary " + std::to_string(saved->interval) + " (pbt/boundary.json)");
  } else {
    for (std::size_t k = 0; k < population; ++k) {
      Member& m = members[k];
      m.seed = trial_seed(spec.seed, static_cast<std::int64_t>(k), 0);
      Rng rng(derive_seed(spec.seed, "pbt/member/" + std::to_string(k)));
      for (const SearchParameter& p : search.space.parameters)
        m.assignment[p.name] = pbt_sample(p, rng);
      m.started_at = utc_now();
      rows.push_back({static_cast<std::int64_t>(k), 0, 0, static_cast<std::int64_t>(k),
                      std::nullopt, m.seed, m.assignment});
    }
    schedule.write(rows);
  }

  std::atomic<bool> interrupted{false};
  for (std::int64_t interval = saved ? saved->interval + 1 : 1;; ++interval) {
    const std::int64_t until = interval * settings.perturbation_interval;
    std::vector<std::size_t> live;
    for (std::size_t k = 0; k < population; ++k) {
      if (!members[k].failed) live.push_back(k);
    }
    std::atomic<std::size_t> next{0};
    // Each slot trains one member's interval: members touch only their own entry.
    TrialScheduler(parallel, threads)
        .run(
            [&]() -> std::optional<std::int64_t> {
              const std::size_t i = next++;
              if (i >= live.size() || stop_signal() != 0) return std::nullopt;
              return static_cast<std::int64_t>(live[i]);
            },
            [&](std::int64_t k) {
              Member& m = members[static_cast<std::size_t>(k)];
              try {
                const ExperimentSpec trial = runner.trial_spec(m.assignment, m.seed);
                m.resolved_yaml = without_search(trial.resolved_yaml);
                const auto prepared = data.get(trial.data, trial.seed);
                const TrainSummary s = train_member_interval(
                    trial, *prepared, host, m.state, until,
                    [&m](const EvalPoint& p) { m.curve.push_back(p); },
                    [&](Trainer& t) {
                      if (search.keep_models != KeepModels::none)
                        m.model = encode_model(t.graph(), m.resolved_yaml);
                    });
                m.updates = s.iterations;
                m.seconds += s.seconds;
                m.finished = !s.paused;
              } catch (const Interrupted&) {
                interrupted = true;
              } catch (const DivergedError& e) {
                m.failed = true;
                m.fail_reason = "nan";
                m.updates = e.iterations();
              } catch (const std::exception& e) {
                m.failed = true;
                m.fail_reason = std::string("exception: ") + e.what();
              }
            });
    if (interrupted || stop_signal() != 0) {
      SweepSummary summary{log.counts(), out_dir, 0, stop_signal()};
      summary.seconds = std::chrono::duration<double>(Clock::now() - start).count();
      return summary;
    }
    std::vector<std::optional<double>> objectives(population);
    bool finished = false;
    std::int64_t epoch = 0;
    for (std::size_t k = 0; k < population; ++k) {
      Member& m = members[k];
      if (m.failed || m.curve.empty()) continue;
      const double value = m.curve.back().value(search.metric);
      if (!std::isfinite(value)) {
        m.failed = true;
        m.fail_reason = "nan";
        continue;
      }
      objectives[k] = value;
      epoch = m.curve.back().epoch;
      finished = finished || m.finished;
    }
    rows.clear();
    // Every member failed: nobody is left to train or to copy from.
    if (std::none_of(objectives.begin(), objectives.end(),
                     [](const std::optional<double>& o) { return o.has_value(); }))
      break;
    if (finished) {
      for (std::size_t k = 0; k < population; ++k) {
        if (members[k].failed) continue;
        rows.push_back({static_cast<std::int64_t>(k), interval, epoch, static_cast<std::int64_t>(k),
                        objectives[k], members[k].seed, members[k].assignment});
      }
      schedule.write(rows);
      break;
    }
    std::vector<Assignment> current;
    for (const Member& m : members) current.push_back(m.assignment);
    Rng rng(derive_seed(spec.seed, "pbt/boundary/" + std::to_string(interval)));
    const PbtDecision d =
        pbt_exploit_explore(search.space, settings, objectives, current, search.maximize, rng);
    std::string copies;
    for (std::size_t k = 0; k < population; ++k) {
      Member& m = members[k];
      if (m.failed) continue;
      const std::size_t source = d.source[k];
      if (source != k) {
        // Sources are top-quantile members and targets bottom-quantile ones: a source is never
        // overwritten before it is copied.
        const Member& s = members[source];
        m.state = s.state;
        m.curve = s.curve;
        m.seed = s.seed;
        m.updates = s.updates;
        copies += " " + std::to_string(k) + "<-" + std::to_string(source);
      }
      m.assignment = d.next[k];
      rows.push_back({static_cast<std::int64_t>(k), interval, epoch,
                      static_cast<std::int64_t>(source), objectives[k], m.seed, m.assignment});
    }
    // The schedule's rows first, then the boundary: a resume drops the rows of a boundary that
    // was not saved, and the sweep writes them again, the same.
    schedule.write(rows);
    PbtBoundary boundary{interval, {}};
    for (const Member& m : members) boundary.members.push_back(m);
    write_pbt_boundary(out_dir, boundary);
    say("boundary " + std::to_string(interval) + " (epoch " + std::to_string(epoch) +
        "): exploited" + (copies.empty() ? std::string(" none") : copies));
  }

  for (std::size_t k = 0; k < population; ++k) {
    Member& m = members[k];
    TrialOutcome out;
    out.trial = static_cast<std::int64_t>(k);
    out.started_at = m.started_at;
    out.finished_at = utc_now();
    out.duration_s = m.seconds;
    out.updates = m.updates;
    out.curve = m.curve;
    out.resolved_yaml = m.resolved_yaml;
    out.model = m.model;
    if (!m.curve.empty()) {
      out.last_epoch = m.curve.back().epoch;
      double best = 0;
      for (const EvalPoint& p : m.curve) {
        const double v = p.value(search.metric);
        if (out.best_epoch < 0 || (search.maximize ? v > best : v < best)) {
          best = v;
          out.best_epoch = p.epoch;
        }
      }
    }
    if (m.failed) {
      out.state = TrialState::failed;
      out.fail_reason = m.fail_reason;
      out.model.clear();
    } else {
      out.objective = m.curve.back().value(search.metric);
    }
    log.record(out, m.assignment, m.seed, threads);
  }
  // Every member has its row: a resume needs no boundary now (and states can be large).
  std::error_code ignored;
  std::filesystem::remove_all(std::filesystem::path(out_dir) / "pbt", ignored);
  SweepSummary summary{log.counts(), out_dir, 0, 0};
  summary.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return summary;
}

}  // namespace nnlab
