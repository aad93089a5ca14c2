// libFuzzer target: the search-space parser and its checks. The input is a sweep's `search:` block
// (written at column 0; indented here under a fixed small experiment). The sweep's path is taken
// without training: parse_experiment reads the space (distributions, bounds, steps, paths, `when`
// conditions), make_strategy checks it against the searched components' schemas and sets up the
// strategy, make_pruner the pruner; then the first trials are asked, each assignment is applied to
// the experiment as the trial runner does, and told a result. nnlab::Error is expected; anything
// else is a finding.
#include <cstdint>
#include <string>
#include <string_view>

#include "data_cache.hpp"
#include "experiment.hpp"
#include "fuzz_support.hpp"
#include "search_components.hpp"
#include "trial_runner.hpp"

namespace {

// Every searchable slot is present (layers, regularizer, optimizer, data), so paths can name them.
constexpr std::string_view kExperiment = R"(name: fuzz-search
seed: 1
data: {kind: synthetic, classes: 3, features: 4, train: 20, test: 10, val_size: 5}
model:
  layers:
    - {kind: dense, units: 8, init: he}
    - {kind: relu}
    - {kind: dropout, ratio: 0.1}
    - {kind: dense, units: 3}
  loss: {kind: softmax_cross_entropy}
regularizers: [{kind: l2, lambda: 0.001}]
optimizer: {kind: momentum, lr: 0.01, momentum: 0.9}
train: {epochs: 3, batch_size: 10, eval: [train, val, test]}
)";

constexpr std::int64_t kTrialsAsked = 4;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  nnlab::fuzz::builtin_plugins();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string yaml(kExperiment);
  yaml += "search:\n";
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  for (std::size_t start = 0; start < input.size();) {
    const auto end = std::min(input.find('\n', start), input.size());
    yaml += "  ";
    yaml += input.substr(start, end - start);
    yaml += '\n';
    start = end + 1;
  }
  const nnlab::PluginHost& host = nnlab::fuzz::builtin_plugins();
  try {
    const nnlab::ExperimentSpec spec = nnlab::parse_experiment(yaml, "fuzz.yaml");
    if (!spec.search) return 0;
    const auto strategy = nnlab::make_strategy(spec, host);
    nnlab::make_pruner(spec, host);
    nnlab::DataCache no_data(host);  // trial_spec prepares no data
    const nnlab::TrialRunner runner(spec, no_data, host);
    for (std::int64_t trial = 0; trial < kTrialsAsked; ++trial) {
      const auto assignment = strategy->ask(trial);
      if (!assignment) break;
      for (const auto& parameter : spec.search->space.parameters)
        nnlab::is_active(parameter, *assignment);
      try {
        runner.trial_spec(*assignment, nnlab::trial_seed(spec.seed, trial, 0));
      } catch (const nnlab::Error&) {
        // A sweep records this trial as failed and goes on; so does the target.
      }
      strategy->tell({trial, *assignment, nnlab::TrialState::complete, 0.5 + 0.1 * double(trial)});
    }
  } catch (const nnlab::Error&) {
    // A bad search block: one line naming the file, line and key path. Expected.
  }
  return 0;
}
