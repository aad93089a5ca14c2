#pragma once
/// trials.csv: one row per finished trial, appended and flushed as each trial ends, so an
/// interrupted sweep (Ctrl-C or kill -9) keeps every finished trial and --resume can read them
/// back. This module owns the file: its columns, its row type, its writer and its reader.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "nnlab/search_strategy.hpp"
#include "results/csv.hpp"

namespace nnlab {

/// COMPLETE, PRUNED, FAIL: the state column's text (Optuna's names).
std::string_view trial_state_name(TrialState state);
std::optional<TrialState> parse_trial_state(std::string_view text);

/// One row of trials.csv.
struct TrialRecord {
  std::int64_t trial = 0;
  TrialState state = TrialState::complete;
  std::string fail_reason;  ///< for a failed trial: "nan", or "exception: <message>"
  std::uint64_t seed = 0;
  std::vector<std::string> values;  ///< one per searched parameter; empty when inactive
  std::optional<double> objective;  ///< multi-objective: not a column (see use_objective)
  /// A multi-objective sweep's values, one per objective (empty when the trial has none).
  std::vector<double> objectives;
  /// Multi-objective: a complete trial no other complete trial dominates (so far).
  bool pareto = false;
  std::int64_t best_epoch = -1;
  std::int64_t last_epoch = -1;  ///< the last evaluation's epoch: where a trial stopped
  std::int64_t updates = 0;      ///< optimizer steps taken, over all repeats (the budget spent)
  double duration_s = 0;
  std::string started_at, finished_at;  ///< ISO 8601, UTC
  int threads = 1;
  std::string config_hash;
};

/// The columns: trial,state,fail_reason,seed,<parameters>,objective,best_epoch,last_epoch,...
/// A multi-objective sweep (`objectives`: its objectives' names, two or more) has instead of
/// `objective` a column `objective_<name>` per objective and then `pareto` (true or false).
std::vector<std::string> trials_columns(const std::vector<std::string>& parameters,
                                        const std::vector<std::string>& objectives = {});

class TrialsWriter {
 public:
  /// Opens `path` to append (writing the header when the file is new or empty).
  TrialsWriter(const std::string& path, const std::vector<std::string>& parameters,
               const std::vector<std::string>& objectives = {});
  /// Appends one row and flushes it.
  void append(const TrialRecord& record);

 private:
  CsvWriter csv_;
  std::size_t objectives_ = 0;
};

/// The complete rows of a trials.csv. With `repair` (resuming), a last line cut short by a kill
/// is also cut from the file; without (reading a live sweep), the file is untouched. Throws Error
/// when the header is not the one `parameters` gives, or a row is bad (file:line and column).
std::vector<TrialRecord> read_trials(const std::string& path,
                                     const std::vector<std::string>& parameters, bool repair = true,
                                     const std::vector<std::string>& objectives = {});

/// A multi-objective sweep's rows as a single objective's views read them: `objective` set to
/// objectives[index] (SearchSpec::metric_objective), or unset when `index` is none.
void use_objective(std::vector<TrialRecord>& records, std::optional<std::size_t> index);

/// Sets each record's `pareto` flag: complete trials with objectives that no other such trial
/// dominates under `directions`. Returns whether any flag changed.
bool mark_pareto(std::vector<TrialRecord>& records, std::span<const Direction> directions);

/// Now as ISO 8601 UTC with milliseconds, e.g. 2026-11-26T04:10:00.123Z.
std::string utc_now();

}  // namespace nnlab
