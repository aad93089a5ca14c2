#include "results/probe_files.hpp"

#include <utility>

#include "nnlab/error.hpp"

namespace nnlab {

namespace {
const std::vector<std::string> kStatsColumns = {"trial", "update", "node", "stat", "value"};
const std::vector<std::string> kHistogramColumns = {"node", "bin_low", "bin_high", "count"};

std::string rows_of(std::int64_t trial, const ProbeRecord& probe) {
  std::string rows;
  const std::string head = std::to_string(trial) + "," + std::to_string(probe.update) + ",";
  for (const auto& s : probe.nodes) {
    const std::string node = csv_field(s.node);
    std::vector<std::pair<const char*, double>> stats = {
        {"p15", s.p15}, {"p50", s.p50}, {"p85", s.p85}, {"mean", s.mean},
        {"std", s.std}, {"min", s.min}, {"max", s.max}};
    if (s.in_range) stats.emplace_back("in_range", *s.in_range);
    for (const auto& [stat, value] : stats) {
      rows += head;
      rows += node;
      rows += ',';
      rows += stat;
      rows += ',';
      rows += csv_number(value);
      rows += '\n';
    }
  }
  return rows;
}
}  // namespace

ProbeWriter::ProbeWriter(const std::string& path, bool append)
    : csv_(path, join_csv(kStatsColumns), append) {}

void ProbeWriter::write(std::int64_t trial, const ProbeRecord& probe) {
  csv_.write(rows_of(trial, probe));
}

void ProbeWriter::write(std::int64_t trial, const std::vector<ProbeRecord>& probes) {
  std::string rows;
  for (const auto& probe : probes) rows += rows_of(trial, probe);
  csv_.write(rows);
}

std::vector<ProbeStat> read_probe_stats(const std::string& path) {
  const CsvReader csv(path, kStatsColumns, "an nnlab probe file");
  std::vector<ProbeStat> stats;
  for (std::size_t i = 0; i < csv.rows(); ++i) {
    const CsvRow row = csv.row(i);
    stats.push_back({row.integer(0), row.integer(1), row.text(2), row.text(3), row.number(4)});
  }
  return stats;
}

void write_histograms(const std::string& path, const std::vector<NodeActivations>& nodes) {
  std::string text = join_csv(kHistogramColumns) + "\n";
  for (const auto& s : nodes) {
    const std::string node = csv_field(s.node);
    const double width = (s.high - s.low) / static_cast<double>(s.counts.size());
    for (std::size_t b = 0; b < s.counts.size(); ++b) {
      text += node + "," + csv_number(s.low + width * static_cast<double>(b)) + "," +
              csv_number(s.low + width * static_cast<double>(b + 1)) + "," +
              std::to_string(s.counts[b]) + "\n";
    }
  }
  write_file_atomically(path, text);
}

std::vector<NodeActivations> read_histograms(const std::string& path) {
  std::vector<NodeActivations> nodes;
  const CsvReader csv(path, kHistogramColumns, "an nnlab histograms file");
  for (std::size_t i = 0; i < csv.rows(); ++i) {
    const CsvRow row = csv.row(i);
    if (nodes.empty() || nodes.back().node != row.text(0)) {
      nodes.push_back({});
      nodes.back().node = row.text(0);
      nodes.back().low = row.number(1);
    }
    nodes.back().high = row.number(2);
    nodes.back().counts.push_back(row.integer(3));
  }
  return nodes;
}

}  // namespace nnlab
