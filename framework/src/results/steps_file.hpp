#pragma once
/// steps.csv, `trial,iteration,loss`: the minibatch loss every train.log_every updates (E2, E4).
/// This module owns the file: its columns, writer and reader.
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "results/csv.hpp"

namespace nnlab {

/// (iteration, minibatch loss) pairs of one trial, in order.
using StepLosses = std::vector<std::pair<std::int64_t, double>>;

class StepsWriter {
 public:
  explicit StepsWriter(const std::string& path, bool append = false);
  /// Appends one trial's rows and flushes them.
  void write(std::int64_t trial, const StepLosses& steps);

 private:
  CsvWriter csv_;
};

/// A steps.csv read back: trial -> its losses; empty when the file does not exist (the run logged
/// no steps). Throws Error with file:line and column for a bad row.
std::map<std::int64_t, StepLosses> read_steps(const std::string& path);

}  // namespace nnlab
