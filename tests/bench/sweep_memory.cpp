// Resident memory over a long sweep of small trials: the real sweep (strategy, ask/tell queue,
// trial runner, results files) in this process, RSS read from /proc/self/statm as trials finish.
// A sweep must not grow per trial beyond what it has to keep (one history entry per trial for
// the strategy, the best so far); the figure to compare is RSS at trial 100 against the last.
//   build/bin/sweep_memory [trials=2000] [strategy=random] [parallel=cores]
// Prints a table; asserts nothing (a bench, not a test).
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <thread>

#include "experiment.hpp"
#include "plugin_host.hpp"
#include "sweep.hpp"

namespace {

double resident_mib() {
  std::ifstream statm("/proc/self/statm");
  long pages = 0, resident = 0;
  statm >> pages >> resident;
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / 1048576.0;
}

}  // namespace

int main(int argc, char** argv) {
  const long trials = argc > 1 ? std::atol(argv[1]) : 2000;
  const std::string strategy = argc > 2 ? argv[2] : "random";
  const unsigned cores = std::thread::hardware_concurrency();
  const long parallel = argc > 3 ? std::atol(argv[3]) : static_cast<long>(cores);
  // The smallest trial that still trains, evaluates and writes every results file.
  const std::string yaml =
      "name: memory\nseed: 1\n"
      "data: {kind: synthetic, classes: 3, features: 8, train: 60, test: 30}\n"
      "model:\n  layers:\n    - {kind: dense, units: 16}\n    - {kind: relu}\n"
      "    - {kind: dense, units: 3}\n  loss: {kind: softmax_cross_entropy}\n"
      "optimizer: {kind: sgd, lr: 0.1}\n"
      "train: {epochs: 3, batch_size: 20, eval: [train, test]}\n"
      "search:\n  kind: " +
      strategy + "\n  trials: " + std::to_string(trials) +
      "\n  objective: {metric: test_acc, mode: max}\n"
      "  space:\n    optimizer.lr: {distribution: log_uniform, min: 1.0e-3, max: 0.5}\n"
      "    model.layers[0].units: {distribution: int, min: 4, max: 32}\n"
      "execution: {parallel_trials: " +
      std::to_string(parallel) + ", threads_per_trial: 1}\n";
  nnlab::PluginHost host;
  host.load_search_path({nnlab::PluginHost::builtin_plugin_dir()});
  const auto spec = nnlab::parse_experiment(yaml, "sweep_memory.yaml");
  std::random_device rd;
  const auto out = std::filesystem::temp_directory_path() /
                   ("nnlab-sweep-memory-" + std::to_string(rd()) + std::to_string(rd()));

  std::map<long, double> rss;  // trials done -> MiB, at the first progress call past each mark
  const long marks[] = {1, 10, 100, 250, 500, 1000, 1500, 2000, 5000, 10000};
  const double before = resident_mib();
  nnlab::SweepOptions options;
  options.out_dir = out.string();
  options.progress = [&](const nnlab::SweepProgress& p) {
    for (long mark : marks)
      if (p.done() >= mark && mark <= trials && !rss.count(mark)) rss[mark] = resident_mib();
  };
  const auto summary = nnlab::run_sweep(spec, host, options);
  const double after = resident_mib();
  std::filesystem::remove_all(out);

  std::printf("sweep_memory: %ld %s trials, %ld at a time, %.1f s\n", trials, strategy.c_str(),
              parallel, summary.seconds);
  std::printf("  before the sweep: %.1f MiB\n", before);
  for (const auto& [done, mib] : rss) std::printf("  trial %5ld: %.1f MiB\n", done, mib);
  std::printf("  after the sweep: %.1f MiB\n", after);
  if (rss.count(100) && rss.count(trials) && trials > 100) {
    const double growth = rss[trials] - rss[100];
    std::printf("  growth from trial 100 to %ld: %.2f MiB (%.0f bytes per trial)\n", trials, growth,
                growth * 1048576.0 / static_cast<double>(trials - 100));
  }
  return 0;
}
