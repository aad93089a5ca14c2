#include "sweep_plots.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "nnlab/error.hpp"
#include "objective_contour.hpp"
#include "results/csv.hpp"
#include "trial_timeline.hpp"

namespace nnlab {

namespace {

const char* const kBestColor = "#ff7f0e";

/// An objective that can be placed on an axis.
bool has_value(const TrialRecord& t) { return t.objective && std::isfinite(*t.objective); }

/// The dots of one state's trials (x from `x_of`, y their objective), for a legend too.
svg::Series state_points(TrialState state, const std::string& label) {
  svg::Series s;
  s.label = label;
  s.points = true;
  s.color = state_color(state);
  s.css_class = state == TrialState::complete ? "complete" : "pruned";
  return s;
}

/// Failed trials as red crosses along the bottom edge (they have no value to place).
svg::Series failed_rug() {
  svg::Series s;
  s.label = "FAIL (no value)";
  s.rug = true;
  s.marker = svg::Marker::cross;
  s.color = state_color(TrialState::failed);
  s.css_class = "fail";
  return s;
}

std::size_t count_state(const std::vector<TrialRecord>& trials, TrialState state) {
  return static_cast<std::size_t>(std::count_if(
      trials.begin(), trials.end(), [&](const TrialRecord& t) { return t.state == state; }));
}

}  // namespace

std::string state_color(TrialState state) {
  switch (state) {
    case TrialState::complete:
      return "#1f77b4";
    case TrialState::pruned:
      return "#9a9a9a";
    case TrialState::failed:
      return "#d62728";
  }
  return "#000";
}

ParameterAxis parameter_axis(const SearchParameter& parameter) {
  ParameterAxis axis;
  axis.log_axis = parameter.kind == SearchParameter::Kind::log_uniform;
  if (parameter.kind == SearchParameter::Kind::categorical) {
    // Categorical values that are all numbers plot as numbers.
    const bool numeric =
        std::all_of(parameter.choices.begin(), parameter.choices.end(),
                    [](const std::string& c) { return parse_number(c).has_value(); });
    if (!numeric) axis.categories = parameter.choices;
  }
  return axis;
}

double axis_position(const ParameterAxis& axis, const std::string& value) {
  if (value.empty()) return std::nan("");
  if (axis.categories.empty()) return parse_number(value).value_or(std::nan(""));
  const auto at = std::find(axis.categories.begin(), axis.categories.end(), value);
  return at == axis.categories.end() ? std::nan("")
                                     : static_cast<double>(at - axis.categories.begin());
}

std::vector<double> best_so_far(const std::vector<double>& values, bool maximize) {
  std::vector<double> best;
  for (double v : values) {
    if (best.empty()) {
      best.push_back(v);
    } else {
      best.push_back(maximize ? std::max(best.back(), v) : std::min(best.back(), v));
    }
  }
  return best;
}

std::vector<std::pair<double, double>> empirical_distribution(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  std::vector<std::pair<double, double>> corners;
  if (values.empty()) return corners;
  const double n = static_cast<double>(values.size());
  corners.push_back({values.front(), 0.0});
  for (std::size_t k = 0; k < values.size(); ++k) {
    // Ties share one step: the EDF at v counts every value <= v.
    if (k + 1 < values.size() && values[k + 1] == values[k]) continue;
    corners.push_back({values[k], static_cast<double>(k + 1) / n});
  }
  return corners;
}

std::string optimization_history_figure(const SweepData& sweep) {
  const std::string metric = sweep.search.metric.name();
  svg::Panel panel{.title = metric + " per trial", .x_label = "trial", .y_label = metric};
  svg::Series complete = state_points(TrialState::complete, "COMPLETE");
  svg::Series pruned = state_points(TrialState::pruned, "PRUNED (last value)");
  svg::Series failed = failed_rug();
  std::vector<double> values;  // the complete trials', in trial order
  double last_trial = 0;
  std::vector<const TrialRecord*> ordered;
  for (const auto& t : sweep.trials) ordered.push_back(&t);
  std::stable_sort(ordered.begin(), ordered.end(),
                   [](const TrialRecord* a, const TrialRecord* b) { return a->trial < b->trial; });
  for (const TrialRecord* t : ordered) {
    const double x = static_cast<double>(t->trial);
    last_trial = std::max(last_trial, x);
    if (t->state == TrialState::failed) {
      failed.x.push_back(x);
    } else if (has_value(*t)) {
      svg::Series& dots = t->state == TrialState::complete ? complete : pruned;
      dots.x.push_back(x);
      dots.y.push_back(*t->objective);
      if (t->state == TrialState::complete) values.push_back(*t->objective);
    }
  }
  // Best so far over the complete trials only, as Optuna: a pruned trial's last value was never
  // a finished result.
  svg::Series best;
  best.label = std::string("best so far (") + (sweep.search.maximize ? "max" : "min") + ")";
  best.step = true;
  best.color = kBestColor;
  best.css_class = "best-so-far";
  best.x = complete.x;
  best.y = best_so_far(values, sweep.search.maximize);
  if (!best.x.empty() && last_trial > best.x.back()) {  // the line reaches the last trial
    best.x.push_back(last_trial);
    best.y.push_back(best.y.back());
  }
  panel.series = {complete, best};
  if (!pruned.x.empty()) panel.series.push_back(pruned);
  if (!failed.x.empty()) panel.series.push_back(failed);
  return svg::figure(svg::chart(panel, 760, 340),
                     "Optimization history: the objective of every trial in trial order, and the "
                     "best complete trial so far as a step line (" +
                         std::string(sweep.search.maximize ? "higher" : "lower") +
                         " is better). Pruned trials are grey at their last value, failed trials "
                         "red crosses along the bottom.");
}

std::string slice_figure(const SweepData& sweep) {
  const auto& params = sweep.search.space.parameters;
  const std::string metric = sweep.search.metric.name();
  std::vector<svg::Panel> panels;
  for (std::size_t i = 0; i < params.size(); ++i) {
    const ParameterAxis axis = parameter_axis(params[i]);
    svg::Panel panel{.title = params[i].name, .x_label = params[i].name, .y_label = metric};
    panel.log_x = axis.log_axis;
    panel.x_categories = axis.categories;
    svg::Series complete = state_points(TrialState::complete, "COMPLETE");
    svg::Series pruned = state_points(TrialState::pruned, "PRUNED (last value)");
    svg::Series failed = failed_rug();
    for (const auto& t : sweep.trials) {
      const double x = axis_position(axis, t.values[i]);
      if (!std::isfinite(x)) continue;  // inactive in this trial
      if (t.state == TrialState::failed) {
        failed.x.push_back(x);
      } else if (has_value(t)) {
        svg::Series& dots = t.state == TrialState::complete ? complete : pruned;
        dots.x.push_back(x);
        dots.y.push_back(*t.objective);
      }
    }
    // Every panel lists the same entries, so the shared legend (the first panel's) fits all.
    panel.series = {complete, pruned, failed};
    panels.push_back(panel);
  }
  if (panels.empty()) return "";
  const int columns = static_cast<int>(std::min<std::size_t>(panels.size(), 3));
  return svg::figure(svg::small_multiples(panels, columns, 300, 230),
                     "Slice plots: the objective against each parameter, one dot per trial (log "
                     "x where the space is log-uniform; categories at their positions). Pruned "
                     "trials grey, failed trials red crosses along the bottom.");
}

std::string importance_figure(const ImportanceResult& importance) {
  svg::Panel panel{.title = "parameter importance (fANOVA)",
                   .x_label = "share of the objective's variance",
                   .x_range = std::pair{0.0, 1.0}};
  std::size_t widest = 0;
  const std::size_t n = importance.parameters.size();
  // Most important on top: the last lane is the top one.
  for (std::size_t k = 0; k < n; ++k) {
    const ParameterImportance& p = importance.parameters[n - 1 - k];
    char value[48];
    std::snprintf(value, sizeof value, " %.3f%s", p.importance, p.conditional ? " *" : "");
    panel.y_categories.push_back(p.parameter + value);
    widest = std::max(widest, panel.y_categories.back().size());
    panel.spans.push_back({.lane = static_cast<double>(k),
                           .from = 0,
                           .to = p.importance,
                           .color = svg::palette(0),
                           .css_class = "importance",
                           .tooltip = p.parameter + ": " + (value + 1) + " over " +
                                      std::to_string(p.trials) + " trials"});
  }
  panel.label_width = std::max(0.0, 5.4 * static_cast<double>(widest) - 40);
  std::string caption =
      "Parameter importance: each parameter's share of the objective's variance by fANOVA (a "
      "64-tree random forest, seed 0, as `nnlab importance` computes it) over " +
      std::to_string(importance.complete_trials) + " complete trials.";
  if (std::any_of(importance.parameters.begin(), importance.parameters.end(),
                  [](const ParameterImportance& p) { return p.conditional; })) {
    caption += " * conditional: judged on the trials where it is active.";
  }
  for (const auto& why : importance.not_assessed) caption += " Not assessed: " + why + ".";
  return svg::figure(svg::chart(panel, 760, 90 + 28.0 * static_cast<double>(n), false), caption);
}

std::string intermediate_values_figure(const SweepData& sweep) {
  const Metric& metric = sweep.search.metric;
  svg::Panel panel{
      .title = metric.name() + " per epoch", .x_label = "epoch", .y_label = metric.name()};
  double low = HUGE_VAL, high = -HUGE_VAL;
  std::vector<svg::Series> complete, others;
  for (const auto& t : sweep.trials) {
    const auto curve = sweep.curves.find(t.trial);
    if (curve == sweep.curves.end()) continue;
    const auto m = curve->second.find(metric);
    if (m == curve->second.end() || m->second.empty()) continue;
    svg::Series s;
    s.label = "trial " + std::to_string(t.trial);
    s.in_legend = false;
    s.color = state_color(t.state);
    for (const auto& [epoch, value] : m->second) {
      s.x.push_back(epoch);
      s.y.push_back(value);
      // The scale follows the trials that did not blow up; a failed curve is clipped to it.
      if (t.state != TrialState::failed && std::isfinite(value)) {
        low = std::min(low, value);
        high = std::max(high, value);
      }
    }
    if (t.state == TrialState::complete) {
      s.opacity = 0.55;
      s.css_class = "complete";
      complete.push_back(s);
    } else {
      s.end_marker = true;
      s.marker = t.state == TrialState::failed ? svg::Marker::cross : svg::Marker::dot;
      s.css_class = t.state == TrialState::failed ? "fail" : "pruned";
      others.push_back(s);
    }
  }
  if (complete.empty() && others.empty()) return "";
  // Pruned and failed curves on top, so their end markers stay visible.
  panel.series = complete;
  panel.series.insert(panel.series.end(), others.begin(), others.end());
  for (TrialState state : {TrialState::complete, TrialState::pruned, TrialState::failed}) {
    const std::size_t n = count_state(sweep.trials, state);
    if (n == 0) continue;
    svg::Series entry;
    entry.label = std::string(trial_state_name(state)) + " (" + std::to_string(n) + ")";
    entry.color = state_color(state);
    entry.end_marker = state != TrialState::complete;
    entry.marker = state == TrialState::failed ? svg::Marker::cross : svg::Marker::dot;
    panel.series.push_back(entry);
  }
  if (metric.measure == Measure::accuracy) {
    panel.y_range = std::pair{0.0, 1.0};
  } else if (high > low) {
    panel.y_range = std::pair{low, high};
  }
  return svg::figure(svg::chart(panel, 760, 380),
                     "Intermediate values: every trial's " + metric.name() +
                         " per epoch. A pruned trial's curve ends in a grey dot where the pruner "
                         "stopped it; a failed trial's in a red cross at its last finite value "
                         "(clipped to the others' scale).");
}

std::string edf_figure(const SweepData& sweep) {
  std::vector<double> values;
  svg::Series pruned;
  pruned.label = "PRUNED (last value, not counted)";
  pruned.rug = true;
  pruned.color = state_color(TrialState::pruned);
  pruned.css_class = "pruned";
  for (const auto& t : sweep.trials) {
    if (!has_value(t)) continue;
    if (t.state == TrialState::complete) values.push_back(*t.objective);
    if (t.state == TrialState::pruned) pruned.x.push_back(*t.objective);
  }
  if (values.empty()) {
    return "<p class=\"skipped\">Empirical distribution: skipped, no complete trial.</p>\n";
  }
  svg::Panel panel{.title = "empirical distribution of " + sweep.search.metric.name(),
                   .x_label = sweep.search.metric.name(),
                   .y_label = "fraction of complete trials <= x",
                   .y_range = std::pair{0.0, 1.0}};
  svg::Series edf;
  edf.label = "COMPLETE (" + std::to_string(values.size()) + ")";
  edf.step = true;
  edf.color = state_color(TrialState::complete);
  edf.css_class = "edf";
  for (const auto& [x, y] : empirical_distribution(values)) {
    edf.x.push_back(x);
    edf.y.push_back(y);
  }
  panel.series.push_back(edf);
  if (!pruned.x.empty()) panel.series.push_back(pruned);
  const std::size_t failed = count_state(sweep.trials, TrialState::failed);
  if (failed > 0) {
    svg::Series entry = failed_rug();  // listed only: a failed trial has no value to place
    entry.label = "FAIL (" + std::to_string(failed) + ", no value, not counted)";
    panel.series.push_back(entry);
  }
  return svg::figure(svg::chart(panel, 640, 340),
                     "Empirical distribution function of the objective over the complete trials "
                     "(as Optuna's plot_edf): the fraction of trials at or below each value; it "
                     "ends at 1. Pruned trials' last values are grey marks along the bottom.");
}

std::string sweep_figures(const SweepData& sweep, const std::string& trials_path) {
  std::string html = optimization_history_figure(sweep);
  std::optional<ImportanceResult> importance;
  try {
    importance = parameter_importances(sweep.search.space, sweep.trials, sweep.search.maximize,
                                       ImportanceOptions{}, trials_path);
    html += importance_figure(*importance);
  } catch (const Error& e) {
    html +=
        "<p class=\"skipped\">Parameter importance: skipped: " + svg::escape(e.what()) + "</p>\n";
  }
  html += slice_figure(sweep);
  html += objective_contour_figure(sweep, importance ? &*importance : nullptr);
  html += edf_figure(sweep);
  html += intermediate_values_figure(sweep);
  html += trial_timeline_figure(sweep);
  return html;
}

}  // namespace nnlab
