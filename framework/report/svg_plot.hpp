#pragma once
/// Static SVG charts for `nnlab report`: line and step charts, markers, bars, heat-map cells,
/// horizontal bars (spans), small multiples, scatter and parallel coordinates, written as plain SVG
/// text. Static SVG was chosen over a JavaScript charting
/// library: the page then needs no script, no CDN and no bundled library, opens the same in any
/// browser (and in image viewers), and what it draws is all here, in about 300 lines.
#include <array>
#include <optional>
#include <string>
#include <vector>

namespace nnlab::svg {

/// The shape of a point: a dot for a value, a cross for a trial that failed (no value).
enum class Marker { dot, cross };

struct Series {
  std::string label;
  std::vector<double> x, y;
  std::string color;  ///< CSS colour; empty: from the palette
  bool dashed = false;
  bool points = false;  ///< draw markers instead of a line
  bool bars = false;    ///< draw bars from 0 (x: each bar's left edge; bars are equally wide)
  /// A step line: each y holds until the next x, then jumps (a best-so-far line, an EDF).
  bool step = false;
  /// Markers along the bottom edge of the frame at each x, y ignored: trials that have no value
  /// to place (failed ones) still show where they were.
  bool rug = false;
  Marker marker = Marker::dot;  ///< the shape of points, rug marks and the end marker
  bool end_marker = false;      ///< a line ending in a marker: where a pruned trial stopped
  bool in_legend = true;        ///< false: one of many like it (a trial's curve), not listed
  double opacity = 1;           ///< below 1 for many overlapping lines
  std::string css_class{};      ///< added to each element's class, so readers and tests find it
};

/// A horizontal bar from `from` to `to` at height `lane` (a category index): a trial on its slot
/// in a timeline, a parameter's importance.
struct Span {
  double lane = 0;
  double from = 0, to = 0;
  std::string color{};
  std::string css_class{};  ///< added to the element's class
  std::string tooltip{};    ///< shown on hover (an SVG <title>; no script)
};

/// A coloured rectangle in data coordinates: one cell of a heat map, drawn under the series.
struct Cell {
  double x0 = 0, x1 = 0, y0 = 0, y1 = 0;
  std::string color{};
};

/// Built with designated initializers; every member has a default (`{}`), so any may be left out.
struct Panel {
  std::string title{};
  std::vector<Series> series{};
  std::string x_label{}, y_label{};
  std::optional<std::pair<double, double>> y_range{};  ///< fixed; default: from the data
  bool log_x = false;
  std::optional<std::pair<double, double>> x_range{};  ///< fixed; default: from the data
  std::vector<std::array<double, 4>> contours{};       ///< background segments x0, y0, x1, y1
  bool log_y = false;
  /// Non-empty: the axis is categorical, a tick at 0, 1, ... named by these (values are indices).
  std::vector<std::string> x_categories{}, y_categories{};
  std::vector<Span> spans{};  ///< horizontal bars (y: lanes)
  std::vector<Cell> cells{};  ///< heat-map cells, under everything else
  double label_width = 0;     ///< chart(): extra room left of the frame for long y category names
};

/// The segments of the level-`level` contour of z over the grid xs x ys (z row-major, one row per
/// y), by marching squares.
std::vector<std::array<double, 4>> contour(const std::vector<double>& xs,
                                           const std::vector<double>& ys,
                                           const std::vector<double>& z, double level);

/// One chart, `width` x `height` pixels, with axes, ticks, labels and a legend.
std::string chart(const Panel& panel, double width, double height, bool legend = true);

/// Panels in a grid of `columns`, sharing one legend (the first panel's series labels).
std::string small_multiples(const std::vector<Panel>& panels, int columns, double panel_width,
                            double panel_height, bool legend = true);

/// Parallel coordinates: one vertical axis per column (log-scaled where `log_axis`), one line per
/// row, coloured by the last column (the objective): red the best, blue the worst, by
/// `higher_is_better` (the objective's direction). Categorical columns give `categories`.
struct Axis {
  std::string name{};
  std::vector<double> values{};  ///< one per row (NaN: inactive)
  bool log_axis = false;
  std::vector<std::string> categories{};  ///< non-empty: values are indices into it
};
std::string parallel_coordinates(const std::vector<Axis>& axes, double width, double height,
                                 bool higher_is_better = true);

/// Ticks at 1, 2 or 5 x 10^k covering [low, high] (at most about `count` of them).
std::vector<double> nice_ticks(double low, double high, int count);

/// A colour on a blue (0) to red (1) scale of `t`, as parallel coordinates and heat maps use it;
/// `lightness` in percent (lighter for backgrounds).
std::string scale_color(double t, int lightness = 45);

/// An HTML figure: the SVG and its caption (escaped).
std::string figure(const std::string& svg, const std::string& caption);

/// The palette colour for series `i`.
std::string palette(std::size_t i);

/// Escapes &, <, > and quotes for SVG/HTML text.
std::string escape(const std::string& text);

}  // namespace nnlab::svg
