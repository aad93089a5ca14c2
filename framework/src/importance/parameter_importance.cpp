#include "importance/parameter_importance.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <utility>

#include "importance/fanova.hpp"
#include "importance/ped_anova.hpp"
#include "nnlab/error.hpp"

namespace nnlab {
namespace {

using Kind = SearchParameter::Kind;

bool can_vary(const SearchParameter& p) {
  return p.kind == Kind::categorical ? p.choices.size() > 1 : p.high > p.low;
}

double parse_value(const std::string& text, const SearchParameter& p, const TrialRecord& trial,
                   const std::string& where) {
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) {
    throw Error(where + ": trial " + std::to_string(trial.trial) + ": parameter '" + p.name +
                "': expected a number, got '" + text + "'");
  }
  if (p.kind == Kind::log_uniform && !(value > 0)) {
    throw Error(where + ": trial " + std::to_string(trial.trial) + ": parameter '" + p.name +
                "' is log-uniform but has the value " + text);
  }
  return value;
}

std::size_t choice_index(const std::string& text, const SearchParameter& p,
                         const TrialRecord& trial, const std::string& where) {
  const auto found = std::find(p.choices.begin(), p.choices.end(), text);
  if (found == p.choices.end()) {
    throw Error(where + ": trial " + std::to_string(trial.trial) + ": parameter '" + p.name +
                "' has the value '" + text + "', not one of its choices");
  }
  return static_cast<std::size_t>(found - p.choices.begin());
}

/// The shares of the parameters `group` (indices into the space) on `trials`.
std::vector<double> assess(const SearchSpace& space, const std::vector<std::size_t>& group,
                           const std::vector<const TrialRecord*>& trials, bool maximize,
                           const ImportanceOptions& options, const std::string& where) {
  const auto n = static_cast<Eigen::Index>(trials.size());
  if (options.method == ImportanceMethod::ped_anova) {
    std::vector<PedAnovaParameter> parameters;
    for (const std::size_t i : group) {
      const SearchParameter& p = space.parameters[i];
      PedAnovaParameter q;
      q.categorical = p.kind == Kind::categorical;
      q.choices = static_cast<int>(p.choices.size());
      q.low = p.low;
      q.high = p.high;
      q.log = p.kind == Kind::log_uniform;
      q.step = p.kind == Kind::integer && p.step == 0 ? 1 : p.step;
      for (const TrialRecord* t : trials) {
        q.values.push_back(q.categorical
                               ? static_cast<double>(choice_index(t->values[i], p, *t, where))
                               : parse_value(t->values[i], p, *t, where));
      }
      parameters.push_back(std::move(q));
    }
    std::vector<double> objectives;
    for (const TrialRecord* t : trials) objectives.push_back(*t->objective);
    PedAnovaOptions ped;
    ped.quantile = options.quantile;
    return ped_anova_importances(parameters, objectives, maximize, ped);
  }

  // Optuna's encoding for fANOVA: a numeric parameter is one column in its own units over
  // [low, high] (no log, no step widening: transform_log=False, transform_step=False); a
  // categorical one is one-hot, a column per choice over [0, 1], and its columns are judged
  // together.
  std::vector<std::pair<double, double>> bounds;
  std::vector<std::vector<int>> groups;
  for (const std::size_t i : group) {
    const SearchParameter& p = space.parameters[i];
    std::vector<int> columns;
    const std::size_t width = p.kind == Kind::categorical ? p.choices.size() : 1;
    for (std::size_t k = 0; k < width; ++k) {
      columns.push_back(static_cast<int>(bounds.size()));
      bounds.push_back(p.kind == Kind::categorical ? std::pair{0.0, 1.0}
                                                   : std::pair{p.low, p.high});
    }
    groups.push_back(std::move(columns));
  }
  Eigen::MatrixXd x = Eigen::MatrixXd::Zero(n, static_cast<Eigen::Index>(bounds.size()));
  Eigen::VectorXd y(n);
  for (Eigen::Index r = 0; r < n; ++r) {
    const TrialRecord& t = *trials[static_cast<std::size_t>(r)];
    y[r] = *t.objective;
    for (std::size_t g = 0; g < group.size(); ++g) {
      const SearchParameter& p = space.parameters[group[g]];
      const std::string& text = t.values[group[g]];
      if (p.kind == Kind::categorical) {
        x(r, groups[g][choice_index(text, p, t, where)]) = 1;
      } else {
        x(r, groups[g][0]) = parse_value(text, p, t, where);
      }
    }
  }
  for (std::size_t g = 0; g < group.size(); ++g) {
    const SearchParameter& p = space.parameters[group[g]];
    if (p.kind == Kind::categorical) continue;
    const int c = groups[g][0];
    auto& [low, high] = bounds[static_cast<std::size_t>(c)];
    // A trial run before the space was narrowed lies outside it: the box must hold every trial.
    low = std::min(low, x.col(c).minCoeff());
    high = std::max(high, x.col(c).maxCoeff());
    if (options.log_space && p.kind == Kind::log_uniform) {
      x.col(c) = x.col(c).array().log().matrix();
      low = std::log(low);
      high = std::log(high);
    }
  }
  FanovaOptions fanova;
  fanova.seed = options.seed;
  try {
    return fanova_importances(x, y, bounds, groups, fanova);
  } catch (const Error& e) {
    throw Error(where + ": " + e.what());
  }
}

}  // namespace

std::string_view importance_method_name(ImportanceMethod method) {
  return method == ImportanceMethod::fanova ? "fanova" : "ped-anova";
}

std::optional<ImportanceMethod> parse_importance_method(std::string_view text) {
  if (text == "fanova") return ImportanceMethod::fanova;
  if (text == "ped-anova" || text == "pedanova" || text == "ped_anova") {
    return ImportanceMethod::ped_anova;
  }
  return std::nullopt;
}

ImportanceResult parameter_importances(const SearchSpace& space,
                                       const std::vector<TrialRecord>& trials, bool maximize,
                                       const ImportanceOptions& options, const std::string& where) {
  if (space.parameters.empty()) throw Error(where + ": the search space has no parameters");
  std::vector<const TrialRecord*> usable;
  for (const auto& t : trials) {
    if (t.state == TrialState::complete && t.objective && std::isfinite(*t.objective) &&
        t.values.size() == space.parameters.size()) {
      usable.push_back(&t);
    }
  }
  // In trial order, not the order trials finished in: the forest's bootstrap samples draw by
  // row, so a parallel sweep's timing would otherwise move the importances a little.
  std::stable_sort(usable.begin(), usable.end(),
                   [](const TrialRecord* a, const TrialRecord* b) { return a->trial < b->trial; });
  ImportanceResult result;
  result.complete_trials = static_cast<std::int64_t>(usable.size());
  if (usable.size() < 2) {
    throw Error(where + ": " + std::to_string(usable.size()) +
                " complete trial(s) with a finite objective; parameter importance needs at "
                "least 2");
  }

  std::vector<std::size_t> always;       // active in every usable trial
  std::vector<std::size_t> conditional;  // active in some
  for (std::size_t i = 0; i < space.parameters.size(); ++i) {
    const SearchParameter& p = space.parameters[i];
    const auto active = std::count_if(usable.begin(), usable.end(),
                                      [&](const TrialRecord* t) { return !t->values[i].empty(); });
    if (active == 0) {
      result.not_assessed.push_back(p.name + ": active in no complete trial");
    } else if (!can_vary(p)) {
      // Optuna gives a parameter with a single possible value 0: it cannot explain anything.
      result.parameters.push_back({p.name, 0.0, static_cast<std::int64_t>(active),
                                   active < static_cast<std::ptrdiff_t>(usable.size())});
    } else if (active == static_cast<std::ptrdiff_t>(usable.size())) {
      always.push_back(i);
    } else {
      conditional.push_back(i);
    }
  }
  if (always.empty() && conditional.empty()) {
    throw Error(where + ": no searched parameter varies over the complete trials");
  }
  if (!always.empty()) {
    const auto shares = assess(space, always, usable, maximize, options, where);
    for (std::size_t k = 0; k < always.size(); ++k) {
      result.parameters.push_back({space.parameters[always[k]].name, shares[k],
                                   static_cast<std::int64_t>(usable.size()), false});
    }
  }
  for (const std::size_t c : conditional) {
    std::vector<const TrialRecord*> active;
    for (const TrialRecord* t : usable) {
      if (!t->values[c].empty()) active.push_back(t);
    }
    const std::string& name = space.parameters[c].name;
    if (active.size() < 2) {
      result.not_assessed.push_back(name + ": active in only " + std::to_string(active.size()) +
                                    " complete trial");
      continue;
    }
    // A bad value is a bad file, reported as such; only a judgement that cannot be made is
    // noted below and passed over.
    for (const TrialRecord* t : active) {
      const SearchParameter& p = space.parameters[c];
      if (p.kind == Kind::categorical) {
        choice_index(t->values[c], p, *t, where);
      } else {
        parse_value(t->values[c], p, *t, where);
      }
    }
    std::vector<std::size_t> group = always;
    group.push_back(c);
    try {
      const auto shares = assess(space, group, active, maximize, options, where);
      result.parameters.push_back(
          {name, shares.back(), static_cast<std::int64_t>(active.size()), true});
    } catch (const Error& e) {
      // One conditional parameter that cannot be judged (its trials all scored alike) does not
      // hide the others.
      result.not_assessed.push_back(name + ": " + e.what());
    }
  }
  std::stable_sort(result.parameters.begin(), result.parameters.end(),
                   [](const ParameterImportance& a, const ParameterImportance& b) {
                     return a.importance > b.importance;
                   });
  return result;
}

}  // namespace nnlab
