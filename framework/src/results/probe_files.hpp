#pragma once
/// The probe's files: probe.csv (`trial,update,node,stat,value`, long form: each probe's
/// percentiles, mean, std, min, max and in-range fraction per node, appended and flushed as
/// probes are taken) and histograms.csv (`node,bin_low,bin_high,count`: each node's histogram
/// before training, the seed's E3). This module owns both: row types, writers and readers.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "results/csv.hpp"

namespace nnlab {

/// One probed node's activations over the probe batch.
struct NodeActivations {
  std::string node;
  double mean = 0, std = 0, min = 0, max = 0;
  double p15 = 0, p50 = 0, p85 = 0;  ///< percentiles (linear between order statistics)
  std::optional<double> in_range;    ///< fraction inside probe.range_fraction, when it is set
  double low = 0, high = 0;          ///< the histogram's range
  std::vector<std::int64_t> counts;  ///< equal-width bins over [low, high]
};

/// One probe: taken after `update` updates (0: before training).
struct ProbeRecord {
  std::int64_t update = 0;
  std::vector<NodeActivations> nodes;
};

/// Appends probes to probe.csv, a flush per probe.
class ProbeWriter {
 public:
  /// With `append`, adds to an existing file (a resumed sweep); else starts it afresh.
  explicit ProbeWriter(const std::string& path, bool append = false);
  void write(std::int64_t trial, const ProbeRecord& probe);
  void write(std::int64_t trial, const std::vector<ProbeRecord>& probes);

 private:
  CsvWriter csv_;
};

/// One row of probe.csv.
struct ProbeStat {
  std::int64_t trial = 0, update = 0;
  std::string node, stat;  ///< stat: p15, p50, p85, mean, std, min, max, in_range
  double value = 0;
};

/// Reads probe.csv. Throws Error with file:line and column for a bad row.
std::vector<ProbeStat> read_probe_stats(const std::string& path);

/// Writes histograms.csv atomically.
void write_histograms(const std::string& path, const std::vector<NodeActivations>& nodes);
/// Reads histograms.csv back: node, low, high and counts, in file order.
std::vector<NodeActivations> read_histograms(const std::string& path);

}  // namespace nnlab
