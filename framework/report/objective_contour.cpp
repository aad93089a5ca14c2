#include "objective_contour.hpp"

#include <algorithm>
#include <cmath>

namespace nnlab {

std::vector<double> inverse_distance_grid(const std::vector<std::array<double, 3>>& samples,
                                          const std::vector<double>& us,
                                          const std::vector<double>& vs) {
  std::vector<double> z(us.size() * vs.size(), std::nan(""));
  for (std::size_t j = 0; j < vs.size(); ++j) {
    for (std::size_t i = 0; i < us.size(); ++i) {
      double weighted = 0, weights = 0;
      bool exact = false;
      for (const auto& s : samples) {
        const double du = us[i] - s[0], dv = vs[j] - s[1], d2 = du * du + dv * dv;
        if (d2 < 1e-24) {  // on a sample: its value, not a 1/0 weight
          z[j * us.size() + i] = s[2];
          exact = true;
          break;
        }
        weighted += s[2] / d2;
        weights += 1 / d2;
      }
      if (!exact && weights > 0) z[j * us.size() + i] = weighted / weights;
    }
  }
  return z;
}

std::string objective_contour_figure(const SweepData& sweep, const ImportanceResult* importance) {
  const auto& params = sweep.search.space.parameters;
  // The numeric parameters, most important first (or in the space's order without a ranking).
  std::vector<std::size_t> numeric;
  auto is_numeric = [&](std::size_t i) { return parameter_axis(params[i]).categories.empty(); };
  if (importance) {
    for (const auto& p : importance->parameters) {
      for (std::size_t i = 0; i < params.size(); ++i) {
        if (params[i].name == p.parameter && is_numeric(i)) numeric.push_back(i);
      }
    }
  }
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (is_numeric(i) && std::find(numeric.begin(), numeric.end(), i) == numeric.end())
      numeric.push_back(i);
  }
  if (numeric.size() < 2) {
    return "<p class=\"skipped\">Contour of the two most important parameters: skipped, the "
           "space has fewer than 2 numeric parameters.</p>\n";
  }
  const std::size_t px = numeric[0], py = numeric[1];
  const ParameterAxis x_axis = parameter_axis(params[px]), y_axis = parameter_axis(params[py]);
  auto axis_of = [](const ParameterAxis& axis, double v) {
    return axis.log_axis ? std::log10(v) : v;
  };
  struct Placed {
    double x, y;  // on the axes (log10 on a log axis)
    const TrialRecord* trial;
  };
  std::vector<Placed> placed;
  std::size_t complete = 0;
  double x0 = HUGE_VAL, x1 = -HUGE_VAL, y0 = HUGE_VAL, y1 = -HUGE_VAL;
  for (const auto& t : sweep.trials) {
    const double x = axis_of(x_axis, axis_position(x_axis, t.values[px]));
    const double y = axis_of(y_axis, axis_position(y_axis, t.values[py]));
    if (!std::isfinite(x) || !std::isfinite(y)) continue;  // inactive in this trial
    placed.push_back({x, y, &t});
    x0 = std::min(x0, x), x1 = std::max(x1, x), y0 = std::min(y0, y), y1 = std::max(y1, y);
    if (t.state == TrialState::complete && t.objective && std::isfinite(*t.objective)) ++complete;
  }
  if (complete < 4) {
    return "<p class=\"skipped\">Contour of " + svg::escape(params[px].name) + " and " +
           svg::escape(params[py].name) +
           ": skipped, it needs at least 4 complete trials with "
           "both parameters (" +
           std::to_string(complete) + " here).</p>\n";
  }
  // The trials' range and 5 % on each side, so the dots on the edge are not on the frame.
  if (!(x1 > x0)) x0 -= 0.5, x1 += 0.5;
  if (!(y1 > y0)) y0 -= 0.5, y1 += 0.5;
  const double dx = 0.05 * (x1 - x0), dy = 0.05 * (y1 - y0);
  x0 -= dx, x1 += dx, y0 -= dy, y1 += dy;
  // Interpolate over [0, 1]^2 so that neither parameter's units dominate the distances.
  std::vector<std::array<double, 3>> samples;
  double z_low = HUGE_VAL, z_high = -HUGE_VAL;
  for (const Placed& p : placed) {
    const TrialRecord& t = *p.trial;
    if (t.state != TrialState::complete || !t.objective || !std::isfinite(*t.objective)) continue;
    samples.push_back({(p.x - x0) / (x1 - x0), (p.y - y0) / (y1 - y0), *t.objective});
    z_low = std::min(z_low, *t.objective);
    z_high = std::max(z_high, *t.objective);
  }
  const int n = 40;  // cells per side
  std::vector<double> centres(n);
  for (int k = 0; k < n; ++k) centres[k] = (k + 0.5) / n;
  const std::vector<double> z = inverse_distance_grid(samples, centres, centres);
  // Back to parameter units for the panel, which applies its own log scale.
  auto raw = [](const ParameterAxis& axis, double v) {
    return axis.log_axis ? std::pow(10.0, v) : v;
  };
  svg::Panel panel{.title = params[px].name + " x " + params[py].name,
                   .x_label = params[px].name,
                   .y_label = params[py].name,
                   .y_range = std::pair{y0, y1},
                   .log_x = x_axis.log_axis,
                   .x_range = std::pair{x0, x1},
                   .log_y = y_axis.log_axis};
  for (int j = 0; j < n; ++j) {
    for (int i = 0; i < n; ++i) {
      const double value = z[static_cast<std::size_t>(j * n + i)];
      double t = z_high > z_low ? (value - z_low) / (z_high - z_low) : 0.5;
      if (!sweep.search.maximize) t = 1 - t;  // red is always the better end
      panel.cells.push_back({.x0 = raw(x_axis, x0 + (x1 - x0) * i / n),
                             .x1 = raw(x_axis, x0 + (x1 - x0) * (i + 1) / n),
                             .y0 = raw(y_axis, y0 + (y1 - y0) * j / n),
                             .y1 = raw(y_axis, y0 + (y1 - y0) * (j + 1) / n),
                             .color = svg::scale_color(t, 72)});
    }
  }
  svg::Series dots, pruned, failed;
  dots.label = "COMPLETE";
  dots.color = "#222";
  dots.css_class = "complete";
  pruned.label = "PRUNED";
  pruned.color = state_color(TrialState::pruned);
  pruned.css_class = "pruned";
  failed.label = "FAIL";
  failed.color = state_color(TrialState::failed);
  failed.css_class = "fail";
  failed.marker = svg::Marker::cross;
  for (svg::Series* s : {&dots, &pruned, &failed}) s->points = true;
  for (const Placed& p : placed) {
    svg::Series& s = p.trial->state == TrialState::complete ? dots
                     : p.trial->state == TrialState::pruned ? pruned
                                                            : failed;
    s.x.push_back(raw(x_axis, p.x));
    s.y.push_back(raw(y_axis, p.y));
  }
  panel.series = {dots};
  if (!pruned.x.empty()) panel.series.push_back(pruned);
  if (!failed.x.empty()) panel.series.push_back(failed);
  char range[96];
  std::snprintf(range, sizeof range, "%.4g to %.4g", z_low, z_high);
  return svg::figure(
      svg::chart(panel, 560, 460),
      "Contour of the objective over the two most important numeric parameters" +
          std::string(importance ? " (by fANOVA)" : " (no importance: the first two)") +
          ": the complete trials' objectives (" + range +
          ") interpolated onto a 40 x 40 grid by inverse-distance weighting; red is best, blue "
          "worst. Dots are the trials where both parameters are active: pruned grey, failed red "
          "crosses; only complete trials shape the colours.");
}

}  // namespace nnlab
