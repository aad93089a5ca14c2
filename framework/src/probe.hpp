#pragma once
/// Activation probes (the seed's E3): the distribution of chosen nodes' outputs for the training
/// rows, from one inference pass of the model as built (before any training).
#include <string>
#include <vector>

#include "experiment.hpp"
#include "graph.hpp"
#include "nnlab/dataset.hpp"

namespace nnlab {

struct NodeActivations {
  std::string node;
  double mean = 0, std = 0, min = 0, max = 0;
  double low = 0, high = 0;        ///< the histogram's range
  std::vector<std::int64_t> counts;  ///< `bins` equal-width bins over [low, high]
};

/// Runs the first (up to) 10000 rows of `rows` through `graph` in inference mode and summarizes
/// each probed node. Throws ConfigError at probe.nodes for a node the model does not have.
std::vector<NodeActivations> probe_activations(Graph& graph, Compute& compute,
                                               const LabeledSet& rows, const ProbeSpec& spec);

/// Writes probe.csv (`node,stat,value`) and histograms.csv (`node,bin_low,bin_high,count`).
void write_probe(const std::string& dir, const std::vector<NodeActivations>& nodes);

}  // namespace nnlab
