#include "pbt_replay.hpp"

#include <filesystem>
#include <map>

#include "compute_threads.hpp"
#include "data_cache.hpp"
#include "model_file.hpp"
#include "pbt.hpp"
#include "pbt_member.hpp"
#include "plugin_host.hpp"
#include "results/curves_file.hpp"
#include "results/folder_lock.hpp"
#include "trial_runner.hpp"

namespace nnlab {

namespace fs = std::filesystem;

std::vector<PbtLineageStep> pbt_lineage(const std::vector<PbtScheduleRow>& rows,
                                        std::int64_t member, const std::string& path) {
  std::map<std::pair<std::int64_t, std::int64_t>, const PbtScheduleRow*> at;  // (member, interval)
  std::int64_t last = 0;
  for (const PbtScheduleRow& r : rows) {
    at[{r.member, r.interval}] = &r;
    last = std::max(last, r.interval);
  }
  const auto row = [&](std::int64_t m, std::int64_t interval) {
    auto it = at.find({m, interval});
    if (it == at.end()) {
      throw Error(path + ": no row for member " + std::to_string(m) + " at interval " +
                  std::to_string(interval) + ", which member " + std::to_string(member) +
                  "'s lineage goes through");
    }
    return it->second;
  };
  if (last == 0 || !at.count({member, last})) {
    throw Error(path + ": member " + std::to_string(member) +
                " has no row at the sweep's end (interval " + std::to_string(last) +
                "): it is not a member, or it failed");
  }
  // Backwards from the end: the member whose model this one continues at each boundary.
  std::vector<PbtLineageStep> steps(static_cast<std::size_t>(last));
  std::int64_t owner = member;
  for (std::int64_t i = last - 1; i >= 0; --i) {
    const PbtScheduleRow* start = row(owner, i);
    PbtLineageStep& step = steps[static_cast<std::size_t>(i)];
    step.member = owner;
    step.assignment = start->assignment;
    step.seed = start->seed;
    step.until = i + 1 < last ? row(owner, i + 1)->epoch : 0;
    owner = start->copied_from;
  }
  return steps;
}

RunResult replay_pbt_member(const ExperimentSpec& spec, const PluginHost& host,
                            const std::string& schedule, std::int64_t member,
                            const RunOptions& options) {
  if (!spec.search || !is_pbt(*spec.search)) {
    throw ConfigError(spec.search ? spec.search->strategy.where : SourceLocation{spec.file, 0, 0},
                      "search.kind",
                      "--schedule replays a member of a pbt sweep: the experiment's search must "
                      "be the sweep's (kind: pbt)");
  }
  if (options.resume) throw Error("--schedule replays a whole lineage: drop --resume");
  std::vector<std::string> names;
  for (const auto& p : spec.search->space.parameters) names.push_back(p.name);
  const std::vector<PbtLineageStep> lineage =
      pbt_lineage(read_pbt_schedule(schedule, names), member, schedule);

  RunResult result;
  result.out_dir =
      options.out_dir.empty()
          ? (fs::path("results") / spec.name / ("member_" + std::to_string(member))).string()
          : options.out_dir;
  const fs::path dir(result.out_dir);
  if (fs::exists(dir / "curves.csv") && !options.overwrite) {
    throw Error(result.out_dir +
                ": already holds a run (curves.csv); pass --overwrite to replace it, or --out DIR");
  }
  DataCache data(host);
  const TrialRunner runner(spec, data, host);
  // Every interval's experiment, built (and so checked) before anything is written.
  std::vector<ExperimentSpec> specs;
  for (const PbtLineageStep& step : lineage)
    specs.push_back(runner.trial_spec(step.assignment, step.seed));
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error(result.out_dir + ": cannot create the results folder: " + ec.message());
  const FolderLock lock(result.out_dir);
  fs::remove(dir / "model.safetensors", ec);
  const std::string final_yaml = without_search(specs.back().resolved_yaml);
  write_file_atomically((dir / "experiment.yaml").string(), final_yaml);
  if (options.log) {
    std::string from = "replaying member " + std::to_string(member) + "'s lineage:";
    for (std::size_t i = 0; i < lineage.size(); ++i)
      from += (i ? " -> " : " ") + std::to_string(lineage[i].member);
    options.log(from + " (seed " + std::to_string(lineage.front().seed) + ")");
  }
  set_compute_threads(spec.execution.threads_per_trial);
  CurvesWriter writer((dir / "curves.csv").string());
  std::string state;
  std::int64_t updates_before = 0;
  double seconds = 0, flops = 0;
  for (std::size_t i = 0; i < lineage.size(); ++i) {
    const ExperimentSpec& trial = specs[i];
    const auto prepared = data.get(trial.data, trial.seed);
    const TrainSummary s = train_member_interval(
        trial, *prepared, host, state, lineage[i].until,
        [&](const EvalPoint& point) {
          writer.write(0, point);
          if (options.on_eval) options.on_eval(point);
        },
        [&](Trainer& t) {
          write_file_atomically((dir / "model.safetensors").string(),
                                encode_model(t.graph(), final_yaml));
        });
    seconds += s.seconds;
    flops += s.flops;
    result.summary = s;
    if (!s.paused && i + 1 < lineage.size()) {
      throw Error(schedule + ": member " + std::to_string(lineage[i].member) +
                  "'s interval ended the schedule before the boundary at epoch " +
                  std::to_string(lineage[i].until) + " (the experiment is not the sweep's)");
    }
    updates_before = s.iterations;
  }
  result.summary.iterations = updates_before;
  result.summary.seconds = seconds;
  result.summary.flops = flops;
  return result;
}

}  // namespace nnlab
