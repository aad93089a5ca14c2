#pragma once
/// Activation probes (the seed's E3): the distribution of chosen nodes' outputs for the training
/// rows, from one inference pass of the model as built (before any training).
#include <string>
#include <vector>

#include "experiment.hpp"
#include "graph.hpp"
#include "nnlab/dataset.hpp"
#include "results/probe_files.hpp"

namespace nnlab {

/// Runs the first (up to) 10000 rows of `rows` through `graph` in inference mode and summarizes
/// each probed node. Throws ConfigError at probe.nodes for a node the model does not have.
std::vector<NodeActivations> probe_activations(Graph& graph, Compute& compute,
                                               const LabeledSet& rows, const ProbeSpec& spec);

}  // namespace nnlab
