#include "trials_table.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "nnlab/error.hpp"
#include "results.hpp"

namespace nnlab {

namespace fs = std::filesystem;

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c == '\n' || c == '\r' ? ' ' : c;
  }
  return out + "\"";
}

namespace {
std::string join_fields(const std::vector<std::string>& fields) {
  std::string line;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) line += ',';
    line += fields[i];
  }
  return line;
}
}  // namespace

std::vector<std::string> parse_csv_line(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return fields;
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

std::string TrialsTable::header(const std::vector<std::string>& parameters) {
  std::vector<std::string> columns = {"trial", "state", "fail_reason", "seed"};
  for (const auto& p : parameters) columns.push_back(csv_field(p));
  for (const char* c : {"objective", "best_epoch", "last_epoch", "updates", "duration_s",
                        "started_at", "finished_at", "threads", "config_hash"}) {
    columns.emplace_back(c);
  }
  return join_fields(columns);
}

TrialsTable::TrialsTable(const std::string& path, const std::vector<std::string>& parameters)
    : path_(path) {
  std::error_code ec;
  const bool fresh = !fs::exists(path, ec) || fs::file_size(path, ec) == 0;
  file_ = std::fopen(path.c_str(), "a");
  if (!file_) throw Error(path + ": cannot write: " + std::strerror(errno));
  if (fresh) {
    std::fprintf(file_, "%s\n", header(parameters).c_str());
    std::fflush(file_);
  }
}

TrialsTable::~TrialsTable() {
  if (file_) std::fclose(file_);
}

void TrialsTable::append(const TrialRecord& r) {
  std::vector<std::string> fields = {std::to_string(r.trial), r.state, csv_field(r.fail_reason),
                                     std::to_string(r.seed)};
  for (const auto& v : r.values) fields.push_back(csv_field(v));
  char number[64] = "";
  if (r.objective) std::snprintf(number, sizeof number, "%.9g", *r.objective);
  char duration[32];
  std::snprintf(duration, sizeof duration, "%.3f", r.duration_s);
  fields.insert(fields.end(),
                {number, r.best_epoch >= 0 ? std::to_string(r.best_epoch) : "",
                 r.last_epoch >= 0 ? std::to_string(r.last_epoch) : "", std::to_string(r.updates),
                 duration,
                 r.started_at, r.finished_at, std::to_string(r.threads), r.config_hash});
  const std::string row = join_fields(fields) + "\n";
  // One write of the whole row, then a flush: a kill leaves at most one cut-short last line.
  if (std::fputs(row.c_str(), file_) < 0 || std::fflush(file_) != 0)
    throw Error(path_ + ": write failed: " + std::strerror(errno));
}

namespace {

/// The file's complete lines; with `repair`, a cut-short last line is removed from the file itself.
std::vector<std::string> complete_lines(const std::string& path, bool repair = true) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  const std::size_t end = text.rfind('\n');
  const std::size_t keep = end == std::string::npos ? 0 : end + 1;
  if (repair && keep != text.size()) fs::resize_file(path, keep);
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < keep) {
    const std::size_t nl = text.find('\n', start);
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

}  // namespace

std::vector<TrialRecord> TrialsTable::read(const std::string& path,
                                           const std::vector<std::string>& parameters,
                                           bool repair) {
  const auto lines = complete_lines(path, repair);
  if (lines.empty()) return {};
  if (lines[0] != header(parameters)) {
    throw Error(path + ": its columns are not this search space's (found \"" + lines[0] +
                "\", expected \"" + header(parameters) + "\")");
  }
  std::vector<TrialRecord> records;
  const std::size_t n = parameters.size();
  for (std::size_t i = 1; i < lines.size(); ++i) {
    const auto f = parse_csv_line(lines[i]);
    if (f.size() != n + 13)
      throw Error(path + ":" + std::to_string(i + 1) + ": expected " + std::to_string(n + 13) +
                  " fields");
    TrialRecord r;
    try {
      r.trial = std::stoll(f[0]);
      r.state = f[1];
      r.fail_reason = f[2];
      r.seed = std::stoull(f[3]);
      r.values.assign(f.begin() + 4, f.begin() + 4 + static_cast<std::ptrdiff_t>(n));
      if (!f[n + 4].empty()) r.objective = std::stod(f[n + 4]);
      r.best_epoch = f[n + 5].empty() ? -1 : std::stoll(f[n + 5]);
      r.last_epoch = f[n + 6].empty() ? -1 : std::stoll(f[n + 6]);
      r.updates = std::stoll(f[n + 7]);
      r.duration_s = std::stod(f[n + 8]);
      r.started_at = f[n + 9];
      r.finished_at = f[n + 10];
      r.threads = std::stoi(f[n + 11]);
      r.config_hash = f[n + 12];
    } catch (const std::exception&) {
      throw Error(path + ":" + std::to_string(i + 1) + ": not a trial row");
    }
    records.push_back(std::move(r));
  }
  return records;
}

void keep_curve_rows(const std::string& path, const std::set<std::int64_t>& trials) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return;
  const auto lines = complete_lines(path);
  std::string kept;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (i == 0) {
      kept += lines[i] + "\n";
      continue;
    }
    const auto comma = lines[i].find(',');
    try {
      if (trials.count(std::stoll(lines[i].substr(0, comma)))) kept += lines[i] + "\n";
    } catch (const std::exception&) {
      // not a row: drop it
    }
  }
  write_file_atomically(path, kept);
}

}  // namespace nnlab
