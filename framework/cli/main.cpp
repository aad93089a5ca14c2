// The `nnlab` command: parses arguments, calls the core, and turns any error into one line on
// stderr and a non-zero exit. All behaviour lives in libnnlab.
#include <boost/program_options.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "data.hpp"
#include "describe.hpp"
#include "evaluation.hpp"
#include "experiment.hpp"
#include "importance/parameter_importance.hpp"
#include "interruption.hpp"
#include "mpi_session.hpp"
#include "mpi_sweep.hpp"
#include "onnx_export.hpp"
#include "optimizer_paths.hpp"
#include "pbt.hpp"
#include "plugin_host.hpp"
#include "prediction.hpp"
#include "progress.hpp"
#include "progress_printer.hpp"
#include "report.hpp"
#include "results/csv.hpp"
#include "results/importance_file.hpp"
#include "results/sweep_folder.hpp"
#include "runner.hpp"
#include "sweep.hpp"
#include "trainer.hpp"
#include "trial_worker.hpp"
#include "trials_table.hpp"

namespace po = boost::program_options;
using namespace nnlab;

namespace {

/// Writes one error line to stderr in a single write. Under mpiexec, which relays every rank's
/// stderr and prints its own report beside it, a line written piece by piece (std::cerr is
/// unbuffered) can be split by mpiexec's text; a single write keeps it whole.
void print_error_line(const std::string& line) {
  const std::string text = line + "\n";
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fflush(stderr);
}

constexpr const char* kUsage =
    "usage: nnlab <command> [options]\n"
    "commands:\n"
    "  run FILE        train the experiment in FILE; results go to results/<name>/\n"
    "  sweep FILE      run the experiment's search: block as parallel trials; "
    "results/<name>/trials.csv\n"
    "  validate FILE   check FILE (and build its model and data) without training\n"
    "  gradcheck FILE  check FILE's back-propagation against central differences (E6)\n"
    "  report DIR      write DIR/report.html: the run's or sweep's figures, as SVG\n"
    "  eval DIR        evaluate the model a run saved (DIR/model.safetensors) again\n"
    "  export DIR      write the model a run saved as ONNX (--onnx FILE): an inference graph\n"
    "  predict DIR     class probabilities of new examples (--input IDX or CSV) by a run's model\n"
    "  trials DIR      a sweep's trials as a table (sort, filter by state, top N)\n"
    "  importance DIR  which parameters mattered (fANOVA or PED-ANOVA); DIR/importance.csv\n"
    "  plugins         list every component the plugins provide (--describe KIND: its parameters)\n"
    "run 'nnlab <command> --help' for the command's options\n";

struct Common {
  std::vector<std::string> plugin_path;
};

void add_common(po::options_description& options, Common& common) {
  options.add_options()("help,h", "show this help")(
      "plugin-path", po::value(&common.plugin_path)->composing(),
      "a plugin file or folder to load before NNLAB_PLUGIN_PATH and the built-in plugins "
      "(repeatable)");
}

/// Commands that read a results folder rather than an experiment file.
bool takes_dir(const std::string& command) {
  return command == "report" || command == "eval" || command == "export" || command == "predict" ||
         command == "trials" || command == "importance";
}

/// Parses `args` as `<command> FILE [options]`. Returns false after printing the usage, with
/// `status` set: 0 for --help, 2 for a missing FILE.
bool parse_file_command(const std::string& command, const std::vector<std::string>& args,
                        const po::options_description& options, std::string& file,
                        po::variables_map& vm, int& status) {
  po::options_description hidden;
  hidden.add_options()("file", po::value(&file));
  po::options_description all;
  all.add(options).add(hidden);
  po::positional_options_description positional;
  positional.add("file", 1);
  po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
  po::notify(vm);
  if (!vm.count("help") && !file.empty()) return true;
  const std::string usage =
      "usage: nnlab " + command + (takes_dir(command) ? " RESULTS_DIR" : " FILE") + " [options]";
  if (vm.count("help")) {
    status = 0;
    std::cout << usage << "\n" << options;
    return false;
  }
  // One line, like every other error; --help has the options.
  status = 2;
  print_error_line("nnlab " + command + ": missing " +
                   (takes_dir(command) ? "RESULTS_DIR" : "FILE") + "; " + usage + " ('nnlab " +
                   command + " --help' lists them)");
  return false;
}

void load_plugins(PluginHost& host, const Common& common) {
  host.load_search_path(PluginHost::default_search_path(common.plugin_path));
}

/// This executable's path, for starting workers: /proc/self/exe, resolved now, so a rebuilt or
/// moved binary cannot change under a running sweep's later workers.
std::string own_executable() {
  std::error_code error;
  const auto path = std::filesystem::read_symlink("/proc/self/exe", error);
  if (error) throw Error("cannot find the nnlab executable (/proc/self/exe): " + error.message());
  return path.string();
}

/// `nnlab worker --channel-fd N`: a sweep's worker process (hidden: the sweep starts it).
int cmd_worker(const std::vector<std::string>& args) {
  int fd = -1;
  po::options_description options("nnlab worker options");
  options.add_options()("channel-fd", po::value(&fd)->required(), "the coordinator's socket");
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(options).run(), vm);
  po::notify(vm);
  SocketChannel channel(fd);
  return serve_trials(channel);
}

int cmd_plugins(const std::vector<std::string>& args) {
  Common common;
  std::string describe;
  po::options_description options("nnlab plugins options");
  add_common(options, common);
  options.add_options()("describe", po::value(&describe),
                        "show a component's parameters: name, type, default, range, help");
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(options).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << "usage: nnlab plugins [--describe KIND] [options]\n" << options;
    return 0;
  }
  PluginHost host;
  load_plugins(host, common);
  if (!describe.empty()) {
    std::cout << describe_component(host, describe);
    return 0;
  }
  std::cout << list_components(host);
  std::cout << "\n" << host.plugins().size() << " plugins loaded; search path:";
  for (const auto& dir : host.search_path()) std::cout << " " << dir;
  std::cout << "\n'nnlab plugins --describe KIND' shows a component's parameters\n";
  return 0;
}

int cmd_run(const std::vector<std::string>& args, bool validate_only) {
  Common common;
  std::string file, out;
  std::vector<std::string> sets;
  int threads = 0;
  long long seed = -1;
  std::string schedule;
  long long member = -1;
  po::options_description options(validate_only ? "nnlab validate options" : "nnlab run options");
  add_common(options, common);
  options.add_options()("set", po::value(&sets)->composing(),
                        "set a value, key.path=value, or delete a key, ~key.path (repeatable)");
  if (!validate_only) {
    options.add_options()("out", po::value(&out),
                          "results folder (default: results/<experiment name>)")(
        "seed", po::value(&seed), "the experiment's seed (same as --set seed=N)")(
        "threads", po::value(&threads),
        "oneDNN threads (same as --set execution.threads_per_trial=N)")(
        "overwrite", "replace an earlier run in the results folder")(
        "resume", "continue the run in the results folder from its checkpoint (train.checkpoint)")(
        "schedule", po::value(&schedule),
        "a pbt sweep's pbt_schedule.csv: replay one member's lineage (with --member)")(
        "member", po::value(&member), "the pbt member to replay (with --schedule)")(
        "quiet,q", "print only the final lines");
  }
  po::variables_map vm;
  int status = 0;
  if (!parse_file_command(validate_only ? "validate" : "run", args, options, file, vm, status)) {
    return status;
  }
  // Passed on as --set, whatever the value: the loader refuses `--seed -5` or `--threads 0` with
  // the key's own message, where a silent `> 0` test would run with the file's value.
  if (vm.count("seed")) sets.push_back("seed=" + std::to_string(seed));
  if (vm.count("threads")) sets.push_back("execution.threads_per_trial=" + std::to_string(threads));
  if (vm.count("schedule") != vm.count("member"))
    throw po::error("--schedule and --member go together: the schedule, and the member to replay");
  if (vm.count("member") && member < 0)
    throw po::error("--member: expected a member number (0 or more)");

  const ExperimentSpec spec = load_experiment(file, sets);
  PluginHost host;
  host.load_for(spec, common.plugin_path);
  if (spec.paths) {  // objective mode (E1): optimizer paths on an analytic function
    if (validate_only) {
      const auto paths = walk_paths(spec, host);
      std::cout << file << ": ok (objective " << spec.paths->objective.kind << ", " << paths.size()
                << " optimizer(s), " << spec.paths->steps << " steps)\n";
      return 0;
    }
    RunOptions run;
    run.out_dir = out;
    run.overwrite = vm.count("overwrite") != 0;
    const std::string dir = run_paths(spec, host, run);
    for (const auto& path : walk_paths(spec, host)) {
      const PathPoint& end = path.points.back();
      std::printf("%-28s step %lld: f = %.6g at (", path.label.c_str(),
                  static_cast<long long>(end.step), end.value);
      for (std::size_t i = 0; i < end.x.size(); ++i) std::printf("%s%.6f", i ? ", " : "", end.x[i]);
      std::printf(")\n");
    }
    std::printf("results: %s/paths.csv, %s/experiment.yaml\n", dir.c_str(), dir.c_str());
    return 0;
  }
  if (validate_only) {
    // Validated first: a failure must not leave "FILE: ok (" half-printed before its error line.
    const std::string summary = validate_experiment(spec, host);
    std::cout << file << ": ok (" << summary << ")\n";
    return 0;
  }
  ProgressPrinter progress(vm.count("quiet") != 0);
  RunOptions run;
  run.out_dir = out;
  run.overwrite = vm.count("overwrite") != 0;
  run.resume = vm.count("resume") != 0;
  run.pbt_schedule = schedule;
  run.pbt_member = member;
  run.log = [&](const std::string& line) { progress.message(line); };
  const std::int64_t epochs = spec.train.epochs;
  const std::int64_t every = std::max<std::int64_t>(1, epochs / 10);
  const auto start = std::chrono::steady_clock::now();
  // Book mode evaluates at epochs 0..epochs-1, modern mode at 1..epochs: count evaluations (this
  // process's, for the rate; the run's, from the epoch, for what is left after a resume).
  std::int64_t evaluations = 0;
  const std::int64_t first_epoch = spec.train.sampling == Sampling::with_replacement ? 0 : 1;
  run.on_eval = [&](const EvalPoint& point) {
    ++evaluations;
    const std::int64_t done = point.epoch - first_epoch + 1;
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    char head[96];
    std::snprintf(head, sizeof head, "epoch %4lld/%lld  iter %5lld",
                  static_cast<long long>(point.epoch), static_cast<long long>(epochs),
                  static_cast<long long>(point.iteration));
    std::string line = head;
    for (const auto& [metric, value] : point.metrics) {
      if (metric.measure != Measure::accuracy) continue;
      char shown[64];
      std::snprintf(shown, sizeof shown, "  %s %.4f", metric.name().c_str(), value);
      line += shown;
    }
    line += "  " + format_clock(elapsed) + " elapsed";
    if (const auto left = remaining_seconds(elapsed, evaluations, epochs - done))
      line += ", ~" + format_clock(*left) + " left";
    const bool last = done >= epochs;
    progress.update(line, point.epoch % every == 0 || last);
  };
  const StopOnSignals stop_on_signals;
  RunResult result;
  try {
    result = run_experiment(spec, host, run);
  } catch (const Interrupted& e) {
    progress.finish();
    const std::string dir = out.empty() ? "results/" + spec.name : out;
    std::fprintf(stderr, "nnlab: %s: the evaluations so far are in %s/curves.csv\n", e.what(),
                 dir.c_str());
    return 128 + e.signal_number();
  }
  progress.finish();
  if (result.already_finished) {
    std::printf("nothing to resume: the run in %s finished (model.safetensors)\n",
                result.out_dir.c_str());
    return 0;
  }
  if (spec.train.epochs == 0) {  // a probe only (E3)
    std::printf("probed the untrained model; results: %s/histograms.csv, %s/probe.csv\n",
                result.out_dir.c_str(), result.out_dir.c_str());
    return 0;
  }
  const auto& s = result.summary;
  std::printf("done: %lld updates in %.2f s (%.1f GFLOP/s)", static_cast<long long>(s.iterations),
              s.seconds, s.flops / s.seconds / 1e9);
  for (const auto& [metric, value] : s.last.metrics) {
    if (metric.measure == Measure::accuracy) std::printf(", %s %.4f", metric.name().c_str(), value);
  }
  std::printf("\nresults: %s/curves.csv, %s/experiment.yaml, %s/model.safetensors\n",
              result.out_dir.c_str(), result.out_dir.c_str(), result.out_dir.c_str());
  return 0;
}

}  // namespace

/// `nnlab sweep`; under MPI, rank 0's (`ranks`: the other ranks, started once the experiment is
/// read).
int cmd_sweep(const std::vector<std::string>& args, MpiRanks* ranks = nullptr) {
  Common common;
  std::string file, out;
  std::vector<std::string> sets;
  int threads = 0, parallel = 0;
  long long seed = -1;
  std::string isolation;
  po::options_description options("nnlab sweep options");
  add_common(options, common);
  options.add_options()("set", po::value(&sets)->composing(),
                        "set a value, key.path=value, or delete a key, ~key.path (repeatable)")(
      "out", po::value(&out), "results folder (default: results/<experiment name>)")(
      "seed", po::value(&seed), "the sweep's seed (same as --set seed=N)")(
      "parallel", po::value(&parallel),
      "trials at once (same as --set execution.parallel_trials=N; default: cores / threads)")(
      "threads", po::value(&threads),
      "oneDNN threads per trial (same as --set execution.threads_per_trial=N)")(
      "isolation", po::value(&isolation),
      "thread or process: run trials in worker processes, so a crash fails only its trial "
      "(same as --set execution.isolation=...)")(
      "resume", "continue the sweep in the results folder: keep finished trials, run the rest")(
      "retry-failed", "with --resume, run FAIL trials again")(
      "overwrite", "discard an earlier sweep in the results folder")("quiet,q",
                                                                     "print only the final lines");
  po::variables_map vm;
  int status = 0;
  if (!parse_file_command("sweep", args, options, file, vm, status)) return status;
  if (vm.count("resume") && vm.count("overwrite"))
    throw po::error("--resume keeps the earlier sweep and --overwrite discards it: give one");
  if (vm.count("retry-failed") && !vm.count("resume"))
    throw po::error("--retry-failed reruns the FAIL trials of a resumed sweep: add --resume");
  if (vm.count("seed")) sets.push_back("seed=" + std::to_string(seed));
  if (vm.count("threads")) sets.push_back("execution.threads_per_trial=" + std::to_string(threads));
  if (vm.count("parallel")) sets.push_back("execution.parallel_trials=" + std::to_string(parallel));
  if (vm.count("isolation")) {
    if (isolation != "thread" && isolation != "process")
      throw po::error("--isolation: expected thread or process, got '" + isolation + "'");
    sets.push_back("execution.isolation=" + isolation);
  }

  const ExperimentSpec spec = load_experiment(file, sets);
  PluginHost host;
  host.load_for(spec, common.plugin_path);
  ProgressPrinter progress(vm.count("quiet") != 0);
  SweepOptions sweep;
  sweep.out_dir = out;
  sweep.resume = vm.count("resume") != 0;
  sweep.retry_failed = vm.count("retry-failed") != 0;
  sweep.overwrite = vm.count("overwrite") != 0;
  // Workers are this very executable, started fresh (never forked): the same build, so the
  // messages between them and the sweep always agree.
  sweep.worker_command = {own_executable(), "worker"};
  sweep.plugin_path = common.plugin_path;
  if (ranks) {
    if (is_pbt(*spec.search)) {
      throw Error(spec.file +
                  ": search.kind: pbt runs in one process (its members hand their state over in "
                  "memory); run it without mpirun");
    }
    if (spec.execution.isolation == Isolation::process) {
      throw Error(spec.file +
                  ": execution.isolation: process is for one machine's sweep; under mpirun the "
                  "ranks run trials in threads (drop isolation or mpirun)");
    }
    // Every rank gets rank 0's experiment, resolved: the same trials whatever files it sees.
    WorkerSetup setup;
    setup.experiment_yaml = spec.resolved_yaml;
    setup.experiment_file = spec.file;
    setup.plugin_path = common.plugin_path;
    setup.threads_per_trial = spec.execution.threads_per_trial;
    setup.asks_prune = spec.search->pruner.has_value();
    ranks->start(setup);
    sweep.remote_slots = ranks->slots();
  }
  sweep.log = [&](const std::string& line) { progress.message(line); };
  std::int64_t shown_done = -1;
  sweep.progress = [&](const SweepProgress& p) {
    // Off a terminal, a line per finished trial; the once-a-second redraws are for terminals.
    progress.update(p.line(), p.done() != shown_done);
    shown_done = p.done();
  };
  const StopOnSignals stop_on_signals;
  const SweepSummary s = run_sweep(spec, host, sweep);
  progress.finish();
  const bool pbt = is_pbt(*spec.search);
  if (s.interrupted_by != 0 && pbt) {
    std::fprintf(stderr,
                 "nnlab: %s: the population at its last boundary is kept in %s/pbt/; run the same "
                 "command with --resume to go on from there\n",
                 Interrupted(s.interrupted_by).what(), s.out_dir.c_str());
    return 128 + s.interrupted_by;
  }
  if (s.interrupted_by != 0) {
    std::fprintf(stderr,
                 "nnlab: %s: %lld finished trials are kept in %s/trials.csv (running ones were "
                 "abandoned); run the same command with --resume to finish the sweep\n",
                 Interrupted(s.interrupted_by).what(), static_cast<long long>(s.done()),
                 s.out_dir.c_str());
    return 128 + s.interrupted_by;
  }
  std::printf("done: %lld complete, %lld pruned, %lld failed", static_cast<long long>(s.complete),
              static_cast<long long>(s.pruned), static_cast<long long>(s.failed));
  if (s.reused > 0) std::printf(" (%lld from before)", static_cast<long long>(s.reused));
  std::printf(" in %.1f s", s.seconds);
  if (s.best_trial >= 0) {
    std::printf("; best %s %.4f (trial %lld)", spec.search->metric.name().c_str(), s.best_objective,
                static_cast<long long>(s.best_trial));
  }
  if (s.pareto >= 0) std::printf("; %lld on the Pareto front", static_cast<long long>(s.pareto));
  std::printf("\nresults: %s/trials.csv, %s/curves.csv, %s/%s", s.out_dir.c_str(),
              s.out_dir.c_str(), s.out_dir.c_str(), s.pareto >= 0 ? "pareto/" : "best.yaml");
  const KeepModels keep = spec.search->keep_models;
  if (keep == KeepModels::best && s.pareto < 0 && s.best_trial >= 0)
    std::printf(", %s/best.safetensors", s.out_dir.c_str());
  if (keep == KeepModels::all) std::printf(", %s/models/", s.out_dir.c_str());
  if (pbt) std::printf(", %s/pbt_schedule.csv", s.out_dir.c_str());
  if (spec.search->top_policies > 0 && s.pareto < 0 && s.best_trial >= 0)
    std::printf(", %s/policy.yaml", s.out_dir.c_str());
  std::printf("\n");
  return 0;
}

int cmd_gradcheck(const std::vector<std::string>& args) {
  Common common;
  std::string file;
  std::vector<std::string> sets;
  // Defaults measured on gradient_check.yaml over 6 seeds: the worst tensor's mean |diff| stays
  // under 8e-5. Fewer rows let batch norm's variance get tiny (and the loss sharply curved).
  long long rows = 10, samples = 200;
  double h = 1e-3, tolerance = 1e-3;
  po::options_description options("nnlab gradcheck options");
  add_common(options, common);
  options.add_options()("set", po::value(&sets)->composing(),
                        "set a value, key.path=value, or delete a key, ~key.path (repeatable)")(
      "rows", po::value(&rows), "training rows in the batch (default 10; at least 2)")(
      "samples", po::value(&samples), "elements checked per parameter tensor (default 200)")(
      "h", po::value(&h), "central-difference step (default 1e-3: the layers are float32)")(
      "tolerance", po::value(&tolerance),
      "the largest mean |analytic - numeric| accepted per tensor (default 1e-3)");
  po::variables_map vm;
  int status = 0;
  if (!parse_file_command("gradcheck", args, options, file, vm, status)) return status;
  if (!(h > 0) || !std::isfinite(h)) throw po::error("--h: expected a positive step");
  if (!(tolerance > 0)) throw po::error("--tolerance: expected a positive tolerance");
  if (samples < 1) throw po::error("--samples: expected a positive count");
  const ExperimentSpec spec = load_experiment(file, sets);
  PluginHost host;
  host.load_for(spec, common.plugin_path);
  const PreparedData data = prepare_data(spec.data, host, spec.data.seed.value_or(spec.seed));
  Trainer trainer(spec, data, host);
  Compute compute = Compute::make();
  const auto checks = trainer.gradient_check(compute, rows, samples, h);
  double worst = 0;
  std::printf("%-22s %8s %14s %14s %14s\n", "parameter", "checked", "mean |grad|", "mean |diff|",
              "max |diff|");
  for (const auto& c : checks) {
    std::printf("%-22s %8lld %14.3e %14.3e %14.3e\n", c.parameter.c_str(),
                static_cast<long long>(c.checked), c.mean_abs_gradient, c.mean_abs_diff,
                c.max_abs_diff);
    worst = std::max(worst, c.mean_abs_diff);
  }
  if (worst > tolerance) {
    std::fprintf(stderr,
                 "nnlab: error: gradient check failed: a mean |difference| of %.3e is over %.3e\n",
                 worst, tolerance);
    return 1;
  }
  std::printf("ok: every tensor's mean |difference| is under %.0e (float32 layers, h = %g)\n",
              tolerance, h);
  return 0;
}

int cmd_report(const std::vector<std::string>& args) {
  std::string out;
  po::options_description options("nnlab report options");
  options.add_options()("help,h", "show this help")(
      "out", po::value(&out), "the HTML file to write (default: RESULTS_DIR/report.html)");
  std::string dir;
  po::variables_map vm;
  int status = 0;
  if (!parse_file_command("report", args, options, dir, vm, status)) return status;
  // The plugins let an objective-mode report draw its objective's contours.
  PluginHost host;
  host.load_search_path(PluginHost::default_search_path({}));
  std::cout << "report: " << write_report(dir, out, &host) << "\n";
  return 0;
}

int cmd_eval(const std::vector<std::string>& args) {
  Common common;
  std::vector<std::string> sets;
  po::options_description options("nnlab eval options");
  add_common(options, common);
  options.add_options()(
      "set", po::value(&sets)->composing(),
      "change the run's experiment before evaluating, key.path=value: other "
      "data (data.test_images=...), other splits (train.eval=[val]) (repeatable)");
  std::string dir;
  po::variables_map vm;
  int status = 0;
  if (!parse_file_command("eval", args, options, dir, vm, status)) return status;
  PluginHost host;
  load_plugins(host, common);
  const Evaluation result = evaluate_saved_model(dir, sets, host);
  std::string line = "eval:";
  for (const auto& [metric, value] : result.point.metrics) {
    char shown[64];
    std::snprintf(shown, sizeof shown, " %s %.4f", metric.name().c_str(), value);
    line += shown;
  }
  std::cout << line << "\nresults: " << result.csv_path << "\n";
  return 0;
}

int cmd_export(const std::vector<std::string>& args) {
  Common common;
  std::string onnx;
  po::options_description options("nnlab export options");
  add_common(options, common);
  const std::string onnx_help = "the ONNX file to write (opset " + std::to_string(kOnnxOpset) +
                                "; input \"input\", outputs \"logits\" and \"probabilities\")";
  ExportOptions export_options;
  options.add_options()("onnx", po::value(&onnx), onnx_help.c_str())(
      "with-scaling", po::bool_switch(&export_options.with_scaling),
      "put the run's data.scale (fitted on its training rows) in front of the model, so the "
      "file takes the data in its raw units (0..255 pixels), as nnlab predict does");
  std::string dir;
  po::variables_map vm;
  int status = 0;
  if (!parse_file_command("export", args, options, dir, vm, status)) return status;
  if (onnx.empty()) {
    std::cerr << "nnlab export: missing --onnx FILE (the only format it writes)\n";
    return 2;
  }
  PluginHost host;
  load_plugins(host, common);
  const OnnxExport result = export_onnx(dir, onnx, host, export_options);
  std::string input;
  for (auto d : result.input)
    input += (input.empty() ? "" : "x") + (d < 0 ? "N" : std::to_string(d));
  std::string outputs;
  for (const auto& o : result.outputs) outputs += (outputs.empty() ? "" : ", ") + o;
  std::cout << "export: " << result.nodes << " ONNX nodes, opset " << kOnnxOpset << ", input "
            << input << (export_options.with_scaling ? " (raw units: data.scale inside)" : "")
            << ", outputs " << outputs << "\nonnx: " << result.path << "\n";
  return 0;
}

int cmd_predict(const std::vector<std::string>& args) {
  Common common;
  std::string input, output;
  std::vector<std::string> sets;
  po::options_description options("nnlab predict options");
  add_common(options, common);
  options.add_options()("input", po::value(&input),
                        "the examples: an IDX image file (gzip'd or not) or CSV, one example per "
                        "row in the data's raw units (a first row of names is a header)")(
      "output", po::value(&output), "the CSV to write (default: DIR/predictions.csv)")(
      "set", po::value(&sets)->composing(),
      "change the run's experiment first, key.path=value (repeatable)");
  std::string dir;
  po::variables_map vm;
  int status = 0;
  if (!parse_file_command("predict", args, options, dir, vm, status)) return status;
  if (input.empty()) {
    std::cerr << "nnlab predict: missing --input FILE (IDX images or CSV rows)\n";
    return 2;
  }
  PluginHost host;
  load_plugins(host, common);
  const Prediction result = predict_saved_model(dir, input, output, sets, host);
  std::cout << "predict: " << result.rows << " examples, " << result.classes
            << (result.probabilities ? " class probabilities" : " outputs")
            << "\npredictions: " << result.csv_path << "\n";
  return 0;
}

int cmd_trials(const std::vector<std::string>& args) {
  std::string sort = "trial", state;
  long long top = 0;
  po::options_description options("nnlab trials options");
  options.add_options()("help,h", "show this help")(
      "sort", po::value(&sort),
      "objective (best first), trial (default) or duration (longest first)")(
      "state", po::value(&state), "only trials in this state: COMPLETE, PRUNED or FAIL")(
      "top", po::value(&top), "show at most N rows, after sorting");
  std::string dir;
  po::variables_map vm;
  int status = 0;
  if (!parse_file_command("trials", args, options, dir, vm, status)) return status;
  TrialsTableOptions table;
  const auto parsed_sort = parse_trials_sort(sort);
  if (!parsed_sort) {
    throw po::error("--sort: expected objective, trial or duration, got '" + sort + "'");
  }
  table.sort = *parsed_sort;
  if (vm.count("state")) {
    table.state = parse_trial_state(state);
    if (!table.state) {
      throw po::error("--state: expected COMPLETE, PRUNED or FAIL, got '" + state + "'");
    }
  }
  if (top < 0) throw po::error("--top: expected a positive count");
  table.top = top;
  std::cout << trials_table(read_sweep_folder(dir), table);
  return 0;
}

int cmd_importance(const std::vector<std::string>& args) {
  std::string method = "fanova";
  long long top = 0, seed = 0;
  double quantile = 0.1;
  po::options_description options("nnlab importance options");
  options.add_options()("help,h", "show this help")(
      "method", po::value(&method),
      "fanova (default: a 64-tree forest, as Optuna's default evaluator) or ped-anova (the "
      "top 10% of trials against all, no model)")(
      "top", po::value(&top), "print the N most important parameters (the file has them all)")(
      "seed", po::value(&seed), "fanova: the forest's seed (default 0)")(
      "log-space",
      "fanova: measure log-uniform parameters in log(value) (default: raw values, as Optuna)")(
      "quantile", po::value(&quantile), "ped-anova: the top fraction of trials (default 0.1)");
  std::string dir;
  po::variables_map vm;
  int status = 0;
  if (!parse_file_command("importance", args, options, dir, vm, status)) return status;
  ImportanceOptions importance;
  const auto parsed = parse_importance_method(method);
  if (!parsed) throw po::error("--method: expected fanova or ped-anova, got '" + method + "'");
  importance.method = *parsed;
  if (top < 0) throw po::error("--top: expected a positive count");
  if (seed < 0) throw po::error("--seed: expected a non-negative seed");
  if (!(quantile > 0 && quantile <= 1)) throw po::error("--quantile: expected a value in (0, 1]");
  importance.seed = static_cast<std::uint64_t>(seed);
  importance.log_space = vm.count("log-space") != 0;
  importance.quantile = quantile;

  const SweepFolder folder = read_sweep_folder(dir);
  const ImportanceResult result =
      parameter_importances(folder.spec.search->space, folder.trials, folder.spec.search->maximize,
                            importance, folder.trials_path);
  std::vector<ImportanceRecord> records;
  for (const auto& p : result.parameters) {
    records.push_back({static_cast<std::int64_t>(records.size()) + 1, p.parameter, p.importance,
                       p.trials, p.conditional, std::string(importance_method_name(*parsed))});
  }
  const std::string file = (std::filesystem::path(dir) / "importance.csv").string();
  write_importance(file, records);

  std::printf("%s of %s over %lld complete trials (objective %s)\n",
              importance.method == ImportanceMethod::fanova ? "fANOVA" : "PED-ANOVA", dir.c_str(),
              static_cast<long long>(result.complete_trials),
              folder.spec.search->metric.name().c_str());
  std::size_t width = 9;
  for (const auto& r : records) width = std::max(width, r.parameter.size());
  std::printf("%4s  %-*s  %10s\n", "rank", static_cast<int>(width), "parameter", "importance");
  bool any_conditional = false;
  for (const auto& r : records) {
    if (top > 0 && r.rank > top) break;
    // A bar of up to 40 marks, so the ranking reads at a glance.
    const std::string bar(static_cast<std::size_t>(std::lround(r.importance * 40)), '#');
    const std::string note =
        r.conditional ? "  * (" + std::to_string(r.trials) + " trials)" : std::string();
    std::printf("%4lld  %-*s  %10.4f%s%s%s\n", static_cast<long long>(r.rank),
                static_cast<int>(width), r.parameter.c_str(), r.importance, bar.empty() ? "" : "  ",
                bar.c_str(), note.c_str());
    any_conditional = any_conditional || r.conditional;
  }
  if (any_conditional) {
    std::printf(
        "* conditional: its share when judged with the unconditional parameters on the "
        "trials where it is active\n");
  }
  for (const auto& why : result.not_assessed) std::printf("not assessed: %s\n", why.c_str());
  std::printf("saved: %s\n", file.c_str());
  return 0;
}

/// Runs `command`, printing what it throws as one line: exit 2 for a usage error, 1 for any other.
template <typename Body>
int with_error_line(const std::string& command, Body&& body) {
  try {
    return body();
  } catch (const po::error& e) {
    print_error_line("nnlab " + command + ": " + e.what());
    return 2;
  } catch (const std::exception& e) {
    print_error_line(std::string("nnlab: error: ") + e.what());
    return 1;
  }
}

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "nnlab: missing command; usage: nnlab <command> [options] ('nnlab --help' lists "
                 "the commands)\n";
    return 2;
  }
  const std::string command = argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);
  return with_error_line(command, [&] {
    if (command == "run") return cmd_run(args, false);
    if (command == "validate") return cmd_run(args, true);
    if (command == "sweep" && launched_by_mpi()) {
      // One rank of `mpirun -np N nnlab sweep FILE`: rank 0 runs the sweep, the others serve it.
      const MpiSession mpi(argc, argv);
      // The error line is printed before MPI_Finalize (the session's end): a rank whose setup
      // failed exits once every rank has finalized, and mpiexec then stops the job, this rank
      // with it, perhaps before a line printed after the session would reach stderr.
      return with_error_line(command, [&] {
        if (mpi.rank() > 0) return serve_rank(mpi.rank());
        if (mpi.size() == 1) return cmd_sweep(args);
        MpiRanks ranks(mpi.size());
        return cmd_sweep(args, &ranks);
      });
    }
    if (command == "sweep") return cmd_sweep(args);
    if (command == "worker") return cmd_worker(args);
    if (command == "plugins") return cmd_plugins(args);
    if (command == "report") return cmd_report(args);
    if (command == "gradcheck") return cmd_gradcheck(args);
    if (command == "eval") return cmd_eval(args);
    if (command == "export") return cmd_export(args);
    if (command == "predict") return cmd_predict(args);
    if (command == "trials") return cmd_trials(args);
    if (command == "importance") return cmd_importance(args);
    if (command == "--help" || command == "-h" || command == "help") {
      std::cout << kUsage;
      return 0;
    }
    print_error_line("nnlab: unknown command '" + command +
                     "'; expected run, sweep, validate, gradcheck, report, eval, export, predict, "
                     "trials, importance or plugins ('nnlab --help')");
    return 2;
  });
}
