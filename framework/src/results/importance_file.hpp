#pragma once
/// importance.csv: `nnlab importance`'s result, one row per parameter, highest first; written
/// whole and atomically (a reader, such as the report, never sees half). This module owns the
/// file: its columns, its row type, its writer and its reader.
#include <cstdint>
#include <string>
#include <vector>

namespace nnlab {

/// One row of importance.csv.
struct ImportanceRecord {
  std::int64_t rank = 0;  ///< 1 = the most important
  std::string parameter;
  double importance = 0;     ///< the parameter's share (the unconditional ones sum to 1)
  std::int64_t trials = 0;   ///< complete trials it was computed on
  bool conditional = false;  ///< computed on the trials where the parameter is active only
  std::string method;        ///< fanova | ped-anova
};

/// rank,parameter,importance,trials,conditional,method
std::vector<std::string> importance_columns();

/// Writes `records` to `path` (a temporary file, then rename). Throws Error naming the file.
void write_importance(const std::string& path, const std::vector<ImportanceRecord>& records);

/// Reads importance.csv; a bad row is an Error with file:line and column.
std::vector<ImportanceRecord> read_importance(const std::string& path);

}  // namespace nnlab
