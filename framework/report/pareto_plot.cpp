#include "pareto_plot.hpp"

#include <algorithm>

#include "nnlab/pareto.hpp"
#include "svg_plot.hpp"

namespace nnlab {

std::string pareto_front_figure(const SearchSpec& search, const std::vector<TrialRecord>& trials) {
  if (search.objectives.size() < 2) return "";
  const std::vector<Direction> directions = {
      search.objectives[0].maximize ? Direction::maximize : Direction::minimize,
      search.objectives[1].maximize ? Direction::maximize : Direction::minimize};
  svg::Series all, front, steps;
  all.label = "trial";
  all.color = "#aaaaaa";
  all.points = true;
  front.label = "Pareto-optimal";
  front.color = "#d62728";
  front.points = true;
  steps.label = "front";
  steps.color = "#d62728";
  ObjectivePoints points;
  for (const auto& t : trials) {
    if (t.state != TrialState::complete || t.objectives.size() < 2) continue;
    all.x.push_back(t.objectives[0]);
    all.y.push_back(t.objectives[1]);
    points.push_back({t.objectives[0], t.objectives[1]});
  }
  if (points.empty()) return "";
  // The front of the first two objectives: with three or more, a trial on the whole front may be
  // dominated in these two, so the flag in trials.csv is not used here.
  ObjectivePoints minimized_points;
  for (const auto& p : points) minimized_points.push_back(minimized(p, directions));
  const std::vector<bool> optimal = pareto_optimal(minimized_points);
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (optimal[i]) order.push_back(i);
  }
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return minimized_points[a] < minimized_points[b];
  });
  // The staircase: from each point across to the next one's first objective, then to it.
  for (std::size_t i = 0; i < order.size(); ++i) {
    const auto& p = points[order[i]];
    if (i > 0) {
      steps.x.push_back(p[0]);
      steps.y.push_back(points[order[i - 1]][1]);
    }
    steps.x.push_back(p[0]);
    steps.y.push_back(p[1]);
    front.x.push_back(p[0]);
    front.y.push_back(p[1]);
  }
  const std::string x = search.objectives[0].measure.name(),
                    y = search.objectives[1].measure.name();
  const svg::Panel panel{
      .title = "Pareto front",
      .series = {all, steps, front},
      .x_label = x + (directions[0] == Direction::maximize ? " (max)" : " (min)"),
      .y_label = y + (directions[1] == Direction::maximize ? " (max)" : " (min)")};
  return "<figure>" + svg::chart(panel, 640, 400) + "<figcaption>" +
         svg::escape("The first two objectives of the " + std::to_string(points.size()) +
                     " complete trials; the " + std::to_string(order.size()) +
                     " Pareto-optimal ones in red, joined by the edge of what they dominate.") +
         "</figcaption></figure>\n";
}

}  // namespace nnlab
