#include "svg_plot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <tuple>

namespace nnlab::svg {

namespace {

std::string num(double v) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.2f", v);
  return buffer;
}

std::string tick_label(double v, bool log_axis) {
  char buffer[32];
  if (log_axis) {  // v is log10 of the value
    std::snprintf(buffer, sizeof buffer, "%.2g", std::pow(10.0, v));
  } else if (v != 0 && (std::fabs(v) < 1e-3 || std::fabs(v) >= 1e5)) {
    std::snprintf(buffer, sizeof buffer, "%.0e", v);
  } else {
    std::snprintf(buffer, sizeof buffer, "%g", v);
  }
  return buffer;
}

struct Box {
  double left, top, width, height;
};

/// The value `v` as its axis places it: log10 on a log axis.
double axis_value(double v, bool log_axis) { return log_axis ? std::log10(v) : v; }

/// " name" when `name` is set: an extra class after an element's own.
std::string extra_class(const std::string& name) { return name.empty() ? "" : " " + name; }

/// Data ranges of a panel's series, spans and cells (in log10 on a log axis).
void ranges(const Panel& p, double& x0, double& x1, double& y0, double& y1) {
  x0 = y0 = HUGE_VAL;
  x1 = y1 = -HUGE_VAL;
  auto take_x = [&](double x) {
    if (!std::isfinite(x)) return;
    x0 = std::min(x0, x);
    x1 = std::max(x1, x);
  };
  auto take_y = [&](double y) {
    if (!std::isfinite(y)) return;
    y0 = std::min(y0, y);
    y1 = std::max(y1, y);
  };
  for (const auto& s : p.series) {
    for (std::size_t i = 0; i < s.x.size(); ++i) {
      const double x = axis_value(s.x[i], p.log_x);
      if (s.rug) {  // no y: only where it is along x
        take_x(x);
        continue;
      }
      if (i >= s.y.size()) break;
      const double y = axis_value(s.y[i], p.log_y);
      if (!std::isfinite(x) || !std::isfinite(y)) continue;
      take_x(x);
      take_y(y);
    }
  }
  for (const auto& span : p.spans) {
    take_x(axis_value(span.from, p.log_x));
    take_x(axis_value(span.to, p.log_x));
    take_y(span.lane - 0.5);
    take_y(span.lane + 0.5);
  }
  for (const auto& cell : p.cells) {
    take_x(axis_value(cell.x0, p.log_x));
    take_x(axis_value(cell.x1, p.log_x));
    take_y(axis_value(cell.y0, p.log_y));
    take_y(axis_value(cell.y1, p.log_y));
  }
  // Dots on the frame are hard to see: point charts get a margin of 4 % of each span.
  bool points = false;
  for (const auto& s : p.series) points = points || s.points || s.end_marker;
  if (points && std::isfinite(x0) && std::isfinite(y0)) {
    const double dx = 0.04 * std::max(x1 - x0, 1e-9), dy = 0.04 * std::max(y1 - y0, 1e-9);
    x0 -= dx;
    x1 += dx;
    y0 -= dy;
    y1 += dy;
  }
  // A categorical axis shows every category, half a step from the frame.
  if (!p.x_categories.empty()) x0 = -0.5, x1 = static_cast<double>(p.x_categories.size()) - 0.5;
  if (!p.y_categories.empty()) y0 = -0.5, y1 = static_cast<double>(p.y_categories.size()) - 0.5;
  if (p.y_range) std::tie(y0, y1) = *p.y_range;
  if (p.x_range) std::tie(x0, x1) = *p.x_range;
  if (!std::isfinite(x0)) x0 = 0, x1 = 1;
  if (!std::isfinite(y0)) y0 = 0, y1 = 1;
  if (x1 <= x0) x1 = x0 + 1;
  if (y1 <= y0) {
    y0 -= 0.5;
    y1 += 0.5;
  }
}

/// A marker of `shape` centred on (cx, cy), in pixels.
void marker(std::ostringstream& out, Marker shape, double cx, double cy, const std::string& color,
            const std::string& css_class, double opacity = 1) {
  const std::string fade = opacity < 1 ? " opacity=\"" + num(opacity) + "\"" : "";
  if (shape == Marker::cross) {
    const double r = 3.2;
    out << "<path class=\"cross" << extra_class(css_class) << "\" d=\"M" << num(cx - r) << " "
        << num(cy - r) << "L" << num(cx + r) << " " << num(cy + r) << "M" << num(cx - r) << " "
        << num(cy + r) << "L" << num(cx + r) << " " << num(cy - r) << "\" stroke=\"" << color
        << "\" stroke-width=\"1.8\"" << fade << "/>";
    return;
  }
  out << "<circle class=\"point" << extra_class(css_class) << "\" cx=\"" << num(cx) << "\" cy=\""
      << num(cy) << "\" r=\"2.5\" fill=\"" << color << "\"" << fade << "/>";
}

/// Axes, ticks, title and the series of `p` inside `box` (SVG elements only).
void draw(std::ostringstream& out, const Panel& p, const Box& box) {
  double x0, x1, y0, y1;
  ranges(p, x0, x1, y0, y1);
  // Ticks with their labels: the categories' names on a categorical axis, else nice numbers.
  auto ticks = [](const std::vector<std::string>& categories, double low, double high,
                  bool log_axis) {
    std::vector<std::pair<double, std::string>> labelled;
    if (!categories.empty()) {
      for (std::size_t c = 0; c < categories.size(); ++c)
        labelled.push_back({static_cast<double>(c), categories[c]});
      return labelled;
    }
    for (double t : nice_ticks(low, high, 5)) labelled.push_back({t, tick_label(t, log_axis)});
    return labelled;
  };
  const auto x_ticks = ticks(p.x_categories, x0, x1, p.log_x);
  const auto y_ticks = ticks(p.y_categories, y0, y1, p.log_y);
  if (!p.y_range && p.y_categories.empty() && !y_ticks.empty()) {
    y0 = std::min(y0, y_ticks.front().first);
    y1 = std::max(y1, y_ticks.back().first);
  }
  auto sx = [&](double x) { return box.left + (x - x0) / (x1 - x0) * box.width; };
  auto sy = [&](double y) { return box.top + box.height - (y - y0) / (y1 - y0) * box.height; };
  out << "<g class=\"panel\">";
  out << "<rect x=\"" << num(box.left) << "\" y=\"" << num(box.top) << "\" width=\""
      << num(box.width) << "\" height=\"" << num(box.height)
      << "\" fill=\"#fff\" stroke=\"#999\" stroke-width=\"0.8\"/>";
  for (const auto& [t, label] : y_ticks) {
    if (t < y0 - 1e-12 || t > y1 + 1e-12) continue;
    out << "<line x1=\"" << num(box.left) << "\" x2=\"" << num(box.left + box.width) << "\" y1=\""
        << num(sy(t)) << "\" y2=\"" << num(sy(t)) << "\" stroke=\"#eee\"/>";
    out << "<text x=\"" << num(box.left - 4) << "\" y=\"" << num(sy(t) + 3)
        << "\" font-size=\"9\" text-anchor=\"end\">" << escape(label) << "</text>";
  }
  for (const auto& [t, label] : x_ticks) {
    if (t < x0 - 1e-12 || t > x1 + 1e-12) continue;
    out << "<line x1=\"" << num(sx(t)) << "\" x2=\"" << num(sx(t)) << "\" y1=\"" << num(box.top)
        << "\" y2=\"" << num(box.top + box.height) << "\" stroke=\"#f2f2f2\"/>";
    out << "<text x=\"" << num(sx(t)) << "\" y=\"" << num(box.top + box.height + 11)
        << "\" font-size=\"9\" text-anchor=\"middle\">" << escape(label) << "</text>";
  }
  // Heat-map cells over the grid lines: the colours are the reading there.
  for (const Cell& cell : p.cells) {
    const double left = sx(axis_value(cell.x0, p.log_x)), right = sx(axis_value(cell.x1, p.log_x));
    const double top = sy(axis_value(cell.y1, p.log_y)), bottom = sy(axis_value(cell.y0, p.log_y));
    // A quarter pixel of overlap hides the hairline seams anti-aliasing leaves between cells.
    out << "<rect class=\"cell\" x=\"" << num(std::min(left, right)) << "\" y=\""
        << num(std::min(top, bottom)) << "\" width=\"" << num(std::fabs(right - left) + 0.25)
        << "\" height=\"" << num(std::fabs(bottom - top) + 0.25) << "\" fill=\"" << cell.color
        << "\"/>";
  }
  if (!p.title.empty()) {
    out << "<text x=\"" << num(box.left + box.width / 2) << "\" y=\"" << num(box.top - 5)
        << "\" font-size=\"11\" text-anchor=\"middle\" font-weight=\"bold\">" << escape(p.title)
        << "</text>";
  }
  if (!p.x_label.empty()) {
    out << "<text x=\"" << num(box.left + box.width / 2) << "\" y=\""
        << num(box.top + box.height + 24) << "\" font-size=\"10\" text-anchor=\"middle\">"
        << escape(p.x_label) << "</text>";
  }
  if (!p.y_label.empty()) {
    const double cx = box.left - 38, cy = box.top + box.height / 2;
    out << "<text x=\"" << num(cx) << "\" y=\"" << num(cy) << "\" font-size=\"10\" "
        << "text-anchor=\"middle\" transform=\"rotate(-90 " << num(cx) << " " << num(cy) << ")\">"
        << escape(p.y_label) << "</text>";
  }
  if (!p.contours.empty()) {
    out << "<path class=\"contour\" fill=\"none\" stroke=\"#c8c8c8\" stroke-width=\"0.8\" d=\"";
    for (const auto& c : p.contours) {
      out << "M" << num(sx(c[0])) << " " << num(sy(c[1])) << "L" << num(sx(c[2])) << " "
          << num(sy(c[3]));
    }
    out << "\"/>";
  }
  for (const Span& span : p.spans) {
    const double left = sx(axis_value(span.from, p.log_x)),
                 right = sx(axis_value(span.to, p.log_x));
    const double top = sy(std::min(span.lane + 0.38, y1)),
                 bottom = sy(std::max(span.lane - 0.38, y0));
    out << "<rect class=\"span" << extra_class(span.css_class) << "\" x=\""
        << num(std::min(left, right)) << "\" y=\"" << num(top) << "\" width=\""
        << num(std::max(std::fabs(right - left), 1.0)) << "\" height=\""
        << num(std::max(bottom - top, 1.0)) << "\" fill=\""
        << (span.color.empty() ? palette(0) : span.color) << "\"";
    if (span.tooltip.empty()) {
      out << "/>";
    } else {
      out << "><title>" << escape(span.tooltip) << "</title></rect>";
    }
  }
  for (std::size_t i = 0; i < p.series.size(); ++i) {
    const Series& s = p.series[i];
    const std::string color = s.color.empty() ? palette(i) : s.color;
    if (s.bars && s.x.size() >= 2) {
      const double w = s.x[1] - s.x[0];
      for (std::size_t k = 0; k < s.x.size() && k < s.y.size(); ++k) {
        const double top = sy(std::clamp(s.y[k], y0, y1)), base = sy(std::max(y0, 0.0));
        out << "<rect class=\"bar\" x=\"" << num(sx(s.x[k])) << "\" y=\"" << num(top)
            << "\" width=\"" << num(std::max(sx(s.x[k] + w) - sx(s.x[k]) - 0.5, 0.5))
            << "\" height=\"" << num(std::max(base - top, 0.0)) << "\" fill=\"" << color << "\"/>";
      }
      continue;
    }
    if (s.rug) {
      // Just inside the bottom edge, where the worst values of a maximized objective sit.
      for (double v : s.x) {
        const double x = axis_value(v, p.log_x);
        if (!std::isfinite(x)) continue;
        marker(out, s.marker, sx(std::clamp(x, x0, x1)), box.top + box.height - 5, color,
               s.css_class, s.opacity);
      }
      continue;
    }
    std::ostringstream points;
    std::size_t n = 0;
    double last_x = 0, last_y = 0;
    for (std::size_t k = 0; k < s.x.size() && k < s.y.size(); ++k) {
      const double x = axis_value(s.x[k], p.log_x), y_value = axis_value(s.y[k], p.log_y);
      if (!std::isfinite(x) || !std::isfinite(y_value)) continue;
      const double y = std::clamp(y_value, y0, y1);
      if (s.points) {
        marker(out, s.marker, sx(x), sy(y), color, s.css_class, s.opacity);
      } else {
        // A step holds the previous value up to this x before it moves to the new one.
        if (s.step && n > 0) points << " " << num(sx(x)) << "," << num(sy(last_y));
        points << (n ? " " : "") << num(sx(x)) << "," << num(sy(y));
      }
      last_x = x;
      last_y = y;
      ++n;
    }
    if (!s.points && n > 0) {
      out << "<polyline class=\"series" << extra_class(s.css_class) << "\" data-label=\""
          << escape(s.label) << "\" points=\"" << points.str() << "\" fill=\"none\" stroke=\""
          << color << "\" stroke-width=\"" << (s.step ? "2" : "1.4") << "\""
          << (s.dashed ? " stroke-dasharray=\"4 3\"" : "")
          << (s.opacity < 1 ? " stroke-opacity=\"" + num(s.opacity) + "\"" : "") << "/>";
      if (s.end_marker) marker(out, s.marker, sx(last_x), sy(last_y), color, s.css_class);
    }
  }
  out << "</g>";
}

void legend(std::ostringstream& out, const std::vector<Series>& series, double left, double top) {
  double x = left;
  for (std::size_t i = 0; i < series.size(); ++i) {
    const Series& s = series[i];
    if (!s.in_legend) continue;
    const std::string color = s.color.empty() ? palette(i) : s.color;
    if (s.points || s.rug) {
      marker(out, s.marker, x + 9, top, color, "legend");
    } else {
      out << "<line x1=\"" << num(x) << "\" x2=\"" << num(x + 18) << "\" y1=\"" << num(top)
          << "\" y2=\"" << num(top) << "\" stroke=\"" << color << "\" stroke-width=\"2\""
          << (s.dashed ? " stroke-dasharray=\"4 3\"" : "") << "/>";
      if (s.end_marker) marker(out, s.marker, x + 14, top, color, "legend");
    }
    out << "<text x=\"" << num(x + 22) << "\" y=\"" << num(top + 3) << "\" font-size=\"10\">"
        << escape(s.label) << "</text>";
    x += 36 + 6.5 * static_cast<double>(s.label.size());
  }
}

std::string open_svg(double width, double height) {
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + num(width) + "\" height=\"" +
         num(height) + "\" viewBox=\"0 0 " + num(width) + " " + num(height) +
         "\" font-family=\"sans-serif\">";
}

}  // namespace

std::vector<std::array<double, 4>> contour(const std::vector<double>& xs,
                                           const std::vector<double>& ys,
                                           const std::vector<double>& z, double level) {
  std::vector<std::array<double, 4>> segments;
  const std::size_t nx = xs.size();
  auto at = [&](std::size_t i, std::size_t j) { return z[j * nx + i]; };
  // Where the level crosses the edge between corners (xa, ya, za) and (xb, yb, zb).
  auto cross = [&](double xa, double ya, double za, double xb, double yb, double zb) {
    const double t = (level - za) / (zb - za);
    return std::pair{xa + t * (xb - xa), ya + t * (yb - ya)};
  };
  for (std::size_t j = 0; j + 1 < ys.size(); ++j) {
    for (std::size_t i = 0; i + 1 < nx; ++i) {
      // Corners counter-clockwise from the bottom left; edges 0 bottom, 1 right, 2 top, 3 left.
      const double x0 = xs[i], x1 = xs[i + 1], y0 = ys[j], y1 = ys[j + 1];
      const double a = at(i, j), b = at(i + 1, j), c = at(i + 1, j + 1), d = at(i, j + 1);
      const int index = (a > level) | (b > level) << 1 | (c > level) << 2 | (d > level) << 3;
      if (index == 0 || index == 15) continue;
      std::pair<double, double> edge[4];
      edge[0] = cross(x0, y0, a, x1, y0, b);
      edge[1] = cross(x1, y0, b, x1, y1, c);
      edge[2] = cross(x1, y1, c, x0, y1, d);
      edge[3] = cross(x0, y1, d, x0, y0, a);
      // The edges each case joins (saddles 5 and 10 as two separate segments).
      static const int joins[16][4] = {
          {-1, -1, -1, -1}, {3, 0, -1, -1}, {0, 1, -1, -1}, {3, 1, -1, -1},
          {1, 2, -1, -1},   {3, 0, 1, 2},   {0, 2, -1, -1}, {3, 2, -1, -1},
          {2, 3, -1, -1},   {0, 2, -1, -1}, {0, 1, 2, 3},   {1, 2, -1, -1},
          {1, 3, -1, -1},   {0, 1, -1, -1}, {3, 0, -1, -1}, {-1, -1, -1, -1}};
      for (int s = 0; s < 4 && joins[index][s] >= 0; s += 2) {
        const auto& p = edge[joins[index][s]];
        const auto& q = edge[joins[index][s + 1]];
        segments.push_back({p.first, p.second, q.first, q.second});
      }
    }
  }
  return segments;
}

std::string scale_color(double t, int lightness) {
  char color[48];
  std::snprintf(color, sizeof color, "hsl(%d,70%%,%d%%)",
                static_cast<int>(std::lround(240 - 240 * std::clamp(t, 0.0, 1.0))), lightness);
  return color;
}

std::string figure(const std::string& svg, const std::string& caption) {
  return "<figure>" + svg + "<figcaption>" + escape(caption) + "</figcaption></figure>\n";
}

std::string palette(std::size_t i) {
  static const char* colors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                                 "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
  return colors[i % 10];
}

std::string escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::vector<double> nice_ticks(double low, double high, int count) {
  if (!(high > low) || count < 1) return {low};
  const double raw = (high - low) / count;
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    step = m * magnitude;
    if (step >= raw) break;
  }
  std::vector<double> ticks;
  for (double t = std::ceil(low / step - 1e-9) * step; t <= high + step * 1e-9; t += step)
    ticks.push_back(std::fabs(t) < step * 1e-9 ? 0.0 : t);
  return ticks;
}

std::string chart(const Panel& panel, double width, double height, bool with_legend) {
  std::ostringstream out;
  out << open_svg(width, height);
  const Box box{50 + panel.label_width, 22, width - 62 - panel.label_width,
                height - (with_legend ? 70 : 52)};
  draw(out, panel, box);
  if (with_legend) legend(out, panel.series, box.left, height - 10);
  out << "</svg>";
  return out.str();
}

std::string small_multiples(const std::vector<Panel>& panels, int columns, double panel_width,
                            double panel_height, bool with_legend) {
  const int rows = (static_cast<int>(panels.size()) + columns - 1) / columns;
  const double width = columns * panel_width, height = rows * panel_height + 24;
  std::ostringstream out;
  out << open_svg(width, height);
  for (std::size_t i = 0; i < panels.size(); ++i) {
    const double left = static_cast<double>(static_cast<int>(i) % columns) * panel_width;
    const double top = static_cast<double>(static_cast<int>(i) / columns) * panel_height;
    draw(out, panels[i], {left + 46, top + 20, panel_width - 56, panel_height - 48});
  }
  if (with_legend && !panels.empty()) legend(out, panels.front().series, 46, height - 10);
  out << "</svg>";
  return out.str();
}

std::string parallel_coordinates(const std::vector<Axis>& axes, double width, double height,
                                 bool higher_is_better) {
  std::ostringstream out;
  out << open_svg(width, height);
  if (axes.size() < 2) {
    out << "</svg>";
    return out.str();
  }
  const double top = 30, bottom = height - 30, left = 90, right = width - 90;
  const double gap = (right - left) / static_cast<double>(axes.size() - 1);
  // Each axis maps its values to [0, 1] (log10 first where log_axis).
  std::vector<double> lo(axes.size()), hi(axes.size());
  for (std::size_t a = 0; a < axes.size(); ++a) {
    lo[a] = HUGE_VAL;
    hi[a] = -HUGE_VAL;
    for (double v : axes[a].values) {
      if (!std::isfinite(v)) continue;
      const double t = axes[a].log_axis ? std::log10(v) : v;
      lo[a] = std::min(lo[a], t);
      hi[a] = std::max(hi[a], t);
    }
    if (!axes[a].categories.empty()) {
      lo[a] = 0;
      hi[a] = static_cast<double>(axes[a].categories.size() - 1);
    }
    if (!(hi[a] > lo[a])) hi[a] = lo[a] + 1;
  }
  auto pos = [&](std::size_t a, double v) {
    const double t = axes[a].log_axis ? std::log10(v) : v;
    return bottom - (t - lo[a]) / (hi[a] - lo[a]) * (bottom - top);
  };
  const std::size_t rows = axes.front().values.size();
  const std::size_t last = axes.size() - 1;
  // Lines first, worst to best, so the best are drawn on top.
  std::vector<std::size_t> order(rows);
  for (std::size_t r = 0; r < rows; ++r) order[r] = r;
  const double sign = higher_is_better ? 1 : -1;
  std::sort(order.begin(), order.end(), [&](auto a, auto b) {
    const double va = sign * axes[last].values[a], vb = sign * axes[last].values[b];
    return (std::isfinite(va) ? va : -HUGE_VAL) < (std::isfinite(vb) ? vb : -HUGE_VAL);
  });
  for (std::size_t r : order) {
    const double objective = axes[last].values[r];
    if (!std::isfinite(objective)) continue;
    const double t = (objective - lo[last]) / (hi[last] - lo[last]);
    const std::string color = scale_color(higher_is_better ? t : 1 - t);
    std::ostringstream points;
    std::size_t n = 0;
    for (std::size_t a = 0; a < axes.size(); ++a) {
      const double v = axes[a].values[r];
      if (!std::isfinite(v)) continue;
      points << (n++ ? " " : "") << num(left + gap * static_cast<double>(a)) << ","
             << num(pos(a, v));
    }
    out << "<polyline class=\"trial\" points=\"" << points.str() << "\" fill=\"none\" stroke=\""
        << color << "\" stroke-opacity=\"0.6\"/>";
  }
  for (std::size_t a = 0; a < axes.size(); ++a) {
    const double x = left + gap * static_cast<double>(a);
    out << "<line class=\"axis\" x1=\"" << num(x) << "\" x2=\"" << num(x) << "\" y1=\"" << num(top)
        << "\" y2=\"" << num(bottom) << "\" stroke=\"#333\"/>";
    // Long key paths keep their informative end: "...body[2].ratio".
    const std::string& name = axes[a].name;
    const std::string shown = name.size() > 26 ? "..." + name.substr(name.size() - 23) : name;
    out << "<text x=\"" << num(x) << "\" y=\"" << num(top - 12)
        << "\" font-size=\"10\" text-anchor=\"middle\">" << escape(shown) << "</text>";
    if (!axes[a].categories.empty()) {
      for (std::size_t c = 0; c < axes[a].categories.size(); ++c) {
        out << "<text x=\"" << num(x + 4) << "\" y=\"" << num(pos(a, static_cast<double>(c)) + 3)
            << "\" font-size=\"9\">" << escape(axes[a].categories[c]) << "</text>";
      }
    } else {
      for (double t : nice_ticks(lo[a], hi[a], 4)) {
        const double y = bottom - (t - lo[a]) / (hi[a] - lo[a]) * (bottom - top);
        out << "<text x=\"" << num(x + 4) << "\" y=\"" << num(y + 3) << "\" font-size=\"9\">"
            << tick_label(t, axes[a].log_axis) << "</text>";
      }
    }
  }
  out << "</svg>";
  return out.str();
}

}  // namespace nnlab::svg
