#pragma once
/// Result files. curves.csv is long form, `trial,epoch,metric,value`, one row per metric per
/// evaluation, flushed as produced so an interrupted run keeps every row it reached.
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "trainer.hpp"

namespace nnlab {

class CurvesWriter {
 public:
  /// Creates (or truncates) `path` and writes the header; with `append`, adds to an existing file
  /// (writing the header only if it is new or empty).
  explicit CurvesWriter(const std::string& path, bool append = false);
  ~CurvesWriter();
  CurvesWriter(const CurvesWriter&) = delete;
  CurvesWriter& operator=(const CurvesWriter&) = delete;

  /// Appends the rows of one evaluation and flushes them to the file.
  void write(std::int64_t trial, const EvalPoint& point);
  /// Appends the rows of several evaluations, then flushes once.
  void write(std::int64_t trial, const std::vector<EvalPoint>& points);

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
};

/// A curves.csv read back: trial -> metric -> (epoch, value), in file order.
using Curves =
    std::map<std::int64_t, std::map<std::string, std::vector<std::pair<double, double>>>>;

/// Reads a curves.csv (a cut-short last line, from a run still going or killed, is skipped). Throws
/// Error naming the file when it cannot be read or is not a curves file.
Curves read_curves(const std::string& path);

/// steps.csv, `trial,iteration,loss`: the minibatch loss every train.log_every updates (E2, E4).
class StepsWriter {
 public:
  explicit StepsWriter(const std::string& path, bool append = false);
  ~StepsWriter();
  StepsWriter(const StepsWriter&) = delete;
  StepsWriter& operator=(const StepsWriter&) = delete;
  /// Appends one trial's rows and flushes them.
  void write(std::int64_t trial, const std::vector<std::pair<std::int64_t, double>>& steps);

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
};

/// Writes `text` to `path` atomically (a temporary file, then rename), so a reader never sees half.
void write_file_atomically(const std::string& path, const std::string& text);

}  // namespace nnlab
