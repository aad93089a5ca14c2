#pragma once
/// model.safetensors: a trained graph's parameters and the state inference needs (batch norm's
/// statistics), with metadata that ties it to its experiment: the format, nnlab's version, the
/// resolved experiment and its hash, and the graph's nodes with their shapes.
#include <string>
#include <vector>

#include "experiment.hpp"
#include "graph.hpp"

namespace nnlab {

/// Writes `graph`'s tensors to `path` atomically (a temporary name, then rename).
void save_model(Graph& graph, const ExperimentSpec& spec, const std::string& path);

/// The bytes save_model writes, for the runnable experiment `resolved_yaml` (a sweep's trial keeps
/// them in its outcome; the sweep writes the file).
std::string encode_model(Graph& graph, const std::string& resolved_yaml);

/// Loads `path` into `graph`. The file must hold exactly the graph's tensors, each with its
/// shape, and its nodes must be the graph's; anything else is one Error naming the file and the
/// tensor or node, and nothing is loaded (all is checked before the first value is written).
void load_model(Graph& graph, const std::string& path);

/// A warm start: every tensor of `path` whose name is one of the graph's initializes it; the
/// graph's other tensors keep their initialization, the file's others are ignored. A tensor of the
/// same name but another shape is an Error naming it and both shapes, and nothing is loaded.
/// Returns how many tensors were loaded; none is an Error too (a file of another model).
std::size_t warm_start(Graph& graph, const std::string& path);

/// A finished run's folder, read back for `nnlab eval` and `nnlab export`.
struct SavedRun {
  ExperimentSpec spec;     ///< its experiment.yaml with the overrides, without model.init_from
  std::string model_path;  ///< its model.safetensors
};

/// Reads `results_dir`'s experiment.yaml with `overrides` applied. The warm start is dropped: the
/// saved model replaces every tensor, so its file is not needed (nor read) again. Throws Error
/// naming the folder when it has no experiment.yaml or no model.safetensors, and `what_instead`
/// ("evaluate one of its runs instead") when it holds a sweep.
SavedRun read_saved_run(const std::string& results_dir, const std::vector<std::string>& overrides,
                        const std::string& what_instead);

}  // namespace nnlab
