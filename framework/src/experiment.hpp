#pragma once
/// The validated form of an experiment YAML file. Only the loader (experiment.cpp) sees YAML; the
/// rest of the core and every plugin work from these structs and typed Params.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "component_slot.hpp"
#include "component_spec.hpp"
#include "metric.hpp"
#include "nnlab/params.hpp"
#include "nnlab/search_strategy.hpp"

namespace nnlab {

/// One named node of the model graph.
struct NodeSpec {
  std::string name;
  ComponentSpec layer;
  std::vector<std::string> inputs;  ///< node names, or "input" for the data
};

struct ModelSpec {
  std::int64_t input_width = 0;  ///< 0: the dataset's feature count
  std::vector<NodeSpec> nodes;   ///< `repeat:` blocks expanded; in file order
  std::string output;            ///< the node whose output is the model's (default: the last)
  ComponentSpec loss;
  SourceLocation input_where, output_where;  ///< for errors about `input` and `output`
  /// A saved model (model.safetensors) whose tensors initialize the nodes' of the same names
  /// (a warm start); absolute, resolved against the experiment file's folder. Empty: none.
  std::string init_from;
  SourceLocation init_from_where;
};

/// How the core scales features, fitted on the training rows and applied to every split.
enum class Scaling {
  minmax,       ///< one range for all features to [0, 1]: the book's /255 for pixels
  standardize,  ///< each feature to mean 0, variance 1
  pca,          ///< minmax, then PCA whitening: principal components, each of variance 1
  zca,          ///< minmax, then ZCA whitening: covariance I, closest to the input
  none,
};

struct DataSpec {
  ComponentSpec source;  ///< the dataset plugin and its own params
  std::optional<std::uint64_t>
      seed;                       ///< seeds generation and the split (default: the experiment seed)
  std::int64_t train_limit = -1;  ///< first N training rows (-1: all)
  std::int64_t test_limit = -1;   ///< first N test rows (-1: all)
  Scaling scale = Scaling::minmax;
  double epsilon = 1e-5;  ///< pca and zca: added to each eigenvalue before 1/sqrt (0..1 data units)
  std::int64_t val_size = 0;  ///< rows of the (limited) train set held out for validation
  bool val_shuffle = true;    ///< shuffle once (seeded) before the split, as the book's search does
};

/// Book mode draws each minibatch with replacement and evaluates every train_size/batch updates;
/// modern mode shuffles once per epoch and evaluates after each full pass.
enum class Sampling { with_replacement, shuffle };

struct TrainSpec {
  std::int64_t epochs = 1;
  std::int64_t batch_size = 100;
  Sampling sampling = Sampling::with_replacement;
  std::vector<Split> eval = {Split::train, Split::test};  ///< splits evaluated, in this order
  SourceLocation eval_where;                              ///< for errors about `eval`
  SourceLocation batch_size_where;                        ///< for errors about `batch_size`
  std::int64_t eval_batch_size =
      256;                      ///< rows per inference pass; small keeps activations in cache
  std::int64_t iterations = 0;  ///< stop after this many updates (0: after `epochs` evaluations)
  /// Seeds the minibatch draws instead of the experiment's seed: every trial of a sweep then sees
  /// the same minibatch sequence (the book's optimizer and init comparisons, E2 and E4).
  std::optional<std::uint64_t> batch_seed;
  std::int64_t log_every = 0;  ///< record the minibatch loss every N updates in steps.csv (0: off)
  /// Write checkpoint.safetensors every N epochs (0: never), for `nnlab run --resume`.
  std::int64_t checkpoint_every = 0;
  SourceLocation checkpoint_where;
  /// epochs: 0 is allowed with a probe: the run then only probes the freshly built model.
};

/// `probe:` — activation statistics of chosen nodes: after building the model (and before any
/// training), one inference pass over the first `rows` training rows; histograms.csv gets each
/// node's histogram (the seed's E3), probe.csv its percentiles, mean, std, min, max and in-range
/// fraction. With `every: N` probe.csv also gets them every N updates (internal covariate shift).
struct ProbeSpec {
  std::vector<std::string> nodes;  ///< empty: every node
  SourceLocation nodes_where;
  std::int64_t bins = 30;
  std::optional<std::pair<double, double>> range;  ///< default: each node's own min..max
  /// Also probe every N updates while training (0: only before training). Each probe is one
  /// inference pass over the same rows and changes nothing training does.
  std::int64_t every = 0;
  std::int64_t rows = 10000;  ///< the first N training rows are the probe batch
  /// Record the fraction of values inside [low, high] (a sigmoid's near-linear zone).
  std::optional<std::pair<double, double>> range_fraction;
};

/// One operation of an augmentation policy: `{op: rotate, p: 0.7, magnitude: 3}`.
struct AugmentOpSpec {
  /// `kind` is the `op:` value (an augmentation's registry key), `where` its line; `params` are the
  /// entry's other keys (`max`, `fill`, ...), for the operation itself.
  ComponentSpec op;
  double probability = 1.0;  ///< `p`: the chance it is applied, in [0, 1]
  double magnitude = 0.0;    ///< 0..10, mapped onto the operation's range
};

/// How a training image's operations are chosen.
enum class AugmentKind {
  policy,          ///< AutoAugment's form: a sub-policy drawn uniformly, each op with its p
  randaugment,     ///< Cubuk et al. 2020: n ops drawn uniformly with replacement, all at m
  trivialaugment,  ///< Müller & Hutter 2021: one op drawn uniformly at a uniform magnitude
};

/// `augment:` — data augmentation of each training image of each minibatch (never at
/// evaluation).
struct AugmentSpec {
  AugmentKind kind = AugmentKind::policy;
  std::vector<std::vector<AugmentOpSpec>> policy;  ///< policy: the sub-policies
  std::int64_t n = 2;                              ///< randaugment: operations per image
  double m = 9.0;                                  ///< randaugment: their magnitude, 0..10
  /// randaugment, trivialaugment: the operations drawn from (`ops:`); empty: the default set
  /// (RandAugment's 14, Augmenter::default_ops).
  std::vector<ComponentSpec> ops;
  SourceLocation where;  ///< of the `augment:` mapping
};

/// Where a sweep's trials run.
enum class Isolation {
  thread,   ///< in the sweep's process, one TBB slot each: cheapest, but a crash ends the sweep
  process,  ///< in worker processes: a crash, a memory limit or a timeout fails only its trial
};

/// `execution.trial_memory`: the memory a trial may use in a worker process.
struct MemoryLimit {
  double bytes = 0;  ///< 0: no limit
  std::string text;  ///< as written ("2 GiB"), for the FAIL reason
};

struct ExecutionSpec {
  int threads_per_trial = 1;  ///< oneDNN (OpenMP) threads of a single run or of each sweep trial
  int parallel_trials = 0;    ///< sweeps only; 0 = auto (cores / threads_per_trial)
  Isolation isolation = Isolation::thread;  ///< sweeps only
  MemoryLimit trial_memory;                 ///< process isolation only
  double trial_timeout_s = 0;               ///< process isolation only; 0: none
};

/// A searched key path resolved against the experiment: which component's key it sets, so the
/// component's schema can check the searched values before any trial runs.
struct SearchTarget {
  std::size_t parameter = 0;          ///< index into SearchSpec::space.parameters
  std::string path;                   ///< e.g. "optimizer.momentum"
  std::string component;              ///< the mapping it sits in, e.g. "optimizer"
  std::string key;                    ///< the last key, e.g. "momentum"
  std::optional<ComponentSlot> slot;  ///< a searchable slot's; none for core settings
  std::string kind;      ///< the component's `kind` as written ("" when not a component)
  SourceLocation where;  ///< the search parameter's, for errors
};

/// One entry of `search.objectives:` (a multi-objective search).
struct SearchObjective {
  ObjectiveMeasure measure;
  bool maximize = true;
  SourceLocation where;  ///< of the entry, for errors
};

/// `search.keep_models`: which trials' trained models a sweep keeps (each trial's first repeat).
enum class KeepModels {
  best,  ///< best.safetensors beside best.yaml (multi-objective: pareto/trial_<k>.safetensors)
  all,   ///< models/trial_<k>.safetensors for every complete trial
  none,
};

/// `search.seeds`: which seed each trial trains with.
enum class TrialSeeds {
  per_trial,  ///< each trial its own (derived from the sweep's seed and the trial's number)
  /// Every trial the same seeds (common random numbers): the same initial weights, minibatch
  /// order and draws, so two configurations' difference is theirs, not their seeds'. For
  /// searches whose objective varies from seed to seed as much as between configurations.
  common,
};

/// The `search:` block of a sweep.
struct SearchSpec {
  ComponentSpec strategy;               ///< `kind` and the strategy's own keys
  std::optional<ComponentSpec> pruner;  ///< `pruner: {kind: asha, ...}`: early stopping
  std::int64_t trials = 0;              ///< the trial budget (0: as many as the strategy proposes)
  std::int64_t repeats = 1;             ///< seeds per configuration; the objective is their mean
  TrialSeeds seeds = TrialSeeds::per_trial;
  KeepModels keep_models = KeepModels::best;
  Metric metric;  ///< e.g. val_acc: its value at the last evaluation is the objective
  bool maximize = true;
  /// `objectives:` (two or more) instead of `objective:`: a multi-objective search, whose trials
  /// are ranked by Pareto dominance. `metric` and `maximize` are then the first evaluation
  /// metric's among them (best_epoch and the curves' plots follow it), or stay at their defaults.
  std::vector<SearchObjective> objectives;
  /// Multi-objective: the index in `objectives` of the one `metric` is (the first evaluation
  /// metric), which the views of a single objective (the report's per-trial figures, `nnlab
  /// importance`, `nnlab trials --sort objective`) show; none when every objective is a run
  /// measure.
  std::optional<std::size_t> metric_objective() const;
  SearchSpace space;
  std::vector<SearchTarget> targets;  ///< every path of every parameter
  /// A search over augment.policy slots: how many of the best trials' policies policy.yaml
  /// concatenates (`search.space.augment.policy.top`, default 5); 0 when no slot is searched.
  std::int64_t top_policies = 0;
  SourceLocation where;
};

/// Objective mode (the seed's E1): optimizers walking an analytic function instead of training a
/// network. `objective:` replaces `data:`, `model:` and `train:`.
struct PathsSpec {
  ComponentSpec objective;
  std::vector<double> start;  ///< the first point (default: the centre of the objective's box)
  SourceLocation start_where;
  std::int64_t steps = 30;
  std::vector<ComponentSpec> optimizers;  ///< `optimizers: [...]`, or the single `optimizer:`
};

struct ExperimentSpec {
  std::string name;
  std::string file;  ///< the YAML file it was read from
  /// `plugins:` — plugin files or folders the experiment needs, made absolute (relative entries
  /// are relative to the YAML file's folder, never to the current directory).
  std::vector<std::string> plugins;
  std::vector<SourceLocation> plugins_where;  ///< each entry's line
  std::uint64_t seed = 1;
  DataSpec data;
  ModelSpec model;
  std::vector<ComponentSpec> regularizers;
  ComponentSpec optimizer;
  TrainSpec train;
  ExecutionSpec execution;
  std::optional<SearchSpec> search;
  std::optional<PathsSpec> paths;  ///< set in objective mode; data, model and train are then unused
  std::optional<ProbeSpec> probe;
  std::optional<AugmentSpec> augment;
  std::string resolved_yaml;  ///< the experiment after overrides, runnable as is
};

/// `plugins:` entries are resolved against this folder: the experiment file's.
std::string experiment_dir(const std::string& file);

/// Reads and validates an experiment.
/// @param file      YAML file path
/// @param overrides "key.path=value" strings (from --set), applied in order before validation
/// Throws ConfigError with file, line and key path on any problem.
ExperimentSpec load_experiment(const std::string& file,
                               const std::vector<std::string>& overrides = {});

/// `yaml_text` without its `search:` block and `execution.parallel_trials`: a sweep's trial as a
/// runnable single experiment.
std::string without_search(const std::string& yaml_text);

/// AutoAugment's final policy (Cubuk et al. 2019, sec. 3: the best five policies' sub-policies
/// concatenated into one): `experiment_yaml` with its `augment.policy` replaced by the
/// sub-policies of every experiment of `policy_yamls`, in order, and `name` and `description`
/// set. Each text is a runnable experiment with an augmentation policy (a policy sweep's trial);
/// throws Error naming the position of one without.
std::string with_concatenated_policies(const std::string& experiment_yaml,
                                       const std::vector<std::string>& policy_yamls,
                                       const std::string& name, const std::string& description);

/// The differences between two experiments' YAML texts, one line each ("optimizer.lr: 0.01 ->
/// 0.02"), in key-path order; empty if they are the same experiment.
std::vector<std::string> experiment_differences(const std::string& before,
                                                const std::string& after);

/// Same, from YAML text; `file` is used in messages.
ExperimentSpec parse_experiment(const std::string& yaml_text, const std::string& file,
                                const std::vector<std::string>& overrides = {});

}  // namespace nnlab
