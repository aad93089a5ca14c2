#pragma once
/// The report's section for a search over an augmentation policy (SearchSpec::top_policies > 0):
/// the learned policy (policy.yaml) as a table, training images under it, and, for AutoAugment's
/// controller, its reward per batch.
#include <string>
#include <vector>

#include "experiment.hpp"
#include "results/trials_file.hpp"

namespace nnlab {

class PluginHost;

/// The section's HTML, or "" when the sweep searched no policy. Its parts:
///  - policy.yaml's sub-policies as a table (each with the rank of the trial it came from);
///  - a grid of the first training images, each as it is and under six draws of that policy,
///    as PNG data: URIs (the page stays one offline file); it needs `host` for the dataset and the
///    operations, and says in a sentence why it is missing otherwise;
///  - for search.kind autoaugment, the mean objective of each batch of complete trials the
///    controller learned from (its search.batch_size), in trial order, over the trials' values.
/// `results_dir` holds the sweep; `sweep` is its sweep.yaml, `trials` its trials.csv.
std::string policy_section(const std::string& results_dir, const ExperimentSpec& sweep,
                           const std::vector<TrialRecord>& trials, const PluginHost* host);

}  // namespace nnlab
