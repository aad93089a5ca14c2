#include "trial_runner.hpp"

#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <new>

#include "compute_threads.hpp"
#include "data_cache.hpp"
#include "interruption.hpp"
#include "model_file.hpp"
#include "nnlab/random.hpp"
#include "nnlab/text.hpp"
#include "probe.hpp"
#include "results/trials_file.hpp"
#include "trainer.hpp"

namespace nnlab {

std::uint64_t trial_seed(std::uint64_t sweep_seed, std::int64_t trial, std::int64_t repeat) {
  const std::string purpose =
      "trial/" + std::to_string(trial) + (repeat > 0 ? "/repeat/" + std::to_string(repeat) : "");
  return derive_seed(sweep_seed, purpose) & ((std::uint64_t{1} << 52) - 1);
}

std::uint64_t trial_seed(std::uint64_t sweep_seed, const SearchSpec& search, std::int64_t trial,
                         std::int64_t repeat) {
  return trial_seed(sweep_seed, search.seeds == TrialSeeds::common ? 0 : trial, repeat);
}

std::string config_hash(const std::string& resolved_yaml) {
  char buffer[20];
  std::snprintf(buffer, sizeof buffer, "%016llx",
                static_cast<unsigned long long>(fnv1a(resolved_yaml)));
  return buffer;
}

TrialRunner::TrialRunner(const ExperimentSpec& sweep, DataCache& data, const PluginHost& host)
    : sweep_(sweep),
      search_(*sweep.search),
      data_(data),
      host_(host),
      data_seed_(sweep.data.seed.value_or(sweep.seed)) {}

ExperimentSpec TrialRunner::trial_spec(const Assignment& assignment, std::uint64_t seed) const {
  std::vector<std::string> overrides;
  for (const auto& p : search_.space.parameters) {
    auto it = assignment.find(p.name);
    if (it == assignment.end()) continue;
    for (const auto& path : p.paths) overrides.push_back(path + "=" + it->second);
  }
  overrides.push_back("seed=" + std::to_string(seed));
  overrides.push_back("data.seed=" + std::to_string(data_seed_));
  return parse_experiment(sweep_.resolved_yaml, sweep_.file, overrides);
}

std::vector<std::string> boundary_values(const SearchParameter& parameter) {
  std::vector<std::string> values = parameter.choices;
  if (parameter.kind != SearchParameter::Kind::categorical) {
    for (double end : {parameter.low, parameter.high}) {
      values.push_back(parameter.kind == SearchParameter::Kind::integer
                           ? std::to_string(static_cast<std::int64_t>(end))
                           : format_value(end));
    }
  }
  return values;
}

void TrialRunner::check_core_settings() const {
  for (const SearchTarget& target : search_.targets) {
    if (target.slot) continue;  // a component's key: checked against its schema already
    const SearchParameter& p = search_.space.parameters.at(target.parameter);
    const std::vector<std::string> values = boundary_values(p);
    for (const std::string& value : values) {
      try {
        parse_experiment(sweep_.resolved_yaml, sweep_.file, {target.path + "=" + value});
      } catch (const ConfigError& e) {
        // The override's own message ends with what was expected; the line is the space's.
        const std::string what = e.what();
        const auto key = what.find(target.path + ":");
        throw ConfigError(
            target.where, "search.space." + p.name,
            "value '" + value + "' for " + (key == std::string::npos ? what : what.substr(key)));
      }
    }
  }
}

namespace {

/// Per evaluation, the mean of each metric over the repeats that reached it.
std::vector<EvalPoint> mean_curve(const std::vector<std::vector<EvalPoint>>& repeats) {
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

/// The objective is the metric at the last evaluation; best_epoch is where the metric peaked. A
/// non-finite objective fails the trial.
void score(TrialOutcome& out, const Metric& metric, bool maximize) {
  if (out.curve.empty()) return;
  out.objective = out.curve.back().value(metric);
  double best = 0;
  for (const EvalPoint& p : out.curve) {
    const double v = p.value(metric);
    if (out.best_epoch < 0 || (maximize ? v > best : v < best)) {
      best = v;
      out.best_epoch = p.epoch;
    }
  }
  if (!std::isfinite(*out.objective)) {
    out.state = TrialState::failed;
    out.fail_reason = "nan";
    out.objective.reset();
  }
}

/// A multi-objective trial's values: each evaluation metric at the last evaluation, each run
/// measure the mean over the repeats (`runs`: per repeat, {train_seconds, params, updates}).
/// A non-finite value fails the trial.
void score_objectives(TrialOutcome& out, const std::vector<SearchObjective>& objectives,
                      const std::vector<std::array<double, 3>>& runs) {
  if (out.curve.empty() || runs.empty()) return;
  for (const SearchObjective& o : objectives) {
    if (const auto* metric = std::get_if<Metric>(&o.measure.what)) {
      out.objectives.push_back(out.curve.back().value(*metric));
      continue;
    }
    const auto index = static_cast<std::size_t>(std::get<RunMeasure>(o.measure.what));
    double sum = 0;
    for (const auto& run : runs) sum += run[index];
    out.objectives.push_back(sum / static_cast<double>(runs.size()));
  }
  for (const double v : out.objectives) {
    if (!std::isfinite(v)) {
      out.state = TrialState::failed;
      out.fail_reason = "nan";
      out.objectives.clear();
      return;
    }
  }
}

}  // namespace

TrialOutcome TrialRunner::run(const TrialRequest& request, const PruneCheck& should_prune) const {
  TrialOutcome out;
  out.trial = request.trial;
  out.started_at = utc_now();
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::vector<EvalPoint>> repeats;
  std::vector<std::array<double, 3>> runs;  ///< per finished repeat: the RunMeasure values
  try {
    for (std::size_t rep = 0; rep < request.seeds.size(); ++rep) {
      const ExperimentSpec trial = trial_spec(request.assignment, request.seeds[rep]);
      if (rep == 0) out.resolved_yaml = without_search(trial.resolved_yaml);
      const auto data = data_.get(trial.data, trial.seed);
      Trainer trainer(trial, *data, host_);
      Compute compute = Compute::make();
      const auto probe = [&](std::int64_t update) {
        if (rep == 0)
          out.probes.push_back(
              {update, probe_activations(trainer.graph(), compute, data->train, *trial.probe)});
      };
      if (trial.probe) probe(0);
      repeats.emplace_back();
      auto& points = repeats.back();
      try {
        const TrainSummary done = trainer.run(
            compute,
            [&](const EvalPoint& p) {
              points.push_back(p);
              if (rep > 0) return EvalAction::proceed;
              out.last_epoch = p.epoch;
              return should_prune && should_prune(p, p.value(search_.metric)) ? EvalAction::stop
                                                                              : EvalAction::proceed;
            },
            [&](std::int64_t iteration, double loss) {
              if (rep == 0) out.steps.push_back({iteration, loss});
            },
            probe);
        out.updates += done.iterations;
        double params = 0;
        for (const Parameter* p : trainer.graph().parameters())
          params += static_cast<double>(p->value.size());
        runs.push_back({done.seconds, params, static_cast<double>(done.iterations)});
        if (done.stopped) {
          out.state = TrialState::pruned;
          break;
        }
        if (rep == 0 && search_.keep_models != KeepModels::none)
          out.model = encode_model(trainer.graph(), out.resolved_yaml);
      } catch (const DivergedError& e) {
        out.updates += e.iterations();
        throw;
      }
    }
    out.curve = mean_curve(repeats);
    score(out, search_.metric, search_.maximize);
    if (!search_.objectives.empty()) {
      // A multi-objective trial's objectives decide its state; score() only placed best_epoch
      // (at the first evaluation metric among them).
      if (out.state == TrialState::failed && out.fail_reason == "nan") {
        out.state = TrialState::complete;
        out.fail_reason.clear();
      }
      out.objective.reset();
      score_objectives(out, search_.objectives, runs);
    }
  } catch (const Interrupted&) {
    out.abandoned = true;
  } catch (const DivergedError&) {
    out.state = TrialState::failed;
    out.fail_reason = "nan";
  } catch (const std::bad_alloc&) {
    out.state = TrialState::failed;
    out.fail_reason = kOutOfMemory;
  } catch (const std::exception& e) {
    out.state = TrialState::failed;
    out.fail_reason = std::string("exception: ") + e.what();
  }
  if (out.state == TrialState::failed && out.curve.empty() && !repeats.empty() &&
      !repeats.front().empty()) {
    // A failed trial keeps the curve it reached, so the report shows where it blew up.
    out.curve = repeats.front();
  }
  out.duration_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  out.finished_at = utc_now();
  return out;
}

}  // namespace nnlab
