#pragma once
/// The SearchStrategy interface: ask/tell over a search space. Grid, random, Sobol', TPE, Bayesian
/// optimization, CMA-ES and NSGA-II implement it; early stopping is a Pruner's job
/// (nnlab/pruner.hpp). A multi-objective search (`search.objectives:`) tells each result's values
/// in TrialResult::objectives, their directions in SearchSetup::directions.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace nnlab {

/// One searched parameter. Values are YAML scalars as text, applied like `--set path=value`.
struct SearchParameter {
  enum class Kind { uniform, log_uniform, integer, categorical };
  std::string name;                ///< the column name: the parameter's key in `space:`
  std::vector<std::string> paths;  ///< key paths it sets (default: its name)
  Kind kind = Kind::uniform;
  double low = 0, high = 0;  ///< bounds in real units (inclusive for integer)
  double step = 0;           ///< quantization step (0: continuous); integers use 1 unless given
  int grid_points = 0;       ///< points a grid takes on a continuous range (0: not set)
  std::vector<std::string> choices;  ///< categorical values
  /// Active only when every condition holds: another parameter's name -> the values it may have.
  std::map<std::string, std::vector<std::string>> when;
};

struct SearchSpace {
  std::vector<SearchParameter> parameters;
};

/// name -> value text, for the parameters active in a trial.
using Assignment = std::map<std::string, std::string>;

enum class TrialState { complete, pruned, failed };

struct TrialResult {
  std::int64_t trial = 0;
  Assignment assignment;
  TrialState state = TrialState::complete;
  double objective = 0;  ///< meaningful for complete (and pruned: the last value seen)
  /// A multi-objective search's values, one per SearchSetup::directions entry (complete trials
  /// only; `objective` is then the first of them). Empty in a single-objective search.
  std::vector<double> objectives = {};
};

/// Which way an objective is better.
enum class Direction { minimize, maximize };

struct SearchSetup {
  std::uint64_t seed = 0;   ///< the sweep's seed
  std::int64_t trials = 0;  ///< the trial budget
  bool maximize = true;     ///< the objective's direction (the first objective's, when several)
  /// A multi-objective search: each objective's direction, two or more. Empty when the search has
  /// one objective (`maximize` says its direction).
  std::vector<Direction> directions = {};
};

class SearchStrategy {
 public:
  virtual ~SearchStrategy();
  /// Called once, before any ask().
  virtual void setup(const SearchSpace& space, const SearchSetup& setup) = 0;
  /// The assignment for trial number `trial` (asked in increasing order), or nullopt when the
  /// strategy has nothing left to propose (a finished grid).
  virtual std::optional<Assignment> ask(std::int64_t trial) = 0;
  /// A finished trial's result (in completion order).
  virtual void tell(const TrialResult& result) = 0;
  /// Whether ask() depends on the results told. If so, the sweep makes a sweep with P trials at
  /// once deterministic: ask(k) is called only after the results of trials 0..k-P are told (in
  /// trial order), and no others; a strategy that ignores results (grid, random) is never held up.
  virtual bool uses_results() const { return true; }
  /// How many trials the strategy proposes in all, when it knows before asking (a grid's size);
  /// progress lines show it as the total when the experiment sets no trial budget.
  virtual std::optional<std::int64_t> planned_trials() const { return std::nullopt; }
  /// Whether the strategy reads TrialResult::objectives. A strategy that uses results and says no
  /// optimizes one objective: the sweep refuses it for a multi-objective search (search.kind's
  /// line), rather than let it optimize the first objective alone.
  virtual bool multi_objective() const { return false; }
  // Early stopping is the Pruner's (nnlab/pruner.hpp), one hook for every strategy.
};

/// Whether `parameter` is active under `assignment` (its `when` conditions hold).
bool is_active(const SearchParameter& parameter, const Assignment& assignment);

}  // namespace nnlab
