#include "model_file.hpp"

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "results/csv.hpp"
#include "results/safetensors.hpp"
#include "trial_runner.hpp"

namespace nnlab {
namespace {

/// A tensor's saved shape: the parameter's own (a conv's O x I x kh x kw), a vector for a single
/// row (biases, batch-norm statistics: what numpy users expect), rows x cols otherwise.
std::vector<std::int64_t> saved_shape(const Matrix& value, const std::vector<std::int64_t>& dims) {
  if (!dims.empty()) return dims;
  if (value.rows() == 1) return {value.cols()};
  return {value.rows(), value.cols()};
}

std::string shape_text(const std::vector<std::int64_t>& shape) {
  std::string text = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

struct Slot {
  std::string name;
  Matrix* value;
  std::vector<std::int64_t> shape;
};

std::vector<Slot> slots(Graph& graph) {
  std::vector<Slot> all;
  for (Parameter* p : graph.parameters())
    all.push_back({p->name, &p->value, saved_shape(p->value, p->dims)});
  for (const StateTensor& t : graph.state())
    all.push_back({t.name, t.value, saved_shape(*t.value, {})});
  return all;
}

std::string nodes_json(Graph& graph) {
  nlohmann::ordered_json nodes = nlohmann::ordered_json::array();
  for (const auto& name : graph.node_names())
    nodes.push_back({{"name", name}, {"shape", graph.node_shape(name).dims}});
  return nodes.dump();
}

using Match = std::pair<const Slot*, const SafeTensor*>;

/// The file's tensor for each slot, its shape checked (a mismatch names the tensor and both
/// shapes); a slot the file lacks is an error when `every` is set and skipped otherwise.
std::vector<Match> match(const std::vector<Slot>& all, const SafeTensors& file,
                         const std::string& path, bool every) {
  std::vector<Match> matched;
  for (const Slot& s : all) {
    auto it = file.tensors.find(s.name);
    if (it == file.tensors.end()) {
      if (every) throw Error(path + ": tensor '" + s.name + "' is missing");
      continue;
    }
    if (it->second.dtype != DType::f32)
      throw Error(path + ": tensor '" + s.name + "' is " +
                  std::string(dtype_name(it->second.dtype)) + ", a model's tensors are F32");
    if (it->second.shape != s.shape)
      throw Error(path + ": tensor '" + s.name + "' has shape " + shape_text(it->second.shape) +
                  ", the model's is " + shape_text(s.shape));
    matched.emplace_back(&s, &it->second);
  }
  return matched;
}

/// Writes every matched tensor into its slot: only after all were checked.
void copy(const std::vector<Match>& matched) {
  for (const auto& [slot, tensor] : matched)
    tensor->copy_to(
        std::span<float>(slot->value->data(), static_cast<std::size_t>(slot->value->size())));
}

}  // namespace

void save_model(Graph& graph, const ExperimentSpec& spec, const std::string& path) {
  write_file_atomically(path, encode_model(graph, spec.resolved_yaml));
}

std::string encode_model(Graph& graph, const std::string& resolved_yaml) {
  SafeTensors file;
  file.metadata = {{"format", "nnlab-model"},
                   {"nnlab_version", NNLAB_VERSION_STRING},
                   {"experiment_hash", config_hash(resolved_yaml)},
                   {"experiment", resolved_yaml},
                   {"nodes", nodes_json(graph)}};
  for (const Slot& s : slots(graph)) {
    file.tensors[s.name] = SafeTensor::of<float>(
        s.shape,
        std::span<const float>(s.value->data(), static_cast<std::size_t>(s.value->size())));
  }
  return encode_safetensors(file);
}

void load_model(Graph& graph, const std::string& path) {
  SafeTensors file = read_safetensors(path);
  const auto fail = [&](const std::string& what) { return Error(path + ": " + what); };
  if (file.metadata["format"] != "nnlab-model")
    throw fail("not an nnlab model (its metadata has no format: nnlab-model)");
  // Nodes first: a model of another graph is named as such, not as a list of odd tensors.
  nlohmann::json saved_nodes;
  try {
    saved_nodes = nlohmann::json::parse(file.metadata["nodes"]);
  } catch (const nlohmann::json::exception&) {
    throw fail("its metadata 'nodes' is not a JSON list");
  }
  const auto names = graph.node_names();
  if (!saved_nodes.is_array() || saved_nodes.size() != names.size())
    throw fail("a model of another graph: it has " +
               std::to_string(saved_nodes.is_array() ? saved_nodes.size() : 0) +
               " nodes, this experiment's model " + std::to_string(names.size()));
  for (std::size_t i = 0; i < names.size(); ++i) {
    const auto& node = saved_nodes[i];
    const Shape& shape = graph.node_shape(names[i]);
    if (!node.is_object() || node.value("name", "") != names[i] || !node.contains("shape") ||
        node["shape"] != nlohmann::json(shape.dims))
      throw fail("a model of another graph: node " + std::to_string(i) + " is " + node.dump() +
                 ", this experiment's is " + names[i] + " " + shape.to_string());
  }
  const auto all = slots(graph);
  const auto matched = match(all, file, path, true);
  if (file.tensors.size() != all.size()) {
    // Not a structured binding: clang 14 (the fuzz build) cannot capture one in a lambda.
    for (const auto& entry : file.tensors) {
      const std::string& name = entry.first;
      if (std::none_of(all.begin(), all.end(), [&](const Slot& s) { return s.name == name; }))
        throw fail("tensor '" + name + "' is not in this experiment's model");
    }
  }
  copy(matched);
}

std::size_t warm_start(Graph& graph, const std::string& path) {
  const SafeTensors file = read_safetensors(path);
  const auto all = slots(graph);
  const auto matched = match(all, file, path, false);
  if (matched.empty())
    throw Error(path + ": no tensor of this model is in it (the model's are named like '" +
                (all.empty() ? std::string("?") : all.front().name) + "')");
  copy(matched);
  return matched.size();
}

SavedRun read_saved_run(const std::string& results_dir, const std::vector<std::string>& overrides,
                        const std::string& what_instead) {
  const std::filesystem::path dir(results_dir);
  const std::filesystem::path experiment = dir / "experiment.yaml";
  SavedRun run;
  run.model_path = (dir / "model.safetensors").string();
  if (!std::filesystem::is_regular_file(experiment))
    throw Error(results_dir + ": no experiment.yaml here; expected the results folder of a run");
  if (!std::filesystem::is_regular_file(run.model_path))
    throw Error(results_dir + ": no model.safetensors here; a run writes it when it finishes");
  run.spec = load_experiment(experiment.string(), overrides);
  if (!run.spec.model.init_from.empty()) {
    std::vector<std::string> all = overrides;
    all.push_back("~model.init_from");
    run.spec = load_experiment(experiment.string(), all);
  }
  if (run.spec.search) throw Error(results_dir + ": the results of a sweep; " + what_instead);
  return run;
}

}  // namespace nnlab
