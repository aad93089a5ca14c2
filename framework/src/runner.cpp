#include "runner.hpp"

#include <cstdio>
#include <filesystem>

#include "compute_threads.hpp"
#include "data_cache.hpp"
#include "model_file.hpp"
#include "pbt.hpp"
#include "pbt_replay.hpp"
#include "pbt_sweep.hpp"
#include "plugin_host.hpp"
#include "probe.hpp"
#include "results/csv.hpp"
#include "results/curves_file.hpp"
#include "results/folder_lock.hpp"
#include "results/steps_file.hpp"
#include "search_components.hpp"
#include "trial_runner.hpp"
#include "whitening.hpp"

namespace nnlab {

namespace fs = std::filesystem;

namespace {

/// For whitened data, how close the training covariance came to I: its largest off-diagonal.
std::string whitening_check(const DataSpec& spec, const PreparedData& data) {
  if (spec.scale != Scaling::pca && spec.scale != Scaling::zca) return "";
  char text[96];
  std::snprintf(text, sizeof text, "; whitened train covariance: largest off-diagonal %.2g",
                largest_off_diagonal_covariance(data.train.features));
  return text;
}

}  // namespace

std::string validate_experiment(const ExperimentSpec& spec, const PluginHost& host) {
  if (spec.search && is_pbt(*spec.search)) {
    DataCache data(host);
    check_pbt_search(spec, host, data, TrialRunner(spec, data, host));
  } else if (spec.search) {  // a sweep's strategy (and pruner) must accept its space and settings
    make_strategy(spec, host);
    make_pruner(spec, host);
    DataCache unused(host);  // nothing is prepared: only the searched values are checked
    TrialRunner(spec, unused, host).check_core_settings();
  }
  const PreparedData data = prepare_data(spec.data, host, spec.seed);
  Trainer trainer(spec, data, host);
  if (spec.probe) probed_nodes(trainer.graph(), *spec.probe);
  std::size_t values = 0;
  for (const Parameter* p : trainer.graph().parameters())
    values += static_cast<std::size_t>(p->value.size());
  return std::to_string(trainer.graph().node_names().size()) + " nodes, " + std::to_string(values) +
         " parameters; data: " + std::to_string(data.train.features.rows()) + " train, " +
         std::to_string(data.val.features.rows()) + " val, " +
         std::to_string(data.test.features.rows()) + " test rows of " +
         (data.sample_shape.rank() > 1 ? data.sample_shape.to_string()
                                       : std::to_string(data.features()) + " features") +
         whitening_check(spec.data, data);
}

RunResult run_experiment(const ExperimentSpec& spec, const PluginHost& host,
                         const RunOptions& options) {
  auto log = [&](const std::string& line) {
    if (options.log) options.log(line);
  };
  if (!options.pbt_schedule.empty())
    return replay_pbt_member(spec, host, options.pbt_schedule, options.pbt_member, options);
  RunResult result;
  result.out_dir =
      options.out_dir.empty() ? (fs::path("results") / spec.name).string() : options.out_dir;
  const fs::path dir(result.out_dir);
  const fs::path curves = dir / "curves.csv";
  const fs::path checkpoint = dir / "checkpoint.safetensors";
  const fs::path model = dir / "model.safetensors";
  const bool earlier_run = fs::exists(curves) || fs::exists(dir / "histograms.csv");
  if (options.resume && options.overwrite)
    throw Error("--resume keeps the earlier run and --overwrite discards it: give one");
  if (earlier_run && !options.overwrite && !options.resume) {
    throw Error(result.out_dir +
                ": already holds a run (curves.csv); pass --resume to continue it, --overwrite to "
                "replace it, or --out DIR");
  }
  // --resume continues this experiment only: the folder's must be the same, byte for byte.
  const bool resuming = options.resume && earlier_run;
  if (resuming && (!fs::exists(dir / "experiment.yaml") ||
                   read_text((dir / "experiment.yaml").string()) != spec.resolved_yaml)) {
    throw Error(result.out_dir +
                ": holds a run of another experiment (its experiment.yaml differs from this one); "
                "--resume continues the same experiment: change it back, or pass --out DIR");
  }
  if (resuming && fs::exists(model)) {
    // Nothing to train (and no data to read): the model file is written after the last evaluation
    // and a fresh run deletes an earlier one's first, so it marks this experiment's run as
    // finished.
    result.already_finished = true;
    return result;
  }
  set_compute_threads(spec.execution.threads_per_trial);
  const PreparedData data = prepare_data(spec.data, host, spec.seed);
  Trainer trainer(spec, data, host);
  // Probed nodes are checked with the rest, before the folder is made and anything printed.
  if (spec.probe) probed_nodes(trainer.graph(), *spec.probe);
  // What --resume starts from: nothing (train from the start) or the checkpoint, loaded (and so
  // checked) before any file is touched.
  const SchedulePosition* resumed = nullptr;
  if (resuming && fs::exists(checkpoint)) resumed = &trainer.resume_from(checkpoint.string());
  std::error_code ec;
  fs::create_directories(result.out_dir, ec);
  if (ec) throw Error(result.out_dir + ": cannot create the results folder: " + ec.message());
  const FolderLock lock(result.out_dir);  // a second run into this folder is refused, not mixed in
  if (!resumed) {
    // A fresh start: an earlier run's model and checkpoint would read as this run's.
    fs::remove(model, ec);
    fs::remove(checkpoint, ec);
  }
  // Only now, with everything built and checked, does the run say anything: a bad experiment gets
  // its one error line and nothing else.
  log(spec.name + ": " + std::to_string(spec.train.epochs) + " epochs, batch " +
      std::to_string(spec.train.batch_size) + ", seed " + std::to_string(spec.seed) + ", " +
      std::to_string(spec.execution.threads_per_trial) + " thread(s)");
  log("data: " + data.description + " -> " + std::to_string(data.train.features.rows()) +
      " train, " + std::to_string(data.val.features.rows()) + " val, " +
      std::to_string(data.test.features.rows()) + " test");
  write_file_atomically((dir / "experiment.yaml").string(), spec.resolved_yaml);
  if (resumed) {
    log("resumed from " + checkpoint.string() + " at epoch " + std::to_string(resumed->epoch) +
        " (" + std::to_string(resumed->iterations) + " updates); the rows after it are replaced");
    keep_rows_through(curves.string(), 1, resumed->epoch);
    keep_rows_through((dir / "steps.csv").string(), 1, resumed->iterations);
    keep_rows_through((dir / "probe.csv").string(), 1, resumed->iterations);
  }
  Compute compute = Compute::make();
  std::unique_ptr<ProbeWriter> probes;
  const auto probe = [&](std::int64_t update) {
    const auto nodes = probe_activations(trainer.graph(), compute, data.train, *spec.probe);
    if (update == 0)
      write_histograms((fs::path(result.out_dir) / "histograms.csv").string(), nodes);
    probes->write(0, {update, nodes});
  };
  if (spec.probe && resumed) {
    probes = std::make_unique<ProbeWriter>((dir / "probe.csv").string(), true);
  } else if (spec.probe) {
    probes = std::make_unique<ProbeWriter>((dir / "probe.csv").string());
    probe(0);
    log("probe: " + result.out_dir + "/histograms.csv, " + result.out_dir + "/probe.csv");
    if (spec.train.epochs == 0) return result;  // probing only
  }
  CurvesWriter writer(curves.string(), resumed != nullptr);
  std::unique_ptr<StepsWriter> steps;
  if (spec.train.log_every > 0)
    steps = std::make_unique<StepsWriter>((dir / "steps.csv").string(), resumed != nullptr);
  if (spec.train.checkpoint_every > 0) trainer.checkpoint_to(checkpoint.string());

  result.summary = trainer.run(
      compute,
      [&](const EvalPoint& point) {
        writer.write(0, point);
        if (options.on_eval) options.on_eval(point);
        return EvalAction::proceed;
      },
      [&](std::int64_t iteration, double loss) {
        steps->write(0, {{iteration, loss}});
      },
      probe);
  // The trained model, for `nnlab eval` and warm starts (a diverged run threw before this).
  save_model(trainer.graph(), spec, model.string());
  return result;
}

}  // namespace nnlab
