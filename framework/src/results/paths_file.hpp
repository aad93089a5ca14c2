#pragma once
/// paths.csv (objective mode, E1): `path,optimizer,step,value,x1,...,xd`, one row per step of
/// each optimizer's path. This module owns the file: the row types, the writer and the reader.
#include <cstdint>
#include <string>
#include <vector>

namespace nnlab {

struct PathPoint {
  std::int64_t step = 0;  ///< 0 is the start
  double value = 0;
  std::vector<double> x;
};

struct OptimizerPath {
  std::string label;  ///< e.g. "sgd lr=0.95"
  std::vector<PathPoint> points;
};

/// Writes `path` atomically. Every point must have the same number of coordinates.
void write_paths(const std::string& path, const std::vector<OptimizerPath>& paths);

/// Reads it back, paths in file order. Throws Error with file:line and column for a bad row.
std::vector<OptimizerPath> read_paths(const std::string& path);

}  // namespace nnlab
