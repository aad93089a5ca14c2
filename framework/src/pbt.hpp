#pragma once
/// Population-based training's rules (Jaderberg et al. 2017, "Population Based Training of Neural
/// Networks"), as Ray Tune's PopulationBasedTraining applies them: at each interval boundary the
/// bottom quantile of the population (by the sweep's objective there) takes the model and every
/// piece of training state of a member of the top quantile (exploit), then explores that member's
/// hyperparameters: each one is resampled from the search space with resample_probability, else
/// a continuous one is multiplied by one of perturbation_factors (clipped to its bounds) and an
/// integer or categorical one moves to a neighbouring value. Pure functions of their inputs and an
/// engine: the sweep (pbt_sweep.hpp) draws the engine from the sweep's seed and the boundary.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "experiment.hpp"
#include "nnlab/random.hpp"
#include "nnlab/search_strategy.hpp"

namespace nnlab {

/// `search: {kind: pbt, ...}`'s own keys.
struct PbtSettings {
  std::int64_t population = 0;             ///< members trained side by side (at least 2)
  std::int64_t perturbation_interval = 0;  ///< epochs between two boundaries (at least 1)
  double quantile_fraction = 0.25;     ///< share of the population exploited / copied, in (0, 0.5]
  double resample_probability = 0.25;  ///< per hyperparameter, in [0, 1]
  std::vector<double> perturbation_factors = {1.2, 0.8};  ///< positive
};

/// Whether the search is population-based training (`search.kind: pbt`).
bool is_pbt(const SearchSpec& search);

/// Reads and checks search.kind: pbt's keys, and the parts of the search pbt gives another
/// meaning (trials, repeats, pruner, objectives, conditions). Throws ConfigError at the key's line.
PbtSettings pbt_settings(const SearchSpec& search);

/// The members ranked at one boundary: `bottom` (worst first) takes the models of `top`. Members
/// without an objective (failed) are in neither. With n ranked members, each quantile holds
/// ceil(n * fraction) of them, at most floor(n / 2) (Ray's rule); ties rank the lower member
/// number as the worse.
struct PbtQuantiles {
  std::vector<std::size_t> bottom, top;
};
PbtQuantiles pbt_quantiles(const std::vector<std::optional<double>>& objectives, bool maximize,
                           double fraction);

/// A value of `parameter` drawn from its distribution (a member's start, a resample).
std::string pbt_sample(const SearchParameter& parameter, Rng& rng);

/// `current` explored: per parameter, in the space's order, a resample with resample_probability,
/// else a perturbation (continuous: times a factor drawn from perturbation_factors, clipped to the
/// bounds and put on the step's grid; integer: one step up or down, clipped; categorical: the
/// neighbouring choice up or down, clipped, or a draw when the value is not a choice).
Assignment pbt_explore(const SearchSpace& space, const Assignment& current,
                       const PbtSettings& settings, Rng& rng);

/// One boundary's decisions: per member, the member whose model it continues from (itself when
/// it keeps its own) and the hyperparameters of its next interval.
struct PbtDecision {
  std::vector<std::size_t> source;
  std::vector<Assignment> next;
};
/// Exploit and explore for every member of the bottom quantile (in its order): a member of the top
/// quantile drawn uniformly, whose hyperparameters it explores. The others keep their model and
/// hyperparameters.
PbtDecision pbt_exploit_explore(const SearchSpace& space, const PbtSettings& settings,
                                const std::vector<std::optional<double>>& objectives,
                                const std::vector<Assignment>& current, bool maximize, Rng& rng);

}  // namespace nnlab
