#include "results/trials_file.hpp"

#include <array>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <limits>
#include <set>
#include <utility>

#include "nnlab/error.hpp"

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

std::vector<std::string> trials_columns(const std::vector<std::string>& parameters) {
  std::vector<std::string> columns = {"trial", "state", "fail_reason", "seed"};
  columns.insert(columns.end(), parameters.begin(), parameters.end());
  columns.insert(columns.end(), kTail.begin(), kTail.end());
  return columns;
}

namespace {
std::string header_of(const std::vector<std::string>& parameters) {
  std::vector<std::string> fields;
  for (const auto& c : trials_columns(parameters)) fields.push_back(csv_field(c));
  return join_csv(fields);
}
}  // namespace

TrialsWriter::TrialsWriter(const std::string& path, const std::vector<std::string>& parameters)
    : csv_(path, header_of(parameters), true) {}

void TrialsWriter::append(const TrialRecord& r) {
  std::vector<std::string> fields = {std::to_string(r.trial),
                                     std::string(trial_state_name(r.state)),
                                     csv_field(r.fail_reason), std::to_string(r.seed)};
  for (const auto& v : r.values) fields.push_back(csv_field(v));
  char duration[32];
  std::snprintf(duration, sizeof duration, "%.3f", r.duration_s);
  fields.insert(fields.end(),
                {r.objective ? csv_number(*r.objective) : "",
                 r.best_epoch >= 0 ? std::to_string(r.best_epoch) : "",
                 r.last_epoch >= 0 ? std::to_string(r.last_epoch) : "", std::to_string(r.updates),
                 duration, r.started_at, r.finished_at, std::to_string(r.threads), r.config_hash});
  csv_.write(join_csv(fields) + "\n");
}

std::vector<TrialRecord> read_trials(const std::string& path,
                                     const std::vector<std::string>& parameters, bool repair) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return {};
  const CsvReader csv(path, trials_columns(parameters),
                      "this search space's trials file (its columns differ)");
  if (repair && csv.cut_short()) std::filesystem::resize_file(path, csv.complete_bytes());
  std::vector<TrialRecord> records;
  const std::size_t n = parameters.size();
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
    for (std::size_t p = 0; p < n; ++p) r.values.push_back(f.text(4 + p));
    if (!f.text(n + 4).empty()) r.objective = f.number(n + 4);
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
