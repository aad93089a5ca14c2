#pragma once
/// A population-based-training sweep (`search.kind: pbt`): search.population members train side
/// by side on the scheduler's slots, perturbation_interval epochs at a time. At each boundary the
/// population waits for every member (synchronous PBT, Ray Tune's synch=True), then exploits and
/// explores (pbt.hpp) with an engine drawn from (sweep seed, boundary) alone. Asynchronous PBT
/// decides when a member reaches a boundary, against whichever members are there then, so its
/// result depends on timing; waiting makes the sweep's every decision, and so every number, the
/// same on every run at any parallel_trials. Writes trials.csv (one row per member, its final
/// objective), curves.csv (each member's model's curve: after an exploit, the curve of the model
/// it took), best.yaml and pbt_schedule.csv (results/pbt_schedule_file.hpp).
#include "experiment.hpp"
#include "sweep.hpp"

namespace nnlab {

class PluginHost;
class DataCache;
class TrialRunner;

/// Checks a pbt search before anything trains: its settings (pbt_settings) and its space. A
/// searched key may change a hyperparameter mid-run, never the graph: a `kind` (a layer's, the
/// optimizer's, a regularizer's), a key that changes the training state's layout (a layer's units:
/// checked for model, optimizer and regularizer keys by building the trainer at each end of the
/// range and each choice), and the schedule
/// (train.*) are refused, each with a ConfigError at the search parameter's line.
void check_pbt_search(const ExperimentSpec& spec, const PluginHost& host, DataCache& data,
                      const TrialRunner& runner);

/// Runs the pbt sweep `spec`. Throws ConfigError for a bad search before anything trains.
SweepSummary run_pbt_sweep(const ExperimentSpec& spec, const PluginHost& host,
                           const SweepOptions& options);

}  // namespace nnlab
