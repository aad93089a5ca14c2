#pragma once
/// Static SVG charts for `nnlab report`: line charts, small multiples, scatter and parallel
/// coordinates, written as plain SVG text. Static SVG was chosen over a JavaScript charting
/// library: the page then needs no script, no CDN and no bundled library, opens the same in any
/// browser (and in image viewers), and what it draws is all here, in about 300 lines.
#include <array>
#include <optional>
#include <string>
#include <vector>

namespace nnlab::svg {

struct Series {
  std::string label;
  std::vector<double> x, y;
  std::string color;  ///< CSS colour; empty: from the palette
  bool dashed = false;
  bool points = false;  ///< draw dots instead of a line
  bool bars = false;    ///< draw bars from 0 (x: each bar's left edge; bars are equally wide)
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
/// row, coloured by the last column (the objective). Categorical columns give `categories`.
struct Axis {
  std::string name;
  std::vector<double> values;  ///< one per row (NaN: inactive)
  bool log_axis = false;
  std::vector<std::string> categories;  ///< non-empty: values are indices into it
};
std::string parallel_coordinates(const std::vector<Axis>& axes, double width, double height);

/// Ticks at 1, 2 or 5 x 10^k covering [low, high] (at most about `count` of them).
std::vector<double> nice_ticks(double low, double high, int count);

/// The palette colour for series `i`.
std::string palette(std::size_t i);

/// Escapes &, <, > and quotes for SVG/HTML text.
std::string escape(const std::string& text);

}  // namespace nnlab::svg
