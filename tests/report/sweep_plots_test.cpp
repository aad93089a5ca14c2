// The report's chart primitives (svg_plot) and the sweep figures' pure parts: best so far, the
// EDF, lane packing, ISO times, inverse-distance interpolation. Each against a direct reference.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <optional>
#include <random>
#include <regex>
#include <sstream>

#include "objective_contour.hpp"
#include "svg_plot.hpp"
#include "sweep_plots.hpp"
#include "trial_timeline.hpp"

namespace nnlab {
namespace {

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

/// The (x, y) pixel pairs of the first polyline whose data-label is `label`.
std::vector<std::pair<double, double>> polyline(const std::string& svg, const std::string& label) {
  const auto at = svg.find("data-label=\"" + label + "\" points=\"");
  if (at == std::string::npos) return {};
  const auto from = svg.find("points=\"", at) + 8;
  const std::string points = svg.substr(from, svg.find('"', from) - from);
  std::vector<std::pair<double, double>> out;
  std::istringstream in(points);
  std::string pair;
  while (in >> pair) {
    const auto comma = pair.find(',');
    out.push_back({std::stod(pair.substr(0, comma)), std::stod(pair.substr(comma + 1))});
  }
  return out;
}

/// The numbers of attribute `name` on every element of class `css` (e.g. cy of the dots).
std::vector<double> attribute(const std::string& svg, const std::string& css,
                              const std::string& name) {
  std::vector<double> out;
  const std::regex element("<[a-z]+ class=\"" + css + "\"[^>]*");
  const std::regex value(" " + name + "=\"([-0-9.]+)\"");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), element);
       it != std::sregex_iterator(); ++it) {
    std::smatch m;
    const std::string text = it->str();
    if (std::regex_search(text, m, value)) out.push_back(std::stod(m[1]));
  }
  return out;
}

TEST(SvgPlot, AStepLineHoldsEachValueUntilTheNextX) {
  svg::Series s;
  s.label = "best";
  s.step = true;
  s.x = {0, 1, 3, 4};
  s.y = {1, 3, 3, 5};
  const std::string svg = svg::chart({.title = "t", .series = {s}}, 400, 300);
  const auto points = polyline(svg, "best");
  ASSERT_EQ(points.size(), 2 * s.x.size() - 1);  // a corner before each jump
  for (std::size_t k = 1; k < s.x.size(); ++k) {
    // The corner at x_k still has y_{k-1}; the next point has x_k and y_k.
    EXPECT_DOUBLE_EQ(points[2 * k - 1].second, points[2 * k - 2].second);
    EXPECT_DOUBLE_EQ(points[2 * k - 1].first, points[2 * k].first);
  }
}

TEST(SvgPlot, ARugPutsCrossesAlongTheBottomAndTheLegendListsThem) {
  svg::Series dots, rug;
  dots.label = "ok";
  dots.points = true;
  dots.x = {0, 1, 2};
  dots.y = {1, 2, 3};
  rug.label = "failed";
  rug.rug = true;
  rug.marker = svg::Marker::cross;
  rug.css_class = "fail";
  rug.x = {0.5, 1.5};
  const std::string svg = svg::chart({.series = {dots, rug}}, 400, 300);
  EXPECT_EQ(count(svg, "class=\"point\""), 3u);
  EXPECT_EQ(count(svg, "class=\"cross fail\""), 2u);
  EXPECT_EQ(count(svg, "class=\"cross legend\""), 1u);  // the legend shows the cross, not a line
  EXPECT_NE(svg.find(">failed</text>"), std::string::npos);
  // The crosses sit along the bottom edge, below every dot (a path starts 3.2 px above its centre).
  const auto dots_y = attribute(svg, "point", "cy");
  std::smatch m;
  const std::regex cross("class=\"cross fail\" d=\"M[-0-9.]+ ([-0-9.]+)");
  ASSERT_TRUE(std::regex_search(svg, m, cross));
  EXPECT_GT(std::stod(m[1]) + 3.2, *std::max_element(dots_y.begin(), dots_y.end()));
}

TEST(SvgPlot, ALineCanEndInAMarkerAtItsLastPoint) {
  svg::Series s;
  s.label = "pruned";
  s.x = {0, 1, 2};
  s.y = {0.2, 0.4, 0.3};
  s.end_marker = true;
  s.css_class = "pruned";
  s.in_legend = false;
  const std::string svg = svg::chart({.series = {s}}, 400, 300);
  const auto points = polyline(svg, "pruned");
  ASSERT_EQ(points.size(), 3u);
  const auto cx = attribute(svg, "point pruned", "cx"), cy = attribute(svg, "point pruned", "cy");
  ASSERT_EQ(cx.size(), 1u);
  EXPECT_NEAR(cx[0], points.back().first, 0.01);
  EXPECT_NEAR(cy[0], points.back().second, 0.01);
  EXPECT_EQ(svg.find(">pruned</text>"), std::string::npos);  // not in the legend
}

TEST(SvgPlot, SpansAreHorizontalBarsOnCategoryLanes) {
  svg::Panel panel{.x_range = std::pair{0.0, 10.0}};
  panel.y_categories = {"slot 1", "slot 2"};
  panel.spans = {{.lane = 0, .from = 0, .to = 5, .css_class = "complete", .tooltip = "trial 0"},
                 {.lane = 1, .from = 2, .to = 10, .css_class = "fail"}};
  const std::string svg = svg::chart(panel, 500, 200, false);
  EXPECT_EQ(count(svg, "class=\"span complete\""), 1u);
  EXPECT_EQ(count(svg, "class=\"span fail\""), 1u);
  EXPECT_NE(svg.find("<title>trial 0</title>"), std::string::npos);
  EXPECT_NE(svg.find(">slot 2</text>"), std::string::npos);
  const auto widths = attribute(svg, "span [a-z]+", "width");
  ASSERT_EQ(widths.size(), 2u);
  EXPECT_NEAR(widths[1] / widths[0], 8.0 / 5.0, 1e-3);  // lengths in proportion to the times
  const auto ys = attribute(svg, "span [a-z]+", "y");
  EXPECT_LT(ys[1], ys[0]);  // lane 1 above lane 0
}

TEST(SvgPlot, CellsFillAHeatMapOnLogAxes) {
  svg::Panel panel{.log_x = true};
  panel.log_y = true;
  for (double x : {1.0, 10.0}) {
    for (double y : {1.0, 100.0}) {
      panel.cells.push_back({.x0 = x, .x1 = x * 10, .y0 = y, .y1 = y * 10, .color = "#abcdef"});
    }
  }
  const std::string svg = svg::chart(panel, 400, 300, false);
  EXPECT_EQ(count(svg, "class=\"cell\""), 4u);
  EXPECT_EQ(count(svg, "fill=\"#abcdef\""), 4u);
  // Equal decades are equally wide on a log axis.
  const auto widths = attribute(svg, "cell", "width");
  for (double w : widths) EXPECT_NEAR(w, widths[0], 1e-6);
  // The y decades 1-10 and 100-1000 are one decade apart: a cell's height of space between them.
  auto ys = attribute(svg, "cell", "y");
  std::sort(ys.begin(), ys.end());
  const auto heights = attribute(svg, "cell", "height");
  EXPECT_NEAR(ys.back() - ys.front(), 2 * (heights[0] - 0.25), 0.02);
}

TEST(SvgPlot, ACategoricalAxisNamesItsTicks) {
  svg::Series s;
  s.label = "x";
  s.points = true;
  s.x = {0, 1, 2};
  s.y = {1, 2, 3};
  svg::Panel panel{.series = {s}};
  panel.x_categories = {"sgd", "momentum", "adam"};
  const std::string svg = svg::chart(panel, 400, 300);
  for (const char* name : {">sgd<", ">momentum<", ">adam<"})
    EXPECT_NE(svg.find(name), std::string::npos);
  const auto cx = attribute(svg, "point", "cx");
  ASSERT_EQ(cx.size(), 3u);
  EXPECT_NEAR(cx[1] - cx[0], cx[2] - cx[1], 1e-6);  // evenly spaced positions
}

TEST(SvgPlot, ParallelCoordinatesColourTheBestRedInEitherDirection) {
  const std::vector<svg::Axis> axes = {{.name = "x", .values = {1, 2, 3}},
                                       {.name = "loss", .values = {0.5, 0.1, 0.9}}};
  for (bool higher_is_better : {true, false}) {
    const std::string svg = svg::parallel_coordinates(axes, 400, 300, higher_is_better);
    // The best row is drawn last (on top) and red; the worst first and blue.
    const auto first = svg.find("class=\"trial\""), last = svg.rfind("class=\"trial\"");
    const std::string best = svg.substr(last, svg.find("/>", last) - last);
    const std::string worst = svg.substr(first, svg.find("/>", first) - first);
    EXPECT_NE(best.find("stroke=\"" + svg::scale_color(1) + "\""), std::string::npos) << best;
    EXPECT_NE(worst.find("stroke=\"" + svg::scale_color(0) + "\""), std::string::npos) << worst;
    // The best line ends at the top of the objective's axis when higher is better, else at its
    // bottom (the lowest loss); the worst line the other way round.
    auto end_y = [](const std::string& line) {
      const auto from = line.find("points=\"") + 8;
      const std::string points = line.substr(from, line.find('"', from) - from);
      return std::stod(points.substr(points.rfind(',') + 1));
    };
    const double best_end = end_y(best), worst_end = end_y(worst);
    EXPECT_EQ(best_end < worst_end, higher_is_better);  // SVG y grows downwards
  }
}

TEST(SvgPlot, TheColourScaleRunsFromBlueToRed) {
  EXPECT_EQ(svg::scale_color(0), "hsl(240,70%,45%)");
  EXPECT_EQ(svg::scale_color(1, 72), "hsl(0,70%,72%)");
  EXPECT_EQ(svg::scale_color(2), svg::scale_color(1));  // clamped
}

TEST(SweepPlots, BestSoFarFollowsTheDirection) {
  std::mt19937 random(7);
  std::uniform_real_distribution<double> u(0, 1);
  std::vector<double> values(50);
  for (double& v : values) v = u(random);
  for (bool maximize : {true, false}) {
    const auto best = best_so_far(values, maximize);
    ASSERT_EQ(best.size(), values.size());
    for (std::size_t k = 0; k < values.size(); ++k) {
      const auto first = values.begin(), last = values.begin() + static_cast<long>(k) + 1;
      EXPECT_EQ(best[k],
                maximize ? *std::max_element(first, last) : *std::min_element(first, last));
    }
  }
}

TEST(SweepPlots, TheEdfCountsTheValuesAtOrBelowAndEndsAtOne) {
  std::mt19937 random(3);
  std::uniform_int_distribution<int> d(0, 9);  // ties on purpose
  std::vector<double> values(40);
  for (double& v : values) v = d(random) * 0.1;
  const auto corners = empirical_distribution(values);
  ASSERT_GE(corners.size(), 2u);
  EXPECT_EQ(corners.front().second, 0.0);
  EXPECT_EQ(corners.front().first, *std::min_element(values.begin(), values.end()));
  EXPECT_EQ(corners.back().first, *std::max_element(values.begin(), values.end()));
  EXPECT_EQ(corners.back().second, 1.0);
  for (std::size_t k = 1; k < corners.size(); ++k) {
    const double at = corners[k].first;
    const double below = static_cast<double>(
        std::count_if(values.begin(), values.end(), [&](double v) { return v <= at; }));
    EXPECT_DOUBLE_EQ(corners[k].second, below / static_cast<double>(values.size())) << at;
    EXPECT_GT(corners[k].second, corners[k - 1].second);
  }
  EXPECT_TRUE(empirical_distribution({}).empty());
}

TEST(SweepPlots, LanesNeverOverlapAndAreAsFewAsTheDeepestOverlap) {
  std::mt19937 random(11);
  std::uniform_real_distribution<double> start(0, 100), length(0.5, 20);
  std::vector<std::pair<double, double>> intervals;
  for (int i = 0; i < 200; ++i) {
    const double s = start(random);
    intervals.push_back({s, s + length(random)});
  }
  intervals.push_back({intervals[0].second, intervals[0].second + 1});  // starts as one ends
  const auto lanes = pack_lanes(intervals);
  ASSERT_EQ(lanes.size(), intervals.size());
  for (std::size_t a = 0; a < intervals.size(); ++a) {
    for (std::size_t b = a + 1; b < intervals.size(); ++b) {
      if (lanes[a] != lanes[b]) continue;
      const bool overlap =
          intervals[a].first < intervals[b].second && intervals[b].first < intervals[a].second;
      EXPECT_FALSE(overlap) << a << " and " << b << " share lane " << lanes[a];
    }
  }
  // The deepest overlap: at some start, how many intervals hold it.
  int deepest = 0;
  for (const auto& i : intervals) {
    int holding = 0;
    for (const auto& j : intervals) holding += j.first <= i.first && i.first < j.second;
    deepest = std::max(deepest, holding);
  }
  EXPECT_EQ(*std::max_element(lanes.begin(), lanes.end()) + 1, deepest);
}

TEST(SweepPlots, IsoTimesAsTrialsCsvWritesThem) {
  for (const std::time_t t : {std::time_t{0}, std::time_t{951782400}, std::time_t{1795666200}}) {
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
    EXPECT_EQ(parse_utc_seconds(text), static_cast<double>(t)) << text;
    std::string with_ms(text);
    with_ms.insert(19, ".125");
    EXPECT_EQ(parse_utc_seconds(with_ms), static_cast<double>(t) + 0.125) << with_ms;
  }
  for (const char* bad : {"", "2026-11-26", "2026-11-26T04:10:00", "2026-13-01T00:00:00Z",
                          "2026-11-26T04:10:00.1Zx", "2026-02-30T00:00:00Z"}) {
    EXPECT_FALSE(parse_utc_seconds(bad).has_value()) << bad;
  }
}

TEST(ObjectiveContour, InverseDistanceMatchesAFloat64Reference) {
  const std::vector<std::array<double, 3>> samples = {
      {0.1, 0.2, 1.0}, {0.8, 0.3, 4.0}, {0.5, 0.9, -2.0}, {0.3, 0.6, 0.5}};
  std::vector<double> grid = {0.0, 0.1, 0.25, 0.5, 0.8, 1.0};
  const auto z = inverse_distance_grid(samples, grid, grid);
  ASSERT_EQ(z.size(), grid.size() * grid.size());
  for (std::size_t j = 0; j < grid.size(); ++j) {
    for (std::size_t i = 0; i < grid.size(); ++i) {
      long double num = 0, den = 0;
      std::optional<double> exact;
      for (const auto& s : samples) {
        const long double d2 =
            (grid[i] - s[0]) * (grid[i] - s[0]) + (grid[j] - s[1]) * (grid[j] - s[1]);
        if (d2 == 0) exact = s[2];
        num += s[2] / d2;
        den += 1 / d2;
      }
      const double reference = exact ? *exact : static_cast<double>(num / den);
      EXPECT_NEAR(z[j * grid.size() + i], reference, 1e-12) << i << ", " << j;
      EXPECT_GE(z[j * grid.size() + i], -2.0);  // a weighted mean stays within the samples
      EXPECT_LE(z[j * grid.size() + i], 4.0);
    }
  }
  // A grid point on a sample takes the sample's value.
  EXPECT_EQ(inverse_distance_grid(samples, {0.8}, {0.3})[0], 4.0);
}

}  // namespace
}  // namespace nnlab
