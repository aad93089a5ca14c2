#pragma once
/// The sweep figures users of Optuna and W&B open first: the optimization history with its
/// best-so-far line, slice plots, parameter importance as bars, every trial's intermediate values
/// and the empirical distribution of the objective (optuna.visualization's plots, in spirit).
/// PRUNED and FAIL trials are marked in each: pruned grey, failed as red crosses.
#include <string>
#include <utility>
#include <vector>

#include "experiment.hpp"
#include "importance/parameter_importance.hpp"
#include "results/curves_file.hpp"
#include "results/trials_file.hpp"
#include "svg_plot.hpp"

namespace nnlab {

/// What the sweep figures read: the search (space, objective and its direction), the rows of
/// trials.csv in file order, and curves.csv.
struct SweepData {
  const SearchSpec& search;
  const std::vector<TrialRecord>& trials;
  const Curves& curves;
};

/// The colour every sweep figure gives a state: COMPLETE blue, PRUNED grey, FAIL red.
std::string state_color(TrialState state);

/// How a parameter's values are placed on an axis: numbers (log-scaled for a log_uniform space),
/// or, for a categorical parameter whose values are not all numbers, category positions 0, 1, ...
struct ParameterAxis {
  bool log_axis = false;
  std::vector<std::string> categories{};  ///< non-empty: values are placed at their index
};
ParameterAxis parameter_axis(const SearchParameter& parameter);
/// A trial's value of the parameter on its axis; NaN when inactive (empty) or not a choice.
double axis_position(const ParameterAxis& axis, const std::string& value);

/// The best value so far after each of `values` (in trial order), by the objective's direction.
std::vector<double> best_so_far(const std::vector<double>& values, bool maximize);

/// The empirical distribution function of `values` as the corners of its steps: (v_k, k/n) for
/// the sorted values, after (v_1, 0); it ends at (max, 1). Empty for no values.
std::vector<std::pair<double, double>> empirical_distribution(std::vector<double> values);

/// The objective of every trial in trial order, complete ones with the best-so-far step line,
/// pruned ones grey (their last value), failed ones as red crosses along the bottom.
std::string optimization_history_figure(const SweepData& sweep);

/// The objective against each parameter, one panel per parameter (log x for a log space,
/// category positions for a categorical one), failed trials as crosses along the bottom.
std::string slice_figure(const SweepData& sweep);

/// Each parameter's importance as a horizontal bar, most important on top.
std::string importance_figure(const ImportanceResult& importance);

/// Every trial's curve of the objective metric per epoch; a pruned trial's ends in a grey dot
/// where it stopped, a failed trial's in a red cross.
std::string intermediate_values_figure(const SweepData& sweep);

/// The EDF of the complete trials' objectives (optuna.visualization.plot_edf).
std::string edf_figure(const SweepData& sweep);

/// All of the above, the contour of the two most important parameters and the timeline of
/// trials over slots, in reading order; `trials_path` names the trials in messages. Importance is
/// fANOVA with `nnlab importance`'s defaults, so the bars match its table.
std::string sweep_figures(const SweepData& sweep, const std::string& trials_path);

}  // namespace nnlab
