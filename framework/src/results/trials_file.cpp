#include "results/trials_file.hpp"

#include <array>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <limits>
#include <set>
#include <utility>

#include "nnlab/error.hpp"
#include "nnlab/pareto.hpp"

namespace nnlab {

namespace {
constexpr std::array<std::pair<TrialState, std::string_view>, 3> kStates = {
    {{TrialState::complete, "COMPLETE"},
     {TrialState::pruned, "PRUNED"},
     {TrialState::failed, "FAIL"}}};
/// Columns after the parameters.
constexpr std::array<const char*, 9> kTail = {"objective",   "best_epoch", "last_epoch",
                                              "updates",     "duration_s", "started_at",
                                              "finished_at", "threads",    "config_hash"};
}  // namespace

std::string_view trial_state_name(TrialState state) {
  for (const auto& [value, name] : kStates) {
    if (value == state) return name;
  }
  return "?";
}

std::optional<TrialState> parse_trial_state(std::string_view text) {
  for (const auto& [value, name] : kStates) {
    if (name == text) return value;
  }
  return std::nullopt;
}

std::string utc_now() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[96];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(ms));
  return buffer;
}

std::vector<std::string> trials_columns(const std::vector<std::string>& parameters,
                                        const std::vector<std::string>& objectives) {
  std::vector<std::string> columns = {"trial", "state", "fail_reason", "seed"};
  columns.insert(columns.end(), parameters.begin(), parameters.end());
  if (objectives.empty()) {
    columns.insert(columns.end(), kTail.begin(), kTail.end());
    return columns;
  }
  for (const auto& o : objectives) columns.push_back("objective_" + o);
  columns.push_back("pareto");
  columns.insert(columns.end(), kTail.begin() + 1, kTail.end());
  return columns;
}

void use_objective(std::vector<TrialRecord>& records, std::optional<std::size_t> index) {
  for (auto& r : records) {
    r.objective.reset();
    if (index && *index < r.objectives.size()) r.objective = r.objectives[*index];
  }
}

bool mark_pareto(std::vector<TrialRecord>& records, std::span<const Direction> directions) {
  ObjectivePoints points;
  std::vector<std::size_t> index;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const TrialRecord& r = records[i];
    if (r.state != TrialState::complete || r.objectives.size() != directions.size()) continue;
    points.push_back(minimized(r.objectives, directions));
    index.push_back(i);
  }
  const std::vector<bool> optimal = pareto_optimal(points);
  std::vector<bool> flags(records.size(), false);
  for (std::size_t j = 0; j < index.size(); ++j) flags[index[j]] = optimal[j];
  bool changed = false;
  for (std::size_t i = 0; i < records.size(); ++i) {
    changed = changed || records[i].pareto != flags[i];
    records[i].pareto = flags[i];
  }
  return changed;
}

namespace {
std::string header_of(const std::vector<std::string>& parameters,
                      const std::vector<std::string>& objectives) {
  std::vector<std::string> fields;
  for (const auto& c : trials_columns(parameters, objectives)) fields.push_back(csv_field(c));
  return join_csv(fields);
}
}  // namespace

TrialsWriter::TrialsWriter(const std::string& path, const std::vector<std::string>& parameters,
                           const std::vector<std::string>& objectives)
    : csv_(path, header_of(parameters, objectives), true), objectives_(objectives.size()) {}

void TrialsWriter::append(const TrialRecord& r) {
  std::vector<std::string> fields = {std::to_string(r.trial),
                                     std::string(trial_state_name(r.state)),
                                     csv_field(r.fail_reason), std::to_string(r.seed)};
  for (const auto& v : r.values) fields.push_back(csv_field(v));
  char duration[32];
  std::snprintf(duration, sizeof duration, "%.3f", r.duration_s);
  if (objectives_ == 0) {
    fields.push_back(r.objective ? csv_number(*r.objective) : "");
  } else {
    for (std::size_t i = 0; i < objectives_; ++i)
      fields.push_back(i < r.objectives.size() ? csv_number(r.objectives[i]) : "");
    fields.push_back(r.pareto ? "true" : "false");
  }
  fields.insert(fields.end(),
                {r.best_epoch >= 0 ? std::to_string(r.best_epoch) : "",
                 r.last_epoch >= 0 ? std::to_string(r.last_epoch) : "", std::to_string(r.updates),
                 duration, r.started_at, r.finished_at, std::to_string(r.threads), r.config_hash});
  csv_.write(join_csv(fields) + "\n");
}

std::vector<TrialRecord> read_trials(const std::string& path,
                                     const std::vector<std::string>& parameters, bool repair,
                                     const std::vector<std::string>& objectives) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return {};
  const CsvReader csv(path, trials_columns(parameters, objectives),
                      "this search space's trials file (its columns differ)");
  if (repair && csv.cut_short()) std::filesystem::resize_file(path, csv.complete_bytes());
  std::vector<TrialRecord> records;
  // Past the objective columns (and the pareto flag), a multi-objective row reads like a single
  // objective's, shifted: `n` is where best_epoch sits, less 5.
  const std::size_t m = objectives.size();
  const std::size_t n = parameters.size() + (m == 0 ? 0 : m);
  std::set<std::int64_t> seen;
  for (std::size_t i = 0; i < csv.rows(); ++i) {
    const CsvRow f = csv.row(i);
    TrialRecord r;
    // A trial number is a row's identity on resume: negative or repeated, rows would be lost or
    // run twice.
    const std::uint64_t trial = f.unsigned_integer(0);
    if (trial > std::uint64_t{std::numeric_limits<std::int32_t>::max()})
      f.fail(0, "expected a trial number, got '" + f.text(0) + "'");
    r.trial = static_cast<std::int64_t>(trial);
    if (!seen.insert(r.trial).second)
      f.fail(0, "trial " + f.text(0) + " appears twice; expected one row per trial");
    const auto state = parse_trial_state(f.text(1));
    if (!state) f.fail(1, "expected COMPLETE, PRUNED or FAIL, got '" + f.text(1) + "'");
    r.state = *state;
    r.fail_reason = f.text(2);
    r.seed = f.unsigned_integer(3);
    for (std::size_t p = 0; p < parameters.size(); ++p) r.values.push_back(f.text(4 + p));
    if (m == 0) {
      if (!f.text(n + 4).empty()) r.objective = f.number(n + 4);
    } else {
      const std::size_t first = 4 + parameters.size();
      for (std::size_t o = 0; o < m; ++o) {
        if (!f.text(first + o).empty()) r.objectives.push_back(f.number(first + o));
      }
      if (!r.objectives.empty() && r.objectives.size() != m)
        f.fail(first, "expected a value in every objective column, or in none");
      const std::string flag = f.text(first + m);
      if (flag != "true" && flag != "false")
        f.fail(first + m, "expected true or false, got '" + flag + "'");
      r.pareto = flag == "true";
    }
    r.best_epoch = f.integer_or(n + 5, -1);
    r.last_epoch = f.integer_or(n + 6, -1);
    r.updates = f.integer(n + 7);
    r.duration_s = f.number(n + 8);
    r.started_at = f.text(n + 9);
    r.finished_at = f.text(n + 10);
    r.threads = static_cast<int>(f.integer(n + 11));
    r.config_hash = f.text(n + 12);
    records.push_back(std::move(r));
  }
  return records;
}

}  // namespace nnlab
