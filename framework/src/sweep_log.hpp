#pragma once
/// A sweep's results folder: trials.csv (a row per finished trial), curves.csv and steps.csv (long
/// form), best.yaml (the best trial as a runnable experiment) and sweep.yaml (the sweep as run). A
/// multi-objective sweep has pareto/ instead of best.yaml: trial_<k>.yaml for each trial on the
/// Pareto front, kept in step with trials.csv's pareto flags as trials finish. search.keep_models
/// adds trained models (each trial's first repeat): best.safetensors beside best.yaml (best, the
/// default; pareto/trial_<k>.safetensors beside each Pareto trial's YAML), or
/// models/trial_<k>.safetensors for every complete trial (all).
/// A search over augmentation-policy slots (SearchSpec::top_policies) also writes policy.yaml:
/// the sub-policies of its best `top_policies` trials concatenated, as a runnable experiment,
/// kept in step with the trials as they finish (single-objective sweeps).
/// It checks a folder before a sweep writes to it, reads an earlier sweep back for --resume, and
/// keeps the counts the progress line shows. Only the coordinator writes these files; callers
/// serialize calls (the sweep holds one lock around record()).
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "experiment.hpp"
#include "progress.hpp"
#include "results/curves_file.hpp"
#include "results/folder_lock.hpp"
#include "results/probe_files.hpp"
#include "results/steps_file.hpp"
#include "results/trials_file.hpp"
#include "trial_runner.hpp"

namespace nnlab {

/// What happens to a results folder that already holds a sweep.
enum class EarlierSweep {
  refuse,     ///< an error: say --resume or --overwrite
  resume,     ///< keep its finished trials (the experiment must be the same)
  overwrite,  ///< delete its files and start over
};

class SweepLog {
 public:
  /// Checks `out_dir` and reads an earlier sweep's trials (resume), but writes nothing yet. An
  /// existing folder is locked first: a folder another nnlab is writing to is an Error.
  /// Throws Error when the folder holds a sweep and `earlier` is refuse, or when resuming a sweep
  /// whose experiment differs (the differing key paths named).
  /// @param retry_failed with resume: the earlier failed trials are run again, not kept
  SweepLog(const ExperimentSpec& spec, std::string out_dir, EarlierSweep earlier,
           bool retry_failed);
  ~SweepLog();

  const std::string& out_dir() const { return out_dir_; }
  /// The searched parameters' names: trials.csv's parameter columns.
  const std::vector<std::string>& parameters() const { return parameters_; }

  /// The earlier sweep's finished trials to keep, by trial number (empty unless resuming).
  const std::map<std::int64_t, TrialRecord>& earlier() const { return earlier_; }
  /// On resume: the recorded result of trial `k` if it is kept, checked against the assignment
  /// the strategy proposes for it now (a different one is an Error: the search changed). A trial
  /// answered here is kept by open(); the other earlier rows go.
  std::optional<TrialResult> recorded(std::int64_t k, const Assignment& proposed,
                                      bool learns_from_results);

  /// Creates the folder and the files: sweep.yaml; on resume, trims curves and steps to the kept
  /// trials, rewrites trials.csv without the failures to retry, and counts the kept trials.
  /// `best_yaml(k)` gives trial k's runnable YAML, to rewrite best.yaml from the kept best trial
  /// (or pareto/ from the kept Pareto-optimal ones).
  void open(const std::function<std::string(std::int64_t)>& best_yaml);

  /// A finished trial: its curves first, then its row (a trial with a row always has its curve),
  /// then best.yaml if it is the new best (multi-objective: the pareto flags and pareto/).
  void record(const TrialOutcome& outcome, const Assignment& assignment, std::uint64_t seed,
              int threads);

  const SweepCounts& counts() const { return counts_; }
  /// The mean duration of the trials finished in this session (not reused ones), if any.
  std::optional<double> mean_trial_seconds() const;

 private:
  void count(const TrialRecord& record);
  bool multi_objective() const { return !objectives_.empty(); }
  /// Multi-objective: flags rows_ anew; rewrites trials.csv (to a temporary, renamed) when an
  /// earlier row's flag changed, else appends `added` (when given); then brings pareto/ in step,
  /// `yaml(k)` giving a new Pareto trial's file.
  /// `model`: the added trial's model bytes, written beside its file when it joins the front.
  void update_pareto(const TrialRecord* added, const std::function<std::string(std::int64_t)>& yaml,
                     const std::string* model);
  /// Whether the model file at `path` was trained from the experiment `yaml`.
  static bool model_of(const std::string& path, const std::string& yaml);
  void rewrite_trials(const std::vector<TrialRecord>& rows);
  /// Ranks a complete trial among the best policies; true if it joined them.
  bool rank_policy(const TrialRecord& record, const std::function<std::string()>& yaml);
  void write_policy() const;

  const ExperimentSpec& spec_;
  const SearchSpec& search_;
  std::string out_dir_;
  std::string trials_path_, curves_path_, steps_path_, probe_path_, best_path_, sweep_path_,
      pareto_dir_, best_model_path_, models_dir_, policy_path_;
  /// A policy search's best trials, best first (ties: the earlier trial): objective, trial, YAML.
  struct RankedPolicy {
    double objective = 0;
    std::int64_t trial = 0;
    std::string yaml;
  };
  std::vector<RankedPolicy> top_policies_;
  std::vector<std::string> parameters_;
  std::vector<std::string> objectives_;  ///< multi-objective: the objectives' names
  std::vector<Direction> directions_;
  std::vector<TrialRecord> rows_;        ///< multi-objective: every row of trials.csv, in order
  std::set<std::int64_t> pareto_files_;  ///< the trials pareto/ holds a file of
  bool resume_ = false;
  std::vector<TrialRecord> finished_;            ///< every row read back (resume)
  std::map<std::int64_t, TrialRecord> earlier_;  ///< the rows that may be kept
  std::set<std::int64_t> kept_;                  ///< the rows recorded() handed back
  std::unique_ptr<FolderLock> lock_;  ///< held from the first look at the folder to the end
  std::unique_ptr<TrialsWriter> trials_;
  std::unique_ptr<CurvesWriter> curves_;
  std::unique_ptr<StepsWriter> steps_;
  std::unique_ptr<ProbeWriter> probes_;
  SweepCounts counts_;
  double session_seconds_ = 0;
  std::int64_t session_trials_ = 0;
};

/// The TrialResult a strategy hears for a recorded trial.
TrialResult result_of(const TrialRecord& record, const Assignment& assignment);

}  // namespace nnlab
