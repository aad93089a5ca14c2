#pragma once
/// curves.csv: long form, `trial,epoch,metric,value`, one row per metric per evaluation, flushed
/// as produced so an interrupted run keeps every row it reached. A single run writes trial 0.
/// This module owns the file: its columns, writer, reader, and the resume-time trim.
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "metric.hpp"
#include "results/csv.hpp"

namespace nnlab {

class CurvesWriter {
 public:
  /// Creates (or truncates) `path` and writes the header; with `append`, adds to an existing file
  /// (writing the header only if it is new or empty).
  explicit CurvesWriter(const std::string& path, bool append = false);

  /// Appends the rows of one evaluation and flushes them to the file.
  void write(std::int64_t trial, const EvalPoint& point);
  /// Appends the rows of several evaluations, then flushes once.
  void write(std::int64_t trial, const std::vector<EvalPoint>& points);

 private:
  CsvWriter csv_;
};

/// A curves.csv read back: trial -> metric -> (epoch, value), in file order.
using Curves = std::map<std::int64_t, std::map<Metric, std::vector<std::pair<double, double>>>>;

/// Reads a curves.csv (a cut-short last line, from a run still going or killed, is skipped).
/// Throws Error naming the file when it cannot be read or is not a curves file, and file:line and
/// column for a bad row.
Curves read_curves(const std::string& path);

/// Rewrites a long-form file whose first column is the trial (curves.csv, steps.csv) keeping only
/// the rows of `trials`, and dropping a cut-short last line: what --resume does to rows of trials
/// that did not finish. A missing file is left missing.
void keep_trial_rows(const std::string& path, const std::set<std::int64_t>& trials);

/// Rewrites a long-form file keeping the rows whose integer `column` (curves.csv's epoch,
/// steps.csv's iteration, probe.csv's update: all column 1) is at most `last`: what
/// `nnlab run --resume` does to the rows written after its checkpoint. A missing file is left
/// missing.
void keep_rows_through(const std::string& path, std::size_t column, std::int64_t last);

}  // namespace nnlab
