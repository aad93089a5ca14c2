#pragma once
/// Activation probes: the distribution of chosen nodes' outputs for a fixed batch of training
/// rows, from one inference pass: of the model as built (the seed's E3), and, with `every`, again
/// during training (internal covariate shift, the batch-norm paper's Figure 1).
#include <string>
#include <vector>

#include "data.hpp"
#include "experiment.hpp"
#include "graph.hpp"
#include "results/probe_files.hpp"

namespace nnlab {

/// The q-quantile of `values` (0 <= q <= 1), linear between order statistics; reorders `values`.
double percentile(std::vector<float>& values, double q);

/// The nodes `spec` probes (all of them when it names none). Throws ConfigError at probe.nodes for
/// a node the model does not have.
std::vector<std::string> probed_nodes(const Graph& graph, const ProbeSpec& spec);

/// Runs the first (up to) `spec.rows` rows of `rows` through `graph` in inference mode and
/// summarizes each probed node: percentiles, moments, range, in-range fraction, histogram. Throws
/// ConfigError at probe.nodes for a node the model does not have.
std::vector<NodeActivations> probe_activations(Graph& graph, Compute& compute,
                                               const DataSplit& rows, const ProbeSpec& spec);

}  // namespace nnlab
