#include "trials_table.hpp"

#include <algorithm>
#include <cstdio>
#include <vector>

namespace nnlab {
namespace {

std::string format(const char* pattern, double value) {
  char text[64];
  std::snprintf(text, sizeof text, pattern, value);
  return text;
}

}  // namespace

std::optional<TrialsSort> parse_trials_sort(std::string_view text) {
  if (text == "trial") return TrialsSort::trial;
  if (text == "objective") return TrialsSort::objective;
  if (text == "duration") return TrialsSort::duration;
  return std::nullopt;
}

std::string trials_table(const SweepFolder& folder, const TrialsTableOptions& options) {
  const SearchSpec& search = *folder.spec.search;
  std::vector<const TrialRecord*> rows;
  std::int64_t complete = 0, pruned = 0, failed = 0;
  for (const auto& t : folder.trials) {
    (t.state == TrialState::complete ? complete
     : t.state == TrialState::pruned ? pruned
                                     : failed)++;
    if (!options.state || t.state == *options.state) rows.push_back(&t);
  }
  // A multi-objective sweep sorts by its first evaluation metric (`objective` holds it).
  const auto better = [&](double a, double b) { return search.maximize ? a > b : a < b; };
  std::stable_sort(rows.begin(), rows.end(), [&](const TrialRecord* a, const TrialRecord* b) {
    switch (options.sort) {
      case TrialsSort::objective:
        // A trial without an objective (failed) goes after every trial with one.
        if (a->objective.has_value() != b->objective.has_value()) return a->objective.has_value();
        if (a->objective && *a->objective != *b->objective) {
          return better(*a->objective, *b->objective);
        }
        break;
      case TrialsSort::duration:
        if (a->duration_s != b->duration_s) return a->duration_s > b->duration_s;
        break;
      case TrialsSort::trial:
        break;
    }
    return a->trial < b->trial;
  });
  if (options.top > 0 && static_cast<std::int64_t>(rows.size()) > options.top) {
    rows.resize(static_cast<std::size_t>(options.top));
  }

  bool any_reason = false;
  for (const TrialRecord* t : rows) any_reason = any_reason || !t->fail_reason.empty();
  // A multi-objective sweep shows a column per objective and the pareto flag.
  const std::size_t objectives = std::max<std::size_t>(1, search.objectives.size());
  std::vector<std::string> header = {"trial", "state"};
  if (search.objectives.empty()) header.push_back("objective");
  for (const auto& o : search.objectives) header.push_back(o.measure.name());
  if (!search.objectives.empty()) header.push_back("pareto");
  const std::size_t first_parameter = header.size();
  header.insert(header.end(), folder.parameters.begin(), folder.parameters.end());
  header.push_back("duration_s");
  if (any_reason) header.push_back("reason");
  // Numbers line up on the right, text on the left.
  std::vector<bool> right(header.size(), false);
  right[0] = true;
  for (std::size_t c = 2; c < 2 + objectives; ++c) right[c] = true;
  right[first_parameter + folder.parameters.size()] = true;

  std::vector<std::vector<std::string>> cells = {header};
  for (const TrialRecord* t : rows) {
    std::vector<std::string> row = {std::to_string(t->trial),
                                    std::string(trial_state_name(t->state))};
    if (search.objectives.empty()) {
      row.push_back(t->objective ? format("%.6g", *t->objective) : "-");
    } else {
      for (std::size_t i = 0; i < search.objectives.size(); ++i)
        row.push_back(i < t->objectives.size() ? format("%.6g", t->objectives[i]) : "-");
      row.push_back(t->pareto ? "*" : "");
    }
    for (const auto& v : t->values) row.push_back(v.empty() ? "-" : v);
    row.push_back(format("%.2f", t->duration_s));
    if (any_reason) row.push_back(t->fail_reason);
    cells.push_back(std::move(row));
  }
  std::vector<std::size_t> width(header.size(), 0);
  for (const auto& row : cells) {
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
  }

  std::string text = folder.dir + ": " + std::to_string(folder.trials.size()) + " trials (" +
                     std::to_string(complete) + " complete, " + std::to_string(pruned) +
                     " pruned, " + std::to_string(failed) + " failed); ";
  if (search.objectives.empty()) {
    text += "objective " + search.metric.name() + " (" + (search.maximize ? "max" : "min") + ")";
  } else {
    std::int64_t front = 0;
    for (const auto& t : folder.trials) front += t.pareto;
    text += "objectives";
    // Appended piece by piece: `" " + std::string&&` trips GCC 12's -Wrestrict (PR 105329).
    for (const auto& o : search.objectives) {
      text += ' ';
      text += o.measure.name();
      text += o.maximize ? " (max)" : " (min)";
    }
    text += "; ";
    text += std::to_string(front);
    text += " on the Pareto front (*)";
  }
  if (rows.size() != folder.trials.size()) text += "; " + std::to_string(rows.size()) + " shown";
  text += "\n";
  for (const auto& row : cells) {
    std::string line;
    for (std::size_t c = 0; c < row.size(); ++c) {
      const std::string padding(width[c] - row[c].size(), ' ');
      if (c > 0) line += "  ";
      line += right[c] ? padding + row[c] : row[c] + padding;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    text += line + "\n";
  }
  return text;
}

}  // namespace nnlab
