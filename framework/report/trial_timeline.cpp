#include "trial_timeline.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <numeric>

namespace nnlab {

std::optional<double> parse_utc_seconds(const std::string& text) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, used = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &year, &month, &day, &hour, &minute,
                  &second, &used) != 6 ||
      used != 19) {
    return std::nullopt;
  }
  double fraction = 0;
  std::size_t at = 19;
  if (at < text.size() && text[at] == '.') {
    double scale = 0.1;
    for (++at; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at, scale /= 10)
      fraction += (text[at] - '0') * scale;
  }
  if (at + 1 != text.size() || text[at] != 'Z') return std::nullopt;
  const std::chrono::year_month_day date{std::chrono::year(year),
                                         std::chrono::month(static_cast<unsigned>(month)),
                                         std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok() || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  const auto days = std::chrono::sys_days(date).time_since_epoch().count();
  return static_cast<double>(days) * 86400.0 + hour * 3600.0 + minute * 60.0 + second + fraction;
}

std::vector<int> pack_lanes(const std::vector<std::pair<double, double>>& intervals) {
  std::vector<std::size_t> order(intervals.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return intervals[a].first < intervals[b].first;
  });
  std::vector<int> lanes(intervals.size(), 0);
  std::vector<double> free_at;  // per lane: when its last interval ended
  for (std::size_t i : order) {
    // The lowest free lane (not the earliest freed): the picture then fills slot 1 first, as a
    // reader expects, and the count of lanes is the same (interval graphs are perfect).
    std::size_t lane = 0;
    while (lane < free_at.size() && free_at[lane] > intervals[i].first) ++lane;
    if (lane == free_at.size()) free_at.push_back(0);
    free_at[lane] = std::max(intervals[i].second, intervals[i].first);
    lanes[i] = static_cast<int>(lane);
  }
  return lanes;
}

std::string trial_timeline_figure(const SweepData& sweep) {
  std::vector<const TrialRecord*> timed;
  std::vector<std::pair<double, double>> intervals;
  for (const auto& t : sweep.trials) {
    const auto start = parse_utc_seconds(t.started_at), finish = parse_utc_seconds(t.finished_at);
    if (!start || !finish) continue;
    timed.push_back(&t);
    intervals.push_back({*start, std::max(*start, *finish)});
  }
  if (timed.empty()) {
    return "<p class=\"skipped\">Timeline of trials: skipped, no trial has its start and finish "
           "times.</p>\n";
  }
  const std::vector<int> lanes = pack_lanes(intervals);
  double first = HUGE_VAL, last = -HUGE_VAL, busy = 0;
  for (const auto& [start, finish] : intervals) {
    first = std::min(first, start);
    last = std::max(last, finish);
    busy += finish - start;
  }
  const int slots = *std::max_element(lanes.begin(), lanes.end()) + 1;
  svg::Panel panel{.title = "trials over slots", .x_label = "seconds since the first start"};
  panel.label_width = 12;
  for (int s = 0; s < slots; ++s) panel.y_categories.push_back("slot " + std::to_string(s + 1));
  for (std::size_t i = 0; i < timed.size(); ++i) {
    const TrialRecord& t = *timed[i];
    const std::string state(trial_state_name(t.state));
    char tooltip[160];
    std::snprintf(tooltip, sizeof tooltip, "trial %lld: %s, %.2f s",
                  static_cast<long long>(t.trial), state.c_str(),
                  intervals[i].second - intervals[i].first);
    std::string css = state;
    std::transform(css.begin(), css.end(), css.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    panel.spans.push_back(
        {.lane = static_cast<double>(lanes[i]),
         .from = intervals[i].first - first,
         .to = intervals[i].second - first,
         .color = state_color(t.state),
         .css_class = css,
         .tooltip = tooltip + (t.fail_reason.empty() ? "" : " (" + t.fail_reason + ")")});
  }
  // The legend: one entry per state that occurs.
  for (TrialState state : {TrialState::complete, TrialState::pruned, TrialState::failed}) {
    const bool occurs = std::any_of(timed.begin(), timed.end(),
                                    [&](const TrialRecord* t) { return t->state == state; });
    if (!occurs) continue;
    svg::Series entry;
    entry.label = std::string(trial_state_name(state));
    entry.color = state_color(state);
    panel.series.push_back(entry);
  }
  panel.x_range = std::pair{0.0, std::max(last - first, 1e-3)};
  const double wall = last - first;
  char caption[400];
  std::snprintf(caption, sizeof caption,
                "Each trial a bar from its start to its finish, coloured by state, on the slot it "
                "ran in (trials.csv has no slot: each trial takes the lowest slot free when it "
                "starts). %d slot%s busy %.0f%% of the %.1f s the trials spanned.",
                slots, slots == 1 ? " was" : "s were",
                wall > 0 ? 100.0 * busy / (slots * wall) : 100.0, wall);
  const double height = 110 + 26.0 * slots;
  return svg::figure(svg::chart(panel, 860, std::min(height, 700.0)), caption);
}

}  // namespace nnlab
