#pragma once
/// trials.csv: one row per finished trial, appended and flushed as each trial ends, so an
/// interrupted sweep (Ctrl-C or kill -9) keeps every finished trial and --resume can read them
/// back.
#include <cstdint>
#include <cstdio>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace nnlab {

struct TrialRecord {
  std::int64_t trial = 0;
  std::string state;        ///< COMPLETE, PRUNED or FAIL
  std::string fail_reason;  ///< for FAIL: "nan", or "exception: <message>"
  std::uint64_t seed = 0;
  std::vector<std::string> values;  ///< one per searched parameter; empty when inactive
  std::optional<double> objective;
  std::int64_t best_epoch = -1;
  std::int64_t last_epoch = -1;  ///< the last evaluation's epoch: where a PRUNED trial stopped
  std::int64_t updates = 0;      ///< optimizer steps taken, over all repeats (the budget spent)
  double duration_s = 0;
  std::string started_at, finished_at;  ///< ISO 8601, UTC
  int threads = 1;
  std::string config_hash;
};

class TrialsTable {
 public:
  /// The header: trial,state,fail_reason,seed,<parameters>,objective,best_epoch,duration_s,...
  static std::string header(const std::vector<std::string>& parameters);

  /// Opens `path` to append (writing the header when the file is new or empty).
  TrialsTable(const std::string& path, const std::vector<std::string>& parameters);
  ~TrialsTable();
  TrialsTable(const TrialsTable&) = delete;
  TrialsTable& operator=(const TrialsTable&) = delete;

  /// Appends one row and flushes it.
  void append(const TrialRecord& record);

  /// The complete rows of an existing table. With `repair` (resuming), a last line cut short by a
  /// kill is also dropped from the file; without (reading a live sweep), the file is untouched.
  /// Throws nnlab::Error if the header is not the one `parameters` gives.
  static std::vector<TrialRecord> read(const std::string& path,
                                       const std::vector<std::string>& parameters,
                                       bool repair = true);

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
};

/// One CSV field, quoted when it holds a comma, a quote or a line break.
std::string csv_field(const std::string& text);
/// Splits one CSV line (RFC 4180 quoting).
std::vector<std::string> parse_csv_line(const std::string& line);

/// Rewrites a long-form curves.csv keeping only the rows of `trials` (and dropping a cut-short last
/// line): what --resume does to rows of trials that did not finish.
void keep_curve_rows(const std::string& path, const std::set<std::int64_t>& trials);

/// Now as ISO 8601 UTC with milliseconds, e.g. 2026-11-26T04:10:00.123Z.
std::string utc_now();

}  // namespace nnlab
