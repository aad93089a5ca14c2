#include "results/probe_files.hpp"

#include <filesystem>
#include <map>

#include "nnlab/error.hpp"
#include "results/csv.hpp"

namespace nnlab {

namespace {
const std::vector<std::string> kStatsColumns = {"node", "stat", "value"};
const std::vector<std::string> kHistogramColumns = {"node", "bin_low", "bin_high", "count"};
}  // namespace

void write_probe(const std::string& dir, const std::vector<NodeActivations>& nodes) {
  std::string stats = join_csv(kStatsColumns) + "\n";
  std::string histograms = join_csv(kHistogramColumns) + "\n";
  for (const auto& s : nodes) {
    const std::string node = csv_field(s.node);
    for (const auto& [stat, value] :
         {std::pair{"mean", s.mean}, {"std", s.std}, {"min", s.min}, {"max", s.max}}) {
      stats += node + "," + stat + "," + csv_number(value) + "\n";
    }
    const double width = (s.high - s.low) / static_cast<double>(s.counts.size());
    for (std::size_t b = 0; b < s.counts.size(); ++b) {
      histograms += node + "," + csv_number(s.low + width * static_cast<double>(b)) + "," +
                    csv_number(s.low + width * static_cast<double>(b + 1)) + "," +
                    std::to_string(s.counts[b]) + "\n";
    }
  }
  write_file_atomically((std::filesystem::path(dir) / "probe.csv").string(), stats);
  write_file_atomically((std::filesystem::path(dir) / "histograms.csv").string(), histograms);
}

std::vector<NodeActivations> read_probe(const std::string& dir) {
  std::vector<NodeActivations> nodes;
  const CsvReader histograms((std::filesystem::path(dir) / "histograms.csv").string(),
                             kHistogramColumns, "an nnlab histograms file");
  for (std::size_t i = 0; i < histograms.rows(); ++i) {
    const CsvRow row = histograms.row(i);
    if (nodes.empty() || nodes.back().node != row.text(0)) {
      nodes.push_back({});
      nodes.back().node = row.text(0);
      nodes.back().low = row.number(1);
    }
    nodes.back().high = row.number(2);
    nodes.back().counts.push_back(row.integer(3));
  }
  const CsvReader stats((std::filesystem::path(dir) / "probe.csv").string(), kStatsColumns,
                        "an nnlab probe file");
  for (std::size_t i = 0; i < stats.rows(); ++i) {
    const CsvRow row = stats.row(i);
    NodeActivations* node = nullptr;
    for (auto& n : nodes) {
      if (n.node == row.text(0)) node = &n;
    }
    if (!node) row.fail(0, "node '" + row.text(0) + "' has no histogram in histograms.csv");
    const std::string& stat = row.text(1);
    double* target = stat == "mean"  ? &node->mean
                     : stat == "std" ? &node->std
                     : stat == "min" ? &node->min
                     : stat == "max" ? &node->max
                                     : nullptr;
    if (!target) row.fail(1, "expected mean, std, min or max, got '" + stat + "'");
    *target = row.number(2);
  }
  return nodes;
}

}  // namespace nnlab
