#pragma once
/// The probe's two files (E3), written together from one pass: histograms.csv
/// (`node,bin_low,bin_high,count`) and probe.csv (`node,stat,value`: mean, std, min, max). This
/// module owns both: the row type, the writer and the reader.
#include <cstdint>
#include <string>
#include <vector>

namespace nnlab {

/// One probed node's activations: summary statistics and a histogram.
struct NodeActivations {
  std::string node;
  double mean = 0, std = 0, min = 0, max = 0;
  double low = 0, high = 0;          ///< the histogram's range
  std::vector<std::int64_t> counts;  ///< equal-width bins over [low, high]
};

/// Writes `dir`/probe.csv and `dir`/histograms.csv, each atomically.
void write_probe(const std::string& dir, const std::vector<NodeActivations>& nodes);

/// Reads them back, nodes in file order. Throws Error with file:line and column for a bad row.
std::vector<NodeActivations> read_probe(const std::string& dir);

}  // namespace nnlab
