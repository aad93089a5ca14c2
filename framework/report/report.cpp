#include "report.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "experiment.hpp"
#include "nnlab/error.hpp"
#include "pareto_plot.hpp"
#include "plugin_host.hpp"
#include "policy_figures.hpp"
#include "results/csv.hpp"
#include "results/curves_file.hpp"
#include "results/paths_file.hpp"
#include "results/probe_files.hpp"
#include "results/steps_file.hpp"
#include "results/trials_file.hpp"
#include "svg_plot.hpp"
#include "sweep_plots.hpp"

namespace nnlab {

namespace fs = std::filesystem;

namespace {

using Steps = std::map<std::int64_t, StepLosses>;

/// A centred moving average over `window` points (shrinking at the ends), as the book smooths
/// its E2 and E4 loss curves before plotting them.
std::vector<std::pair<double, double>> smooth(const StepLosses& points, std::size_t window) {
  std::vector<std::pair<double, double>> out;
  const std::size_t half = window / 2;
  for (std::size_t i = 0; i < points.size(); ++i) {
    const std::size_t from = i >= half ? i - half : 0;
    const std::size_t to = std::min(points.size(), i + half + 1);
    double sum = 0;
    for (std::size_t k = from; k < to; ++k) sum += points[k].second;
    out.push_back({static_cast<double>(points[i].first), sum / static_cast<double>(to - from)});
  }
  return out;
}

svg::Series series_of(const std::vector<std::pair<double, double>>& points,
                      const std::string& label) {
  svg::Series s;
  s.label = label;
  for (const auto& [x, y] : points) {
    s.x.push_back(x);
    s.y.push_back(y);
  }
  return s;
}

/// One trial's curves of `measure`, a line per split, train first.
std::vector<svg::Series> metric_series(const Curves::mapped_type& metrics, Measure measure) {
  std::vector<svg::Series> out;
  // Same colours in every panel: train blue, val orange, test red.
  for (const auto& [split, color] :
       {std::pair{Split::train, "#1f77b4"}, std::pair{Split::val, "#ff7f0e"},
        std::pair{Split::test, "#d62728"}}) {
    const Metric metric{split, measure};
    auto it = metrics.find(metric);
    if (it == metrics.end()) continue;
    out.push_back(series_of(it->second, metric.name()));
    out.back().color = color;
  }
  return out;
}

using svg::figure;

/// The minibatch-loss figure (E2, E4): one smoothed line per trial, labelled by `label`.
std::string steps_figure(const Steps& steps,
                         const std::function<std::string(std::int64_t)>& label) {
  if (steps.empty()) return "";
  svg::Panel panel{.title = "minibatch loss", .x_label = "iteration", .y_label = "loss (smoothed)"};
  double top = 0;
  for (const auto& [trial, points] : steps) {
    panel.series.push_back(series_of(smooth(points, 25), label(trial)));
    // Clip the first updates' spike so the differences later on stay visible.
    for (std::size_t i = points.size() / 10; i < points.size(); ++i)
      top = std::max(top, points[i].second);
  }
  panel.y_range = std::pair{0.0, std::max(top * 1.05, 0.1)};
  return figure(
      svg::chart(panel, 720, 400),
      "Minibatch loss per update, moving average over 25 updates (the book's figure "
      "for E2 and E4); every line saw the same minibatches when train.batch_seed is set.");
}

/// Probes taken during training (`probe: {every: N}`): per trial and probed node, the 15th, 50th
/// and 85th percentiles against updates (the batch-norm paper's Figure 1 b, c); and, when the
/// probe counts a range, the fraction inside it per trial. Empty without such probes.
std::string probe_figures(const std::vector<ProbeStat>& stats,
                          const std::function<std::string(std::int64_t)>& label) {
  // trial -> node -> stat -> (update, value)
  std::map<std::int64_t, std::map<std::string, std::map<std::string, StepLosses>>> series;
  bool during = false;
  for (const ProbeStat& s : stats) {
    series[s.trial][s.node][s.stat].push_back({s.update, s.value});
    during = during || s.update > 0;
  }
  if (!during) return "";
  std::string html;
  std::vector<svg::Panel> panels;
  double low = HUGE_VAL, high = -HUGE_VAL;
  for (const auto& [trial, nodes] : series) {
    for (const auto& [node, by_stat] : nodes) {
      svg::Panel panel{
          .title = label(trial) + ": " + node, .x_label = "update", .y_label = "value"};
      for (const auto& [stat, color] : {std::pair{"p85", "#d62728"}, std::pair{"p50", "#1f77b4"},
                                        std::pair{"p15", "#2ca02c"}}) {
        auto it = by_stat.find(stat);
        if (it == by_stat.end()) continue;
        svg::Series line;
        line.label = stat;
        line.color = color;
        for (const auto& [update, value] : it->second) {
          if (update == 0) continue;  // batch norm's moving averages are still 0 then
          line.x.push_back(static_cast<double>(update));
          line.y.push_back(value);
          low = std::min(low, value);
          high = std::max(high, value);
        }
        panel.series.push_back(line);
      }
      panels.push_back(panel);
    }
  }
  // One scale for every panel, so the drift of one trial compares with the other's at a glance.
  if (high > low) {
    for (auto& p : panels) p.y_range = std::pair{low, high};
  }
  html += figure(svg::small_multiples(
                     panels, static_cast<int>(std::min<std::size_t>(panels.size(), 4)), 300, 220),
                 "The 15th, 50th and 85th percentiles of each probed node's output over training, "
                 "on a fixed batch, from the first probe after update 0 (the batch-norm paper's "
                 "Figure 1 b, c: internal covariate shift).");
  std::map<std::string, svg::Panel> fractions;  // node -> one line per trial
  std::size_t trial_index = 0;
  for (const auto& [trial, nodes] : series) {
    for (const auto& [node, by_stat] : nodes) {
      auto it = by_stat.find("in_range");
      if (it == by_stat.end()) continue;
      auto& panel = fractions[node];
      panel.title = node;
      panel.x_label = "update";
      panel.y_label = "fraction in range";
      panel.y_range = std::pair{0.0, 1.0};
      svg::Series line;
      line.label = label(trial);
      line.color = svg::palette(trial_index);
      for (const auto& [update, value] : it->second) {
        if (update == 0) continue;  // as above: from the first probe during training
        line.x.push_back(static_cast<double>(update));
        line.y.push_back(value);
      }
      panel.series.push_back(line);
    }
    ++trial_index;
  }
  for (const auto& [node, panel] : fractions) {
    html += figure(svg::chart(panel, 640, 360),
                   "The fraction of " + node +
                       "'s outputs inside the probe's range_fraction over training (for a "
                       "sigmoid's input: its near-linear zone).");
  }
  return html;
}

std::string page(const std::string& title, const std::string& body) {
  return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>" +
         svg::escape(title) +
         "</title><style>body{font-family:sans-serif;margin:24px;color:#222;max-width:1200px}"
         "figure{margin:18px 0}figcaption{font-size:13px;color:#555;margin-top:4px}"
         "table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ccc;padding:3px "
         "6px;"
         "text-align:right}th{background:#f4f4f4}</style></head><body>\n<h1>" +
         svg::escape(title) + "</h1>\n" + body + "</body></html>\n";
}

std::string run_report(const Curves& curves, const ExperimentSpec& spec, const Steps& steps,
                       const std::vector<ProbeStat>& probes) {
  if (curves.empty()) {
    // The folder's curves.csv, named like every other results-file error.
    throw Error((std::filesystem::path(spec.file).parent_path() / "curves.csv").string() +
                ": no rows yet; expected at least one evaluation");
  }
  const auto& metrics = curves.begin()->second;
  std::string body = "<p>Single run of <code>" + svg::escape(spec.file) + "</code>.</p>\n";
  body += steps_figure(steps, [](std::int64_t) { return std::string("minibatch loss"); });
  svg::Panel acc{.title = "accuracy",
                 .series = metric_series(metrics, Measure::accuracy),
                 .x_label = "epoch",
                 .y_label = "accuracy",
                 .y_range = std::pair{0.0, 1.0}};
  body +=
      figure(svg::chart(acc, 640, 380), "Accuracy per epoch (the book's figure for E7 and E8).");
  svg::Panel loss{.title = "loss",
                  .series = metric_series(metrics, Measure::loss),
                  .x_label = "epoch",
                  .y_label = "loss (with the penalty)"};
  body += figure(svg::chart(loss, 640, 380), "Loss per epoch.");
  body += probe_figures(probes, [](std::int64_t) { return std::string("run"); });
  return page(spec.name, body);
}

std::string sweep_report(const Curves& curves, const ExperimentSpec& spec,
                         const std::vector<TrialRecord>& trials, const std::string& trials_path,
                         const Steps& steps, const std::vector<ProbeStat>& probes,
                         const std::string& policy_html) {
  const SearchSpec& search = *spec.search;
  const auto& params = search.space.parameters;
  const bool maximize = search.maximize;
  std::vector<const TrialRecord*> complete;
  for (const auto& t : trials) {
    if (t.state == TrialState::complete && t.objective) complete.push_back(&t);
  }
  std::sort(complete.begin(), complete.end(), [&](auto a, auto b) {
    return maximize ? *a->objective > *b->objective : *a->objective < *b->objective;
  });
  std::string body = "<p>Sweep of <code>" + svg::escape(spec.file) +
                     "</code>: " + std::to_string(trials.size()) + " trials, " +
                     std::to_string(complete.size()) + " complete; objective " +
                     search.metric.name() + " (" + (maximize ? "max" : "min") + ").</p>\n";

  // The best trials, as a table.
  body += "<table><tr><th>rank</th><th>trial</th>";
  for (const auto& p : params) body += "<th>" + svg::escape(p.name) + "</th>";
  body += "<th>" + search.metric.name() + "</th></tr>\n";
  for (std::size_t i = 0; i < complete.size() && i < 10; ++i) {
    body += "<tr><td>" + std::to_string(i + 1) + "</td><td>" + std::to_string(complete[i]->trial) +
            "</td>";
    for (const auto& v : complete[i]->values) {
      char shown[32];
      if (auto x = parse_number(v)) std::snprintf(shown, sizeof shown, "%.4g", *x);
      body += "<td>" + svg::escape(parse_number(v) ? std::string(shown) : v) + "</td>";
    }
    char objective[32];
    std::snprintf(objective, sizeof objective, "%.4f", *complete[i]->objective);
    body += std::string("<td>") + objective + "</td></tr>\n";
  }
  body += "</table>\n";
  body += policy_html;
  body += pareto_front_figure(search, trials);
  // A trial as its parameter values ("sgd, 0.01"), for legends.
  const auto trial_label = [&](std::int64_t trial) {
    std::string label;
    for (const auto& t : trials) {
      if (t.trial != trial) continue;
      for (std::size_t i = 0; i < params.size(); ++i) {
        if (!t.values[i].empty()) label += (label.empty() ? "" : ", ") + t.values[i];
      }
    }
    return label.empty() ? "trial " + std::to_string(trial) : label;
  };
  body += steps_figure(steps, trial_label);
  body += probe_figures(probes, trial_label);

  // What Optuna's and W&B's users open first: history, importance, slices, contour, EDF,
  // intermediate values, timeline.
  body += sweep_figures(SweepData{search, trials, curves}, trials_path);

  // Parallel coordinates: each parameter, then the objective.
  std::vector<svg::Axis> axes;
  for (std::size_t i = 0; i < params.size(); ++i) {
    const ParameterAxis placed = parameter_axis(params[i]);
    svg::Axis axis;
    axis.name = params[i].name;
    axis.log_axis = placed.log_axis;
    axis.categories = placed.categories;
    for (const auto* t : complete) axis.values.push_back(axis_position(placed, t->values[i]));
    axes.push_back(axis);
  }
  svg::Axis objective_axis;
  objective_axis.name = search.metric.name();
  for (const auto* t : complete) objective_axis.values.push_back(*t->objective);
  axes.push_back(objective_axis);
  body += figure(svg::parallel_coordinates(axes, 780, 360, maximize),
                 "Parallel coordinates: each line a complete trial, from its parameters to its "
                 "objective (colour: red is best).");

  // One categorical parameter of a few values (with/without batch norm, E11): their curves of the
  // objective metric on one chart, as the batch-norm paper's Figure 1 (a) draws them.
  if (params.size() == 1 && params[0].kind == SearchParameter::Kind::categorical &&
      params[0].choices.size() <= 4) {
    svg::Panel overlay{.title = search.metric.name() + " per epoch",
                       .x_label = "epoch",
                       .y_label = search.metric.name()};
    if (search.metric.measure == Measure::accuracy) overlay.y_range = std::pair{0.0, 1.0};
    for (const auto& t : trials) {
      auto curve = curves.find(t.trial);
      if (curve == curves.end()) continue;
      auto m = curve->second.find(search.metric);
      if (m == curve->second.end()) continue;
      overlay.series.push_back(series_of(m->second, params[0].name + " " + t.values[0]));
      overlay.series.back().color = svg::palette(overlay.series.size() - 1);
    }
    body += figure(svg::chart(overlay, 720, 380),
                   search.metric.name() + " per epoch, one line per " + params[0].name + ".");
  }

  // Small multiples.
  std::size_t compare = params.size();
  for (std::size_t i = 0; i < params.size(); ++i) {
    if (params.size() >= 2 && params[i].kind == SearchParameter::Kind::categorical &&
        params[i].choices.size() <= 4)
      compare = i;
  }
  std::vector<svg::Panel> panels;
  std::string caption;
  if (compare < params.size()) {
    // One panel per setting of the other parameters; one line per value of params[compare].
    std::map<std::string, std::vector<const TrialRecord*>> groups;
    std::map<std::string, double> group_order;
    for (const auto& t : trials) {
      std::string key;
      double order = 0;
      for (std::size_t i = 0; i < params.size(); ++i) {
        if (i == compare) continue;
        std::string shown = t.values[i];
        if (auto x = parse_number(shown)) {
          char text[32];
          std::snprintf(text, sizeof text, "%.3g", *x);
          shown = text;
        }
        key += (key.empty() ? "" : ", ") + params[i].name + " " + shown;
        if (order == 0) order = parse_number(t.values[i]).value_or(0);
      }
      groups[key].push_back(&t);
      group_order[key] = order;
    }
    std::vector<std::string> keys;
    for (const auto& [key, members] : groups) keys.push_back(key);
    std::stable_sort(keys.begin(), keys.end(),
                     [&](const auto& a, const auto& b) { return group_order[a] > group_order[b]; });
    for (const auto& key : keys) {
      svg::Panel panel{.title = key, .x_label = "epoch", .y_label = search.metric.name()};
      if (search.metric.measure == Measure::accuracy) panel.y_range = std::pair{0.0, 1.0};
      for (std::size_t c = 0; c < params[compare].choices.size(); ++c) {
        svg::Series s;
        s.label = params[compare].name + " " + params[compare].choices[c];
        s.color = svg::palette(c);
        s.dashed = c > 0;
        for (const auto* t : groups[key]) {
          if (t->values[compare] != params[compare].choices[c]) continue;
          auto curve = curves.find(t->trial);
          if (curve == curves.end()) continue;
          auto m = curve->second.find(search.metric);
          if (m != curve->second.end()) {
            const auto series = series_of(m->second, s.label);
            s.x = series.x;
            s.y = series.y;
          }
        }
        panel.series.push_back(s);
      }
      panels.push_back(panel);
    }
    caption = search.metric.name() +
              " per epoch, one panel per setting of the other parameters, one "
              "line per " +
              params[compare].name + " (the book's figure for E5).";
  } else {
    for (std::size_t i = 0; i < complete.size() && i < 20; ++i) {
      const TrialRecord& t = *complete[i];
      std::string title = "#" + std::to_string(i + 1) + " trial " + std::to_string(t.trial);
      auto curve = curves.find(t.trial);
      svg::Panel panel{
          .title = title, .x_label = "epoch", .y_label = "", .y_range = std::pair{0.0, 1.0}};
      if (curve != curves.end()) panel.series = metric_series(curve->second, Measure::accuracy);
      panels.push_back(panel);
    }
    caption = "Accuracy per epoch of the best " + std::to_string(panels.size()) +
              " trials, best first (the book's figure for E9).";
  }
  if (!panels.empty()) {
    const int columns = compare < params.size() ? 4 : 5;
    body += figure(svg::small_multiples(panels, columns, 220, 170), caption);
  }
  return page(spec.name, body);
}

/// E3: a histogram per probed node, in a row, as the book draws them.
std::string probe_report(const fs::path& dir, const ExperimentSpec& spec) {
  std::vector<svg::Panel> panels;
  double top = 0;
  std::string stats = "<table><tr><th>node</th><th>stat</th><th>value</th></tr>\n";
  std::map<std::string, std::map<std::string, double>> before;  // node -> stat -> value, update 0
  for (const ProbeStat& row : read_probe_stats((dir / "probe.csv").string())) {
    if (row.update == 0) before[row.node][row.stat] = row.value;
  }
  for (const NodeActivations& node : read_histograms((dir / "histograms.csv").string())) {
    svg::Panel panel{.title = node.node,
                     .x_label = "activation",
                     .y_label = "count",
                     .x_range = std::pair{node.low, node.high}};
    svg::Series bars;
    bars.label = node.node;
    bars.bars = true;
    bars.color = "#1f77b4";
    const double width = (node.high - node.low) / static_cast<double>(node.counts.size());
    for (std::size_t b = 0; b < node.counts.size(); ++b) {
      bars.x.push_back(node.low + width * static_cast<double>(b));
      bars.y.push_back(static_cast<double>(node.counts[b]));
      top = std::max(top, bars.y.back());
    }
    panel.series.push_back(bars);
    panels.push_back(panel);
    for (const char* stat : {"mean", "std"}) {
      stats += "<tr><td>" + svg::escape(node.node) + "</td><td>" + stat + "</td><td>" +
               csv_number(before[node.node][stat]) + "</td></tr>\n";
    }
  }
  for (auto& p : panels) p.y_range = std::pair{0.0, top * 1.05};
  stats += "</table>\n";
  std::string body = "<p>Activations of the untrained model of <code>" + svg::escape(spec.file) +
                     "</code>, one inference pass over the training rows.</p>\n";
  body +=
      figure(svg::small_multiples(panels, static_cast<int>(std::min<std::size_t>(panels.size(), 5)),
                                  200, 190, false),
             "Histogram of each probed node's activations (the book's figure for E3).");
  return page(spec.name, body + stats);
}

/// E1: each optimizer's path over the objective's contours, and f per step.
std::string paths_report(const std::string& csv, const ExperimentSpec& spec,
                         const PluginHost* host) {
  const std::vector<OptimizerPath> paths = read_paths(csv);
  if (paths.empty()) throw Error(csv + ": no paths");
  // Contours of the objective over its box, when the plugin can be created.
  std::optional<std::pair<double, double>> x_range, y_range;
  std::vector<std::array<double, 4>> contours;
  double minimum = std::nan("");
  if (host && spec.paths) {
    try {
      const auto objective = host->create(host->registries().objectives, spec.paths->objective);
      const auto box = objective->bounds();
      minimum = objective->minimum();
      if (box.size() >= 2) {
        x_range = box[0];
        y_range = box[1];
        const int n = 120;
        std::vector<double> xs(n), ys(n), z(n * n), point(objective->dimensions());
        for (std::size_t i = 0; i < point.size(); ++i)
          point[i] = 0.5 * (box[i].first + box[i].second);
        for (int i = 0; i < n; ++i) {
          xs[i] = box[0].first + (box[0].second - box[0].first) * i / (n - 1);
          ys[i] = box[1].first + (box[1].second - box[1].first) * i / (n - 1);
        }
        double low = HUGE_VAL, high = -HUGE_VAL;
        for (int j = 0; j < n; ++j) {
          for (int i = 0; i < n; ++i) {
            point[0] = xs[i];
            point[1] = ys[j];
            z[j * n + i] = objective->value(point);
            low = std::min(low, z[j * n + i]);
            high = std::max(high, z[j * n + i]);
          }
        }
        // Levels spaced evenly in log(f - min), the way bowls and valleys read best.
        for (int k = 1; k <= 14; ++k) {
          const double level = low + std::expm1(std::log1p(high - low) * k / 15.0);
          const auto segments = svg::contour(xs, ys, z, level);
          contours.insert(contours.end(), segments.begin(), segments.end());
        }
      }
    } catch (const Error&) {
      // Without the plugin the paths are drawn alone.
    }
  }
  std::vector<svg::Panel> panels;
  svg::Panel values{.title = "f per step", .x_label = "step", .y_label = "f(x)"};
  for (std::size_t p = 0; p < paths.size(); ++p) {
    svg::Panel panel{.title = paths[p].label, .x_label = "x1", .y_label = "x2", .y_range = y_range};
    panel.x_range = x_range;
    panel.contours = contours;
    svg::Series line, dots;
    line.label = paths[p].label;
    line.color = dots.color = svg::palette(p);
    dots.points = true;
    svg::Series f;
    f.label = paths[p].label;
    f.color = svg::palette(p);
    for (std::size_t s = 0; s < paths[p].points.size(); ++s) {
      const PathPoint& point = paths[p].points[s];
      if (point.x.size() >= 2) {
        line.x.push_back(point.x[0]);
        line.y.push_back(point.x[1]);
      }
      f.x.push_back(static_cast<double>(s));
      f.y.push_back(point.value);
    }
    dots.x = line.x;
    dots.y = line.y;
    panel.series = {line, dots};
    panels.push_back(panel);
    values.series.push_back(f);
  }
  std::string body = "<p>Optimizer paths of <code>" + svg::escape(spec.file) + "</code>";
  if (spec.paths) {
    body += " on objective <b>" + svg::escape(spec.paths->objective.kind) + "</b>, " +
            std::to_string(spec.paths->steps) + " steps";
  }
  if (std::isfinite(minimum)) {
    char m[32];
    std::snprintf(m, sizeof m, "%g", minimum);
    body += std::string(" (minimum ") + m + ")";
  }
  body += ".</p>\n";
  body += figure(svg::small_multiples(panels, 3, 330, 220, false),
                 "Each optimizer's path from the start, one dot per step, over the objective's "
                 "contours (the book's figure for E1).");
  body += figure(svg::chart(values, 720, 360), "The objective's value after each step.");
  return page(spec.name, body);
}

/// probe.csv's rows, or none when the run probed nothing.
std::vector<ProbeStat> probes_in(const fs::path& dir) {
  return fs::exists(dir / "probe.csv") ? read_probe_stats((dir / "probe.csv").string())
                                       : std::vector<ProbeStat>{};
}

}  // namespace

std::string write_report(const std::string& results_dir, const std::string& out_file,
                         const PluginHost* host) {
  const fs::path dir(results_dir);
  std::string html;
  if (fs::exists(dir / "histograms.csv") && !fs::exists(dir / "curves.csv")) {
    const std::string file = (dir / "experiment.yaml").string();
    html = probe_report(dir, parse_experiment(read_text(file), file));
    const std::string path = out_file.empty() ? (dir / "report.html").string() : out_file;
    write_file_atomically(path, html);
    return path;
  }
  if (fs::exists(dir / "paths.csv") && fs::exists(dir / "experiment.yaml")) {
    const std::string file = (dir / "experiment.yaml").string();
    html =
        paths_report((dir / "paths.csv").string(), parse_experiment(read_text(file), file), host);
    const std::string path = out_file.empty() ? (dir / "report.html").string() : out_file;
    write_file_atomically(path, html);
    return path;
  }
  const Curves curves = read_curves((dir / "curves.csv").string());
  if (fs::exists(dir / "sweep.yaml")) {
    const std::string file = (dir / "sweep.yaml").string();
    const ExperimentSpec spec = parse_experiment(read_text(file), file);
    std::vector<std::string> names;
    for (const auto& p : spec.search->space.parameters) names.push_back(p.name);
    const std::string trials_path = (dir / "trials.csv").string();
    std::vector<std::string> objectives;
    for (const auto& o : spec.search->objectives) objectives.push_back(o.measure.name());
    auto trials = read_trials(trials_path, names, false, objectives);
    if (!objectives.empty()) use_objective(trials, spec.search->metric_objective());
    html = sweep_report(curves, spec, trials, trials_path, read_steps((dir / "steps.csv").string()),
                        probes_in(dir), policy_section(results_dir, spec, trials, host));
  } else if (fs::exists(dir / "experiment.yaml")) {
    const std::string file = (dir / "experiment.yaml").string();
    html = run_report(curves, parse_experiment(read_text(file), file),
                      read_steps((dir / "steps.csv").string()), probes_in(dir));
  } else {
    throw Error(results_dir + ": no experiment.yaml or sweep.yaml: not an nnlab results folder");
  }
  const std::string path = out_file.empty() ? (dir / "report.html").string() : out_file;
  write_file_atomically(path, html);
  return path;
}

}  // namespace nnlab
