#include "probe.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

namespace nnlab {

double percentile(std::vector<float>& values, double q) {
  if (values.empty()) return std::nan("");
  // Linear between the order statistics around q (n - 1), numpy's default; nth_element reorders
  // `values`, which is why it is a scratch copy.
  const double position = q * static_cast<double>(values.size() - 1);
  const auto below = static_cast<std::size_t>(position);
  const auto at = [&](std::size_t k) {
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(k), values.end());
    return static_cast<double>(values[k]);
  };
  const double low = at(below);
  if (below + 1 >= values.size()) return low;
  // After nth_element at `below`, the next order statistic is the least of what lies above it.
  const double high =
      *std::min_element(values.begin() + static_cast<std::ptrdiff_t>(below) + 1, values.end());
  return low + (position - static_cast<double>(below)) * (high - low);
}

std::vector<std::string> probed_nodes(const Graph& graph, const ProbeSpec& spec) {
  std::vector<std::string> nodes = spec.nodes;
  const auto known = graph.node_names();
  if (nodes.empty()) nodes = known;
  for (const auto& n : nodes) {
    if (std::find(known.begin(), known.end(), n) == known.end()) {
      std::string list;
      for (const auto& k : known) list += " " + k;
      throw ConfigError(spec.nodes_where, "probe.nodes",
                        "no node named '" + n + "' in the model (nodes:" + list + ")");
    }
  }
  return nodes;
}

std::vector<NodeActivations> probe_activations(Graph& graph, Compute& compute,
                                               const DataSplit& rows, const ProbeSpec& spec) {
  const std::vector<std::string> nodes = probed_nodes(graph, spec);
  const std::int64_t n = std::min<std::int64_t>(rows.features.rows(), spec.rows);
  graph.forward(compute, ConstMatrixView(rows.features.data(), n, rows.features.cols()),
                Mode::infer);
  std::vector<NodeActivations> out;
  std::vector<float> sorted;
  for (const auto& name : nodes) {
    const ConstMatrixView a = graph.node_output(name);
    NodeActivations s;
    s.node = name;
    double sum = 0, sum_sq = 0;
    std::int64_t inside = 0;
    s.min = HUGE_VAL;
    s.max = -HUGE_VAL;
    for (std::int64_t i = 0; i < a.size(); ++i) {
      const double v = a.data[i];
      sum += v;
      sum_sq += v * v;
      s.min = std::min(s.min, v);
      s.max = std::max(s.max, v);
      if (spec.range_fraction)
        inside += v >= spec.range_fraction->first && v <= spec.range_fraction->second;
    }
    sorted.assign(a.data, a.data + a.size());
    s.p15 = percentile(sorted, 0.15);
    s.p50 = percentile(sorted, 0.50);
    s.p85 = percentile(sorted, 0.85);
    if (spec.range_fraction)
      s.in_range = static_cast<double>(inside) / static_cast<double>(a.size());
    const auto count = static_cast<double>(a.size());
    s.mean = sum / count;
    s.std = std::sqrt(std::max(sum_sq / count - s.mean * s.mean, 0.0));
    s.low = spec.range ? spec.range->first : s.min;
    s.high = spec.range ? spec.range->second : s.max;
    if (!(s.high > s.low)) s.high = s.low + 1;
    s.counts.assign(static_cast<std::size_t>(spec.bins), 0);
    const double width = (s.high - s.low) / static_cast<double>(spec.bins);
    for (std::int64_t i = 0; i < a.size(); ++i) {
      const double v = a.data[i];
      if (v < s.low || v > s.high) continue;  // outside a given range: not counted
      const auto bin =
          std::min<std::int64_t>(static_cast<std::int64_t>((v - s.low) / width), spec.bins - 1);
      ++s.counts[static_cast<std::size_t>(bin)];
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace nnlab
