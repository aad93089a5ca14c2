#pragma once
/// Which searched parameter mattered: fANOVA or PED-ANOVA over a sweep's complete trials, with
/// the search space's parameters encoded as Optuna encodes them, and conditional parameters
/// judged on the trials where they are active. `nnlab importance` prints and saves the result.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nnlab/search_strategy.hpp"
#include "results/trials_file.hpp"

namespace nnlab {

enum class ImportanceMethod { fanova, ped_anova };

/// "fanova", "ped-anova": the --method spelling and importance.csv's method column.
std::string_view importance_method_name(ImportanceMethod method);
std::optional<ImportanceMethod> parse_importance_method(std::string_view text);

struct ImportanceOptions {
  ImportanceMethod method = ImportanceMethod::fanova;
  std::uint64_t seed = 0;  ///< fANOVA: seeds the forest (the same seed, the same importances)
  /// fANOVA: measure log-uniform parameters in log(value). Off by default, as Optuna: its fANOVA
  /// fits raw values (transform_log=False), so a decade at the top of a log range weighs 10x the
  /// one below it. PED-ANOVA always grids a log range in log space, as Optuna's does.
  bool log_space = false;
  double quantile = 0.1;  ///< PED-ANOVA: the top fraction of trials (Optuna: 0.1)
};

struct ParameterImportance {
  std::string parameter;
  double importance = 0;     ///< the parameter's share; the unconditional ones sum to 1
  std::int64_t trials = 0;   ///< complete trials it was computed on
  bool conditional = false;  ///< judged on its active trials only, beside the unconditional ones
};

struct ImportanceResult {
  std::vector<ParameterImportance> parameters;  ///< highest importance first
  std::vector<std::string> not_assessed;        ///< "name: why" for parameters left out
  std::int64_t complete_trials = 0;             ///< COMPLETE trials with a finite objective
};

/// The importance of each parameter of `space` from the COMPLETE trials with a finite objective
/// (PRUNED and FAIL trials are left out, as Optuna leaves them out). Parameters active in every
/// such trial are assessed together on all of them (Optuna's default: the intersection search
/// space); a conditional parameter is assessed with them on the trials where it is active (as
/// Optuna's get_param_importances(study, params=[...]) does), and its share is its share there.
/// A parameter that cannot vary (one choice, low == high) gets 0, as in Optuna.
/// @param where names the trials in messages (the trials.csv path)
/// Throws Error naming `where` for fewer than 2 usable trials or no parameter to assess.
ImportanceResult parameter_importances(const SearchSpace& space,
                                       const std::vector<TrialRecord>& trials, bool maximize,
                                       const ImportanceOptions& options, const std::string& where);

}  // namespace nnlab
