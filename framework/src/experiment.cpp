// The experiment loader: the only place in nnlab that reads YAML. It applies --set overrides to the
// YAML tree, expands `repeat:` blocks, and turns every component mapping into typed Params that
// carry each value's file, line and key path.
#include "experiment.hpp"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <string_view>

#include "component_slots.hpp"
#include "nnlab/augmentation.hpp"
#include "nnlab/text.hpp"
#include "yaml_overrides.hpp"

namespace nnlab {
namespace {

/// Below this a worker cannot even hold its own code and the runtime's threads.
constexpr double kMinTrialMemory = 64.0 * 1024 * 1024;

/// "2 GiB", "512MiB", "1.5 GiB", "1073741824": bytes, or none for any other text. Binary units
/// only, so "2 GiB" is exactly 2^31 bytes; "GB" is refused rather than guessed at.
std::optional<double> parse_byte_size(const std::string& text) {
  std::size_t used = 0;
  double value = 0;
  try {
    value = std::stod(text, &used);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  std::string unit = text.substr(used);
  unit.erase(0, unit.find_first_not_of(' '));
  const std::map<std::string, double> units = {{"", 1.0},
                                               {"B", 1.0},
                                               {"KiB", 1024.0},
                                               {"MiB", 1024.0 * 1024},
                                               {"GiB", 1024.0 * 1024 * 1024},
                                               {"TiB", 1024.0 * 1024 * 1024 * 1024}};
  const auto it = units.find(unit);
  if (it == units.end() || !std::isfinite(value) || value <= 0) return std::nullopt;
  return value * it->second;
}

class Loader {
 public:
  Loader(std::string file, std::vector<std::string> overridden)
      : file_(std::move(file)), overridden_(std::move(overridden)) {}

  ExperimentSpec load(const YAML::Node& root) {
    if (!root.IsMap()) fail(root, "", "expected a mapping of experiment keys at the top level");
    if (root["objective"]) return objective_mode(root);
    check_keys(root, "",
               {"name", "seed", "plugins", "data", "model", "regularizers", "optimizer", "train",
                "execution", "search", "description", "probe", "augment"});
    ExperimentSpec spec;
    Params top = header(root, spec);

    spec.data = data(required_map(root, "", "data"));
    spec.model = model(required_map(root, "", "model"));
    spec.optimizer = component(required_map(root, "", "optimizer"), "optimizer");
    if (auto regs = root["regularizers"]) {
      if (!regs.IsSequence()) fail(regs, "regularizers", "expected a list of {kind: ...} mappings");
      for (std::size_t i = 0; i < regs.size(); ++i) {
        spec.regularizers.push_back(component(regs[i], "regularizers[" + std::to_string(i) + "]"));
      }
    }
    if (const YAML::Node probe_node = root["probe"]) spec.probe = probe(probe_node);
    spec.train = train(required_map(root, "", "train"), spec.probe.has_value());
    if (auto exec = root["execution"]) spec.execution = execution(exec);
    policy_space(root);  // before augment: it may give the experiment its policy's slots
    if (const YAML::Node augment_node = root["augment"]) spec.augment = augment(augment_node);
    if (auto search_node = root["search"]) spec.search = search(search_node, root, spec.train);
    return spec;
  }

 private:
  /// The keys every experiment has: name, seed, description, plugins. Returns the top level's
  /// scalars, for the caller's own keys.
  Params header(const YAML::Node& root, ExperimentSpec& spec) const {
    spec.file = file_;
    plain_values(root, "", {"name", "seed", "description", "steps", "start"});
    Params top = scalars(root, "");
    spec.name = top.string("name");
    if (spec.name.empty() || spec.name.find_first_of("/\\") != std::string::npos ||
        spec.name[0] == '.') {
      top.fail("name", "expected a non-empty name without '/' (it names the results folder)");
    }
    const std::int64_t seed = top.integer("seed", 1);
    if (seed < 0) top.fail("seed", "expected a non-negative integer");
    spec.seed = static_cast<std::uint64_t>(seed);
    top.string("description", "");
    if (root["plugins"]) plugin_list(root, spec);
    return top;
  }

  /// Objective mode: `objective:`, `start:`, `steps:` and `optimizer:` or `optimizers: [...]`.
  ExperimentSpec objective_mode(const YAML::Node& root) {
    check_keys(root, "",
               {"name", "seed", "plugins", "description", "objective", "start", "steps",
                "optimizer", "optimizers"});
    ExperimentSpec spec;
    Params top = header(root, spec);
    PathsSpec paths;
    paths.objective = component(root["objective"], "objective");
    paths.steps = top.integer("steps", 30);
    if (paths.steps < 0) top.fail("steps", "expected a non-negative number of steps");
    at_most(top, "steps", paths.steps, kMaxSteps, "steps");
    paths.start_where = top.where("start");
    if (const ParamValue* start = top.find("start")) {
      if (!start->is_list || start->items.empty())
        top.fail("start", "expected the first point as a list of numbers, e.g. [-7.0, 2.0]");
      for (const auto& item : start->items) {
        const auto x = parse_number(item.text);
        if (!x || !std::isfinite(*x))
          throw ConfigError(item.where, "start", "expected a number, got '" + item.text + "'");
        paths.start.push_back(*x);
      }
    }
    const YAML::Node one = root["optimizer"], many = root["optimizers"];
    if (one && many) fail(many, "optimizers", "give optimizer or optimizers, not both");
    if (one) {
      paths.optimizers.push_back(component(one, "optimizer"));
    } else if (many) {
      if (!many.IsSequence() || many.size() == 0)
        fail(many, "optimizers", "expected a list of {kind: ..., ...} optimizers");
      for (std::size_t i = 0; i < many.size(); ++i)
        paths.optimizers.push_back(component(many[i], "optimizers[" + std::to_string(i) + "]"));
    } else {
      fail(root, "optimizer", "missing required key 'optimizer' (or 'optimizers')");
    }
    spec.paths = std::move(paths);
    return spec;
  }

  /// `plugins: [path, ...]`: each entry made absolute in place, so the resolved experiment (and a
  /// sweep's best.yaml) loads the same files from wherever it is saved.
  void plugin_list(YAML::Node root, ExperimentSpec& spec) const {
    const YAML::Node plugins = root["plugins"];
    std::vector<YAML::Node> items;
    if (plugins.IsScalar()) {
      items.push_back(plugins);  // one entry may be written without the list
    } else if (plugins.IsSequence()) {
      for (const auto& item : plugins) items.push_back(item);
    } else {
      fail(plugins, "plugins", "expected a list of plugin files or folders");
    }
    YAML::Node resolved(YAML::NodeType::Sequence);
    for (std::size_t i = 0; i < items.size(); ++i) {
      const std::string path = "plugins[" + std::to_string(i) + "]";
      if (!items[i].IsScalar() || items[i].Scalar().empty())
        fail(items[i], path, "expected a plugin file or folder path");
      std::filesystem::path entry(items[i].Scalar());
      if (entry.is_relative()) entry = std::filesystem::path(experiment_dir(file_)) / entry;
      spec.plugins.push_back(entry.lexically_normal().string());
      spec.plugins_where.push_back(where(items[i], path));
      resolved.push_back(spec.plugins.back());
    }
    root["plugins"] = resolved;
  }

  SourceLocation where(const YAML::Node& node, const std::string& path) const {
    for (const auto& o : overridden_) {
      if (path == o || path.starts_with(o + ".") || path.starts_with(o + "["))
        return {"--set", 0, 0};
    }
    const YAML::Mark mark = node.Mark();
    if (mark.is_null()) return {"--set", 0, 0};  // a section an override created
    return {file_, mark.line + 1, mark.column + 1};
  }

  [[noreturn]] void fail(const YAML::Node& node, const std::string& path,
                         const std::string& message) const {
    throw ConfigError(where(node, path), path, message);
  }

  /// Refuses a mapping (or a list of mappings) under keys that take a value or a list of values:
  /// scalars() leaves nested values to its caller, so there they would read as absent.
  void plain_values(const YAML::Node& map, const std::string& path,
                    std::initializer_list<const char*> keys) const {
    for (const char* key : keys) {
      const YAML::Node v = map[key];
      if (v && !v.IsScalar() && !v.IsNull()) value(v, join(path, key));
    }
  }

  /// Counts past what any run needs would be attempted, not refused: an hour-long loop of
  /// nothing, or an allocation the size of the count.
  static void at_most(const Params& p, const char* key, std::int64_t value, std::int64_t limit,
                      const std::string& what) {
    if (value > limit) {
      p.fail(key, "expected at most " + std::to_string(limit) + " " + what + ", got " +
                      std::to_string(value));
    }
  }

  static std::string join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }

  /// A mapping key as text. A mapping or a list as a key (YAML's `? {a: 1}: ...`) names nothing
  /// nnlab reads, and as<std::string> would throw yaml-cpp's anonymous bad conversion.
  std::string key_of(const YAML::Node& key, const std::string& path) const {
    if (!key.IsScalar() && !key.IsNull())
      fail(key, path, "expected a plain key, got a list or mapping as a key");
    return key.as<std::string>();
  }

  void check_keys(const YAML::Node& map, const std::string& path,
                  std::vector<std::string> allowed) const {
    for (const auto& kv : map) {
      const auto key = key_of(kv.first, path);
      if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
      std::string message = "unknown key '" + key + "'" + did_you_mean(key, allowed);
      std::sort(allowed.begin(), allowed.end());
      message += " (expected one of:";
      for (const auto& a : allowed) message += " " + a;
      fail(kv.first, join(path, key), message + ")");
    }
  }

  YAML::Node required_map(const YAML::Node& parent, const std::string& path,
                          const std::string& key) const {
    YAML::Node node = parent[key];
    if (!node) fail(parent, join(path, key), "missing required key '" + key + "'");
    if (!node.IsMap()) fail(node, join(path, key), "expected a mapping");
    return node;
  }

  ParamValue value(const YAML::Node& node, const std::string& path) const {
    ParamValue v;
    v.where = where(node, path);
    if (node.IsScalar()) {
      v.text = node.Scalar();
    } else if (node.IsSequence()) {
      v.is_list = true;
      for (std::size_t i = 0; i < node.size(); ++i) {
        const auto item_path = path + "[" + std::to_string(i) + "]";
        if (!node[i].IsScalar()) fail(node[i], item_path, "expected a plain value in this list");
        v.items.push_back(value(node[i], item_path));
      }
    } else if (node.IsNull()) {
      fail(node, path, "expected a value, found nothing");
    } else {
      fail(node, path, "expected a value or a list of values, not a mapping");
    }
    return v;
  }

  /// The scalar and list-of-scalar entries of a mapping, as Params (nested mappings and lists of
  /// mappings are left to the caller).
  Params scalars(const YAML::Node& map, const std::string& path) const {
    Params params(path, where(map, path));
    for (const auto& kv : map) {
      const auto key = key_of(kv.first, path);
      const YAML::Node& v = kv.second;
      const bool nested =
          v.IsMap() || (v.IsSequence() && std::any_of(v.begin(), v.end(), [](const YAML::Node& n) {
                          return !n.IsScalar();
                        }));
      if (!nested) params.set(key, value(v, join(path, key)));
    }
    return params;
  }

  /// `{kind: key, ...params}`; every key but `kind` (and `exclude`) goes to the component.
  ComponentSpec component(const YAML::Node& node, const std::string& path,
                          const std::vector<std::string>& exclude = {}) const {
    if (!node.IsMap()) fail(node, path, "expected a mapping {kind: ..., ...}");
    ComponentSpec spec;
    spec.path = path;
    const YAML::Node kind = node["kind"];
    if (!kind) fail(node, join(path, "kind"), "missing required key 'kind'");
    if (!kind.IsScalar() || kind.Scalar().empty())
      fail(kind, join(path, "kind"), "expected a component name");
    spec.kind = kind.Scalar();
    spec.where = where(kind, join(path, "kind"));
    spec.params = Params(path, where(node, path));
    for (const auto& kv : node) {
      const auto key = key_of(kv.first, path);
      if (key == "kind" || std::find(exclude.begin(), exclude.end(), key) != exclude.end())
        continue;
      spec.params.set(key, value(kv.second, join(path, key)));
    }
    return spec;
  }

  DataSpec data(const YAML::Node& node) const {
    DataSpec spec;
    spec.source = component(
        node, "data",
        {"train_limit", "test_limit", "scale", "epsilon", "val_size", "val_shuffle", "seed"});
    plain_values(
        node, "data",
        {"train_limit", "test_limit", "scale", "epsilon", "val_size", "val_shuffle", "seed"});
    Params core = scalars(node, "data");
    if (core.has("seed")) {
      const std::int64_t seed = core.integer("seed");
      if (seed < 0) core.fail("seed", "expected a non-negative integer");
      spec.seed = static_cast<std::uint64_t>(seed);
    }
    spec.train_limit = core.integer("train_limit", -1);
    spec.test_limit = core.integer("test_limit", -1);
    if (spec.train_limit == 0 || spec.train_limit < -1)
      core.fail("train_limit", "expected a positive row count");
    if (spec.test_limit == 0 || spec.test_limit < -1)
      core.fail("test_limit", "expected a positive row count");
    const std::string scale =
        core.choice("scale", "minmax", {"minmax", "standardize", "pca", "zca", "none"});
    spec.scale = scale == "minmax"        ? Scaling::minmax
                 : scale == "standardize" ? Scaling::standardize
                 : scale == "pca"         ? Scaling::pca
                 : scale == "zca"         ? Scaling::zca
                                          : Scaling::none;
    spec.epsilon = core.number("epsilon", 1e-5);
    if (!(spec.epsilon >= 0) || !std::isfinite(spec.epsilon))
      core.fail("epsilon", "expected a finite number >= 0");
    spec.val_size = core.integer("val_size", 0);
    if (spec.val_size < 0) core.fail("val_size", "expected a non-negative row count");
    spec.val_shuffle = core.boolean("val_shuffle", true);
    return spec;
  }

  ModelSpec model(const YAML::Node& node) {
    check_keys(node, "model", {"init_from", "input", "layers", "loss", "output"});
    ModelSpec spec;
    plain_values(node, "model", {"init_from", "input", "output"});
    Params core = scalars(node, "model");
    spec.input_width = core.integer("input", 0);
    if (spec.input_width < 0) core.fail("input", "expected a positive feature count");
    const YAML::Node layers = node["layers"];
    if (!layers) fail(node, "model.layers", "missing required key 'layers'");
    if (!layers.IsSequence() || layers.size() == 0)
      fail(layers, "model.layers", "expected a non-empty list of layers");
    std::string previous = "input";
    expand(layers, "model.layers", "", spec.nodes, previous);
    spec.output = core.string("output", spec.nodes.back().name);
    spec.input_where = core.where("input");
    spec.output_where = core.where("output");
    spec.loss = component(required_map(node, "model", "loss"), "model.loss");
    if (node["init_from"]) {
      std::filesystem::path from(core.string("init_from"));
      if (from.empty()) core.fail("init_from", "expected the path of a model.safetensors file");
      if (from.is_relative()) from = std::filesystem::path(experiment_dir(file_)) / from;
      spec.init_from = from.lexically_normal().string();
      spec.init_from_where = core.where("init_from");
      // The resolved experiment names the file absolutely, so it reruns from anywhere.
      YAML::Node resolved = node;  // a handle to the same tree
      resolved["init_from"] = spec.init_from;
    }
    return spec;
  }

  /// Appends the nodes of `list`, expanding `repeat:` blocks. Names given inside a repeated body
  /// get the suffix `_<k>`, and references between them follow.
  void expand(const YAML::Node& list, const std::string& path, const std::string& suffix,
              std::vector<NodeSpec>& out, std::string& previous) {
    std::set<std::string> local_names;
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (list[i].IsMap() && list[i]["name"] && list[i]["name"].IsScalar()) {
        local_names.insert(list[i]["name"].Scalar());
      }
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
      const YAML::Node item = list[i];
      const std::string item_path = path + "[" + std::to_string(i) + "]";
      if (!item.IsMap())
        fail(item, item_path, "expected a layer mapping {kind: ...} or {repeat: N, body: [...]}");
      if (item["repeat"]) {
        check_keys(item, item_path, {"repeat", "body"});
        plain_values(item, item_path, {"repeat"});
        Params block = scalars(item, item_path);
        const std::int64_t times = block.integer("repeat");
        if (times < 1) block.fail("repeat", "expected a positive repeat count");
        const YAML::Node body = item["body"];
        if (!body || !body.IsSequence() || body.size() == 0) {
          fail(body ? body : item, join(item_path, "body"),
               "expected a non-empty list of layers to repeat");
        }
        for (std::int64_t k = 1; k <= times; ++k) {
          expand(body, join(item_path, "body"), suffix + "_" + std::to_string(k), out, previous);
          // Checked as the expansion grows, so `repeat: 100000000` fails at once instead of
          // building a hundred million nodes.
          if (out.size() > kMaxNodes) {
            block.fail("repeat", "expands the model past " + std::to_string(kMaxNodes) +
                                     " nodes; expected a smaller repeat count");
          }
        }
        continue;
      }
      NodeSpec spec;
      spec.layer = component(item, item_path, {"name", "inputs"});
      const std::string count = std::to_string(++kind_counts_[spec.layer.kind]);
      if (auto name = item["name"]) {
        if (!name.IsScalar() || name.Scalar().empty())
          fail(name, join(item_path, "name"), "expected a node name");
        spec.name = name.Scalar() + suffix;
      } else {
        spec.name = spec.layer.kind + count;
      }
      if (spec.name == "input")
        fail(item, join(item_path, "name"), "'input' names the data; choose another name");
      if (!node_names_.insert(spec.name).second)
        fail(item, join(item_path, "name"), "duplicate node name '" + spec.name + "'");
      if (auto inputs = item["inputs"]) {
        auto add = [&](const YAML::Node& n, const std::string& p) {
          if (!n.IsScalar()) fail(n, p, "expected a node name");
          spec.inputs.push_back(local_names.count(n.Scalar()) ? n.Scalar() + suffix : n.Scalar());
        };
        if (inputs.IsSequence()) {
          for (std::size_t j = 0; j < inputs.size(); ++j)
            add(inputs[j], join(item_path, "inputs") + "[" + std::to_string(j) + "]");
        } else {
          add(inputs, join(item_path, "inputs"));
        }
      } else {
        spec.inputs.push_back(previous);
      }
      previous = spec.name;
      out.push_back(std::move(spec));
    }
  }

  ProbeSpec probe(const YAML::Node& node) const {
    if (!node.IsMap()) fail(node, "probe", "expected {nodes: [...], bins: N, range: [low, high]}");
    check_keys(node, "probe", {"nodes", "bins", "range", "every", "rows", "range_fraction"});
    plain_values(node, "probe", {"nodes", "bins", "range", "every", "rows", "range_fraction"});
    Params p = scalars(node, "probe");
    ProbeSpec spec;
    spec.nodes_where = p.where("nodes");
    if (const ParamValue* nodes = p.find("nodes")) {
      for (const auto& item : nodes->is_list ? nodes->items : std::vector<ParamValue>{*nodes})
        spec.nodes.push_back(item.text);
    }
    spec.bins = p.integer("bins", 30);
    if (spec.bins < 1) p.fail("bins", "expected a positive number of bins");
    at_most(p, "bins", spec.bins, kMaxBins, "bins");
    // [low, high] with low < high, for `range` and `range_fraction`.
    auto interval = [&](const std::string& key) -> std::optional<std::pair<double, double>> {
      const ParamValue* range = p.find(key);
      if (!range) return std::nullopt;
      if (range->is_list && range->items.size() == 2) {
        const auto low = parse_number(range->items[0].text);
        const auto high = parse_number(range->items[1].text);
        if (low && high && *low < *high) return std::pair{*low, *high};
      }
      p.fail(key, "expected [low, high] with low < high");
    };
    spec.range = interval("range");
    spec.range_fraction = interval("range_fraction");
    spec.every = p.integer("every", 0);
    if (spec.every < 0) p.fail("every", "expected a number of updates (0: only before training)");
    spec.rows = p.integer("rows", 10000);
    if (spec.rows < 1) p.fail("rows", "expected a positive number of training rows");
    return spec;
  }

  /// `search.space.augment.policy: {sub_policies: N, operations: M, ops: [...], p: [...],
  /// magnitude: [...], top: K}`: AutoAugment's search space without writing its 3·N·M entries.
  /// Read before `augment:`, because the searched slots must exist in the experiment: with no
  /// `augment:` it gets a placeholder policy (N sub-policies of M `{op: identity, p: 0,
  /// magnitude: 0}`), which every trial overwrites; a given `augment:` must have that shape.
  void policy_space(YAML::Node root) {
    const YAML::Node search_node = root["search"];
    if (!search_node || !search_node.IsMap()) return;
    const YAML::Node space = search_node["space"];
    if (!space || !space.IsMap()) return;
    const YAML::Node entry = space["augment.policy"];
    if (!entry) return;
    const std::string path = "search.space.augment.policy";
    if (!entry.IsMap()) {
      fail(entry, path,
           "expected {sub_policies: N, operations: M, ops: [...]} (AutoAugment's policy space)");
    }
    check_keys(entry, path, {"sub_policies", "operations", "ops", "p", "magnitude", "top"});
    plain_values(entry, path, {"sub_policies", "operations", "top"});
    Params p = scalars(entry, path);
    PolicySpace policy;
    policy.where = where(entry, path);
    policy.sub_policies = p.integer("sub_policies", 5);
    policy.operations = p.integer("operations", 2);
    policy.top = p.integer("top", 5);
    for (const auto& [key, n] :
         {std::pair{"sub_policies", policy.sub_policies},
          std::pair{"operations", policy.operations}, std::pair{"top", policy.top}}) {
      if (n < 1) p.fail(key, "expected a positive count");
    }
    at_most(p, "sub_policies", policy.sub_policies, kMaxAugmentOps, "sub-policies");
    at_most(p, "operations", policy.operations, kMaxAugmentOps, "operations per sub-policy");
    auto values = [&](const char* key, std::vector<std::string> fallback, double low, double high) {
      const ParamValue* given = p.find(key);
      if (!given) return fallback;
      if (!given->is_list || given->items.empty())
        p.fail(key, "expected a non-empty list of values");
      std::vector<std::string> out;
      for (const auto& item : given->items) {
        if (high > low) {
          const auto x = parse_number(item.text);
          if (!x || !(*x >= low && *x <= high)) {
            throw ConfigError(item.where, join(path, key),
                              "expected numbers in [" + format_value(low) + ", " +
                                  format_value(high) + "], got '" + item.text + "'");
          }
        }
        out.push_back(item.text);
      }
      return out;
    };
    policy.ops = values("ops", kAutoAugmentOps, 0, 0);
    policy.ops_where = entry["ops"] ? where(entry["ops"], join(path, "ops")) : policy.where;
    policy.probabilities = values(
        "p", {"0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "1"}, 0, 1);
    policy.magnitudes =
        values("magnitude", {"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}, 0, kMaxMagnitude);

    const auto n = static_cast<std::size_t>(policy.sub_policies);
    const auto m = static_cast<std::size_t>(policy.operations);
    const std::string shape = std::to_string(n) + " sub-policies of " + std::to_string(m) +
                              " operations (" + where(entry, path).to_string() + ")";
    if (YAML::Node augment_node = root["augment"]) {
      const YAML::Node given = augment_node.IsMap() ? augment_node["policy"] : YAML::Node();
      bool fits = given && given.IsSequence() && given.size() == n;
      for (std::size_t i = 0; fits && i < n; ++i)
        fits = given[i].IsSequence() && given[i].size() == m;
      if (!fits) {
        fail(augment_node, "augment",
             "search.space.augment.policy searches " + shape +
                 ": drop augment: (a placeholder policy is made) or give a policy of that shape");
      }
    } else {
      YAML::Node policy_node(YAML::NodeType::Sequence);
      for (std::size_t i = 0; i < n; ++i) {
        YAML::Node sub(YAML::NodeType::Sequence);
        for (std::size_t j = 0; j < m; ++j) {
          YAML::Node op(YAML::NodeType::Map);
          op["op"] = "identity";
          op["p"] = 0;
          op["magnitude"] = 0;
          sub.push_back(op);
        }
        policy_node.push_back(sub);
      }
      YAML::Node placeholder(YAML::NodeType::Map);
      placeholder["policy"] = policy_node;
      root["augment"] = placeholder;
    }
    policy_space_ = std::move(policy);
  }

  /// The searched parameters policy_space() stands for, in AutoAugment's order: per sub-policy,
  /// per operation, its op, p and magnitude.
  void expand_policy_space(SearchSpec& spec, const YAML::Node& root) const {
    const PolicySpace& policy = *policy_space_;
    for (std::int64_t i = 0; i < policy.sub_policies; ++i) {
      for (std::int64_t j = 0; j < policy.operations; ++j) {
        const std::string slot =
            "augment.policy[" + std::to_string(i) + "][" + std::to_string(j) + "]";
        const std::pair<const char*, const std::vector<std::string>*> keys[] = {
            {"op", &policy.ops}, {"p", &policy.probabilities}, {"magnitude", &policy.magnitudes}};
        for (const auto& key : keys) {
          SearchParameter param;
          param.name = slot + "." + key.first;
          param.paths = {param.name};
          param.kind = SearchParameter::Kind::categorical;
          param.choices = *key.second;
          spec.targets.push_back(search_target(
              root, param.name, std::string(key.first) == "op" ? policy.ops_where : policy.where,
              "search.space.augment.policy"));
          spec.targets.back().parameter = spec.space.parameters.size();
          spec.space.parameters.push_back(std::move(param));
        }
      }
    }
    spec.top_policies = policy.top;
  }

  AugmentSpec augment(const YAML::Node& node) const {
    if (!node.IsMap()) {
      fail(node, "augment",
           "expected {policy: [[{op: ..., p: ..., magnitude: ...}, ...], ...]} or {kind: "
           "randaugment | trivialaugment, ...}");
    }
    check_keys(node, "augment", {"kind", "policy", "n", "m", "ops"});
    plain_values(node, "augment", {"kind", "n", "m"});
    Params p = scalars(node, "augment");
    AugmentSpec spec;
    spec.where = where(node, "augment");
    const YAML::Node policy = node["policy"];
    if (!p.has("kind") && !policy)
      fail(node, "augment.policy",
           "missing required key 'policy' (or kind: randaugment | trivialaugment)");
    const std::string kind =
        p.choice("kind", "policy", {"policy", "randaugment", "trivialaugment"});
    spec.kind = kind == "policy"        ? AugmentKind::policy
                : kind == "randaugment" ? AugmentKind::randaugment
                                        : AugmentKind::trivialaugment;
    // Each form takes only its own keys: a `policy:` next to `kind: randaugment` would be ignored.
    auto refuse = [&](const char* key, const char* forms) {
      if (node[key]) fail(node[key], join("augment", key), std::string("only for ") + forms);
    };
    if (spec.kind == AugmentKind::policy) {
      refuse("n", "kind: randaugment");
      refuse("m", "kind: randaugment");
      refuse("ops", "kind: randaugment or trivialaugment (a policy names its operations)");
      if (!policy) fail(node, "augment.policy", "missing required key 'policy'");
      if (!policy.IsSequence() || policy.size() == 0)
        fail(policy, "augment.policy",
             "expected a non-empty list of sub-policies, each a list of {op, p, magnitude}");
      for (std::size_t i = 0; i < policy.size(); ++i) {
        const std::string sub_path = "augment.policy[" + std::to_string(i) + "]";
        const YAML::Node sub = policy[i];
        if (!sub.IsSequence() || sub.size() == 0)
          fail(sub, sub_path, "expected a non-empty list of {op: ..., p: ..., magnitude: ...}");
        std::vector<AugmentOpSpec> ops;
        for (std::size_t j = 0; j < sub.size(); ++j)
          ops.push_back(augment_op(sub[j], sub_path + "[" + std::to_string(j) + "]", true));
        spec.policy.push_back(std::move(ops));
      }
      return spec;
    }
    refuse("policy", "kind: policy (the default)");
    if (spec.kind == AugmentKind::trivialaugment) {
      refuse("n", "kind: randaugment");
      refuse("m", "kind: randaugment");
    }
    spec.n = p.integer("n", 2);
    if (spec.n < 1) p.fail("n", "expected a positive number of operations per image");
    at_most(p, "n", spec.n, kMaxAugmentOps, "operations per image");
    spec.m = p.number("m", 9.0);
    if (!(spec.m >= 0 && spec.m <= kMaxMagnitude))
      p.fail("m", "expected a magnitude in [0, 10], got " + p.string("m"));
    if (const YAML::Node ops = node["ops"]) {
      if (!ops.IsSequence() || ops.size() == 0)
        fail(ops, "augment.ops", "expected a non-empty list of operations (names or {op: ...})");
      for (std::size_t i = 0; i < ops.size(); ++i) {
        const std::string item_path = "augment.ops[" + std::to_string(i) + "]";
        if (ops[i].IsScalar()) {
          ComponentSpec op;
          op.kind = ops[i].Scalar();
          op.path = item_path;
          op.where = where(ops[i], item_path);
          op.params = Params(item_path, op.where);
          if (op.kind.empty()) fail(ops[i], item_path, "expected an augmentation name");
          spec.ops.push_back(std::move(op));
        } else {
          spec.ops.push_back(augment_op(ops[i], item_path, false).op);
        }
      }
    }
    return spec;
  }

  /// `{op: name, p: ..., magnitude: ..., ...the operation's own keys}`; with `leveled` false (an
  /// `ops:` entry of randaugment or trivialaugment, which choose those themselves) p and
  /// magnitude are refused.
  AugmentOpSpec augment_op(const YAML::Node& node, const std::string& path, bool leveled) const {
    if (!node.IsMap()) {
      fail(node, path,
           leveled ? "expected {op: <augmentation>, p: <probability>, magnitude: <0..10>}"
                   : "expected an augmentation name or {op: <augmentation>, ...its parameters}");
    }
    const YAML::Node op = node["op"];
    if (!op) fail(node, join(path, "op"), "missing required key 'op'");
    if (!op.IsScalar() || op.Scalar().empty())
      fail(op, join(path, "op"), "expected an augmentation name");
    AugmentOpSpec spec;
    spec.op.kind = op.Scalar();
    spec.op.path = path;
    spec.op.where = where(op, join(path, "op"));
    spec.op.params = Params(path, where(node, path));
    Params level(path, where(node, path));
    for (const auto& kv : node) {
      const auto key = key_of(kv.first, path);
      if (key == "op") continue;
      if (key == "p" || key == "magnitude") {
        if (!leveled) {
          fail(kv.first, join(path, key),
               "the augmentation kind chooses p and magnitude; give them only in a policy");
        }
        if (!kv.second.IsScalar()) fail(kv.second, join(path, key), "expected a number");
        level.set(key, value(kv.second, join(path, key)));
      } else {
        spec.op.params.set(key, value(kv.second, join(path, key)));
      }
    }
    if (!leveled) return spec;
    spec.probability = level.number("p");
    if (!(spec.probability >= 0 && spec.probability <= 1))
      level.fail("p", "expected a probability in [0, 1], got " + level.string("p"));
    spec.magnitude = level.number("magnitude");
    if (!(spec.magnitude >= 0 && spec.magnitude <= kMaxMagnitude))
      level.fail("magnitude", "expected a magnitude in [0, 10], got " + level.string("magnitude"));
    return spec;
  }

  TrainSpec train(const YAML::Node& node, bool probing = false) const {
    check_keys(node, "train",
               {"epochs", "iterations", "batch_size", "sampling", "eval", "eval_batch_size",
                "batch_seed", "log_every", "checkpoint"});
    plain_values(node, "train",
                 {"epochs", "iterations", "batch_size", "sampling", "eval", "eval_batch_size",
                  "batch_seed", "log_every"});
    Params p = scalars(node, "train");
    TrainSpec spec;
    spec.iterations = p.integer("iterations", 0);
    if (spec.iterations < 0) p.fail("iterations", "expected a positive number of updates");
    at_most(p, "iterations", spec.iterations, kMaxCount, "updates");
    if (spec.iterations > 0 && !p.has("epochs")) {
      spec.epochs = std::numeric_limits<std::int32_t>::max();  // the update count ends the run
    } else {
      spec.epochs = p.integer("epochs");
      if (spec.epochs < (probing ? 0 : 1))
        p.fail("epochs", probing ? "expected a number of epochs (0: only probe)"
                                 : "expected a positive number of epochs");
      at_most(p, "epochs", spec.epochs, kMaxCount, "epochs");
    }
    if (p.has("batch_seed")) {
      const std::int64_t seed = p.integer("batch_seed");
      if (seed < 0) p.fail("batch_seed", "expected a non-negative integer");
      spec.batch_seed = static_cast<std::uint64_t>(seed);
    }
    spec.log_every = p.integer("log_every", 0);
    if (spec.log_every < 0) p.fail("log_every", "expected a positive number of updates (0: off)");
    if (const YAML::Node checkpoint = node["checkpoint"]) {
      spec.checkpoint_where = where(checkpoint, "train.checkpoint");
      spec.checkpoint_every = checkpoint_every(checkpoint);
    }
    spec.batch_size = p.integer("batch_size", 100);
    if (spec.batch_size < 1) p.fail("batch_size", "expected a positive batch size");
    spec.sampling =
        p.choice("sampling", "with_replacement", {"with_replacement", "shuffle"}) == "shuffle"
            ? Sampling::shuffle
            : Sampling::with_replacement;
    spec.eval_batch_size = p.integer("eval_batch_size", 256);
    if (spec.eval_batch_size < 1) p.fail("eval_batch_size", "expected a positive row count");
    spec.eval_where = p.where("eval");
    spec.batch_size_where = p.where("batch_size");
    if (const ParamValue* eval = p.find("eval")) {
      spec.eval.clear();
      const std::vector<ParamValue> items =
          eval->is_list ? eval->items : std::vector<ParamValue>{*eval};
      for (const auto& item : items) {
        const auto split = parse_split(item.text);
        if (!split) {
          throw ConfigError(item.where, "train.eval",
                            "expected train, val or test, got '" + item.text + "'");
        }
        spec.eval.push_back(*split);
      }
    }
    return spec;
  }

  /// `train.checkpoint: {every: N}`: checkpoint.safetensors every N epochs.
  std::int64_t checkpoint_every(const YAML::Node& node) const {
    if (!node.IsMap()) fail(node, "train.checkpoint", "expected a mapping such as {every: 5}");
    check_keys(node, "train.checkpoint", {"every"});
    plain_values(node, "train.checkpoint", {"every"});
    Params p = scalars(node, "train.checkpoint");
    const std::int64_t every = p.integer("every");
    if (every < 1) p.fail("every", "expected a positive number of epochs between checkpoints");
    at_most(p, "every", every, kMaxCount, "epochs");
    return every;
  }

  ExecutionSpec execution(const YAML::Node& node) const {
    if (!node.IsMap()) fail(node, "execution", "expected a mapping");
    check_keys(
        node, "execution",
        {"threads_per_trial", "parallel_trials", "isolation", "trial_memory", "trial_timeout"});
    plain_values(
        node, "execution",
        {"threads_per_trial", "parallel_trials", "isolation", "trial_memory", "trial_timeout"});
    Params p = scalars(node, "execution");
    ExecutionSpec spec;
    const std::int64_t threads = p.integer("threads_per_trial", 1);
    if (threads < 1) p.fail("threads_per_trial", "expected a positive thread count");
    at_most(p, "threads_per_trial", threads, kMaxThreads, "threads");
    spec.threads_per_trial = static_cast<int>(threads);
    if (p.has("parallel_trials") && p.string("parallel_trials") != "auto") {
      const std::int64_t parallel = p.integer("parallel_trials");
      if (parallel < 1) p.fail("parallel_trials", "expected a positive count or 'auto'");
      at_most(p, "parallel_trials", parallel, kMaxThreads, "trials at once");
      spec.parallel_trials = static_cast<int>(parallel);
    }
    const std::string isolation = p.string("isolation", "thread");
    if (isolation == "process") {
      spec.isolation = Isolation::process;
    } else if (isolation != "thread") {
      p.fail("isolation", "expected thread or process, got '" + isolation + "'");
    }
    if (p.has("trial_memory")) {
      spec.trial_memory.text = p.string("trial_memory");
      const auto bytes = parse_byte_size(spec.trial_memory.text);
      if (!bytes || *bytes < kMinTrialMemory) {
        p.fail("trial_memory",
               "expected a size of at least 64 MiB such as '2 GiB' or '512 MiB' "
               "(units B, KiB, MiB, GiB, TiB), got '" +
                   spec.trial_memory.text + "'");
      }
      spec.trial_memory.bytes = *bytes;
    }
    if (p.has("trial_timeout")) {
      spec.trial_timeout_s = p.number("trial_timeout");
      if (!(spec.trial_timeout_s > 0) || !std::isfinite(spec.trial_timeout_s))
        p.fail("trial_timeout", "expected a positive number of seconds");
    }
    // A thread cannot be stopped or limited from outside: the limits need a worker process.
    for (const char* key : {"trial_memory", "trial_timeout"}) {
      if (p.has(key) && spec.isolation != Isolation::process) {
        p.fail(key, std::string("a trial's ") + (key[6] == 'm' ? "memory" : "time") +
                        " can only be limited in a worker process: add isolation: process");
      }
    }
    return spec;
  }

  /// `objectives: [{metric: val_acc, mode: max}, {metric: params, mode: min}]`: two or more
  /// objectives, each an evaluation metric or a run measure, none twice.
  void search_objectives(const YAML::Node& list, SearchSpec& spec, const TrainSpec& train) const {
    if (!list.IsSequence() || list.size() < 2) {
      fail(list, "search.objectives",
           "expected a list of two or more {metric: ..., mode: max | min} (one objective is "
           "`objective:`)");
    }
    bool have_metric = false;
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string path = "search.objectives[" + std::to_string(i) + "]";
      const YAML::Node item = list[i];
      if (!item.IsMap()) fail(item, path, "expected {metric: ..., mode: max | min}");
      check_keys(item, path, {"metric", "mode"});
      plain_values(item, path, {"metric", "mode"});
      Params o = scalars(item, path);
      const std::string name = o.string("metric");
      SearchObjective objective;
      objective.maximize = o.choice("mode", "max", {"max", "min"}) == "max";
      objective.where = where(item, path);
      const auto measure = parse_objective_measure(name);
      if (!measure) {
        o.fail("metric",
               "expected <split>_acc or <split>_loss with split train, val or test, or one of "
               "train_seconds, params, updates; got '" +
                   name + "'");
      }
      objective.measure = *measure;
      if (const auto* metric = std::get_if<Metric>(&measure->what)) {
        if (std::find(train.eval.begin(), train.eval.end(), metric->split) == train.eval.end()) {
          o.fail("metric", "'" + name + "' needs '" + std::string(split_name(metric->split)) +
                               "' in train.eval");
        }
        if (!have_metric) {
          spec.metric = *metric;
          spec.maximize = objective.maximize;
          have_metric = true;
        }
      }
      for (const auto& earlier : spec.objectives) {
        if (earlier.measure == objective.measure)
          o.fail("metric", "'" + name + "' is already an objective; expected each once");
      }
      spec.objectives.push_back(objective);
    }
  }

  SearchSpec search(const YAML::Node& node, const YAML::Node& root, const TrainSpec& train) const {
    if (train.checkpoint_every > 0) {
      // Trials are short and --resume on a sweep reruns the unfinished ones; a checkpoint per
      // trial would be files nobody resumes from.
      throw ConfigError(train.checkpoint_where, "train.checkpoint",
                        "a sweep's trials do not checkpoint (nnlab sweep --resume reruns the "
                        "trials that had not finished); remove it, or run one experiment with it");
    }
    SearchSpec spec;
    spec.strategy = component(node, "search",
                              {"trials", "repeats", "seeds", "objective", "objectives", "space",
                               "pruner", "keep_models"});
    if (const YAML::Node pruner = node["pruner"]) {
      // A pruner compares a trial's curve of one metric with the others' (Optuna refuses pruning
      // a multi-objective study too).
      if (node["objectives"])
        fail(pruner, "search.pruner", "a multi-objective search (objectives:) cannot prune");
      if (!pruner.IsMap())
        fail(pruner, "search.pruner", "expected {kind: median | asha | hyperband, ...}");
      spec.pruner = component(pruner, "search.pruner");
    }
    spec.where = where(node, "search");
    plain_values(node, "search", {"trials", "repeats", "seeds", "keep_models"});
    Params p = scalars(node, "search");
    spec.trials = p.integer("trials", 0);
    if (spec.trials < 0)
      p.fail("trials", "expected a non-negative trial budget (0: all the strategy proposes)");
    at_most(p, "trials", spec.trials, kMaxTrials, "trials");
    spec.repeats = p.integer("repeats", 1);
    if (spec.repeats < 1)
      p.fail("repeats", "expected a positive number of seeds per configuration");
    at_most(p, "repeats", spec.repeats, kMaxRepeats, "repeats");
    spec.seeds = p.choice("seeds", "per_trial", {"per_trial", "common"}) == "common"
                     ? TrialSeeds::common
                     : TrialSeeds::per_trial;
    const std::string keep = p.choice("keep_models", "best", {"best", "all", "none"});
    spec.keep_models = keep == "all"    ? KeepModels::all
                       : keep == "none" ? KeepModels::none
                                        : KeepModels::best;

    const YAML::Node objective = node["objective"], objectives = node["objectives"];
    if (objective && objectives)
      fail(objectives, "search.objectives", "give objective or objectives, not both");
    if (objectives) {
      search_objectives(objectives, spec, train);
    } else {
      const YAML::Node single = required_map(node, "search", "objective");
      check_keys(single, "search.objective", {"metric", "mode"});
      plain_values(single, "search.objective", {"metric", "mode"});
      Params o = scalars(single, "search.objective");
      const std::string metric = o.string("metric");
      spec.maximize = o.choice("mode", "max", {"max", "min"}) == "max";
      const auto parsed = parse_metric(metric);
      if (!parsed) {
        o.fail("metric",
               "expected <split>_acc or <split>_loss with split train, val or test, got '" +
                   metric + "'");
      }
      spec.metric = *parsed;
      if (std::find(train.eval.begin(), train.eval.end(), spec.metric.split) == train.eval.end()) {
        o.fail("metric", "'" + metric + "' needs '" + std::string(split_name(spec.metric.split)) +
                             "' in train.eval");
      }
    }

    const YAML::Node space = required_map(node, "search", "space");
    if (space.size() == 0) fail(space, "search.space", "expected at least one parameter");
    std::set<std::string> names;
    for (const auto& kv : space) {
      const std::string name = key_of(kv.first, "search.space");
      if (name == "augment.policy" && policy_space_) {
        expand_policy_space(spec, root);
        continue;
      }
      const std::size_t first_target = spec.targets.size();
      spec.space.parameters.push_back(
          parameter(kv.second, "search.space." + name, name, root, names, spec.targets));
      for (std::size_t t = first_target; t < spec.targets.size(); ++t)
        spec.targets[t].parameter = spec.space.parameters.size() - 1;
      names.insert(name);
    }
    // A slot of the policy space written out again would be set twice per trial.
    std::set<std::string> paths;
    for (const auto& t : spec.targets) {
      if (policy_space_ && !paths.insert(t.path).second) {
        throw ConfigError(t.where, "search.space",
                          "'" + t.path +
                              "' is searched twice (search.space.augment.policy "
                              "searches every slot of the policy)");
      }
    }
    // A search over a policy's slots writes policy.yaml: its best policies' sub-policies.
    if (spec.top_policies == 0) {
      for (const auto& t : spec.targets) {
        if (t.path.starts_with("augment.policy[")) spec.top_policies = 5;
      }
    }
    return spec;
  }

  SearchParameter parameter(const YAML::Node& node, const std::string& path,
                            const std::string& name, const YAML::Node& root,
                            const std::set<std::string>& earlier,
                            std::vector<SearchTarget>& targets) const {
    if (!node.IsMap())
      fail(node, path, "expected {distribution: ..., min: ..., max: ...} or {values: [...]}");
    check_keys(node, path,
               {"distribution", "min", "max", "step", "grid", "values", "paths", "when"});
    plain_values(node, path, {"distribution", "min", "max", "step", "grid", "values", "paths"});
    Params p = scalars(node, path);
    SearchParameter param;
    param.name = name;
    if (const ParamValue* paths = p.find("paths")) {
      for (const auto& item : paths->is_list ? paths->items : std::vector<ParamValue>{*paths})
        param.paths.push_back(item.text);
    } else {
      param.paths.push_back(name);
    }
    for (const auto& target : param.paths) {
      targets.push_back(search_target(root, target, p.where("paths"), path));
    }
    const bool has_values = p.has("values");
    const std::string distribution =
        p.choice("distribution", has_values ? "categorical" : "uniform",
                 {"uniform", "log_uniform", "int", "categorical"});
    if (distribution == "categorical") {
      param.kind = SearchParameter::Kind::categorical;
      const ParamValue* values = p.find("values");
      if (!values || !values->is_list || values->items.empty())
        p.fail("values", "expected a non-empty list of values");
      for (const auto& item : values->items) param.choices.push_back(item.text);
    } else {
      param.kind = distribution == "uniform"       ? SearchParameter::Kind::uniform
                   : distribution == "log_uniform" ? SearchParameter::Kind::log_uniform
                                                   : SearchParameter::Kind::integer;
      if (has_values)
        p.fail("values", "values are for categorical parameters; drop distribution or values");
      param.low = p.number("min");
      param.high = p.number("max");
      param.step = p.number("step", param.kind == SearchParameter::Kind::integer ? 1.0 : 0.0);
      const std::int64_t grid = p.integer("grid", 0);
      at_most(p, "grid", grid, kMaxGridPoints, "grid points");
      param.grid_points = static_cast<int>(grid);
      if (!(param.low < param.high) &&
          !(param.kind == SearchParameter::Kind::integer && param.low == param.high)) {
        p.fail("max", "the range is empty: max must be greater than min (" +
                          format_value(param.low) + ")");
      }
      if (param.kind == SearchParameter::Kind::log_uniform && !(param.low > 0)) {
        p.fail("min",
               "log_uniform bounds are real values and must be positive (write 1.0e-6, not -6)");
      }
      if (param.kind == SearchParameter::Kind::integer &&
          (std::floor(param.low) != param.low || std::floor(param.high) != param.high ||
           std::floor(param.step) != param.step)) {
        p.fail("min", "int bounds and step must be integers (bounds are inclusive)");
      }
      if (param.step < 0) p.fail("step", "expected a non-negative step");
      // A grid counts up from min by the step: 0 would never reach max.
      if (param.kind == SearchParameter::Kind::integer && param.step == 0)
        p.fail("step", "an int parameter's step must be at least 1");
      if (param.grid_points < 0 || param.grid_points == 1)
        p.fail("grid", "expected at least 2 grid points");
    }
    if (const YAML::Node when = node["when"]) {
      if (!when.IsMap())
        fail(when, path + ".when", "expected {other_parameter: value or [values], ...}");
      for (const auto& kv : when) {
        const std::string other = key_of(kv.first, path + ".when");
        if (!earlier.count(other)) {
          fail(kv.first, path + ".when",
               "'" + other + "' is not a parameter declared before '" + name + "'");
        }
        auto& allowed = param.when[other];
        if (kv.second.IsScalar()) {
          allowed.push_back(kv.second.Scalar());
        } else if (kv.second.IsSequence() && kv.second.size() > 0) {
          for (const auto& v : kv.second) {
            if (!v.IsScalar()) fail(v, path + ".when." + other, "expected a value");
            allowed.push_back(v.Scalar());
          }
        } else {
          fail(kv.second, path + ".when." + other, "expected a value or a list of values");
        }
      }
    }
    return param;
  }

  /// Whether `steps` lead into the place `yaml_path` ("model.layers") names: their first keys are
  /// its keys.
  static bool within(const std::vector<PathStep>& steps, std::string_view yaml_path) {
    std::size_t step = 0;
    for (std::size_t start = 0; start <= yaml_path.size(); ++step) {
      const std::size_t end = std::min(yaml_path.find('.', start), yaml_path.size());
      const auto* key = step < steps.size() ? std::get_if<std::string>(&steps[step]) : nullptr;
      if (!key || *key != yaml_path.substr(start, end - start)) return false;
      start = end + 1;
    }
    return true;
  }

  /// A searched path must name a value of the experiment (or a new key of an existing mapping).
  /// Returns the component the path sets a key of.
  SearchTarget search_target(const YAML::Node& root, const std::string& target,
                             const SourceLocation& at, const std::string& path) const {
    if (target == "seed" || target == "name" || target.starts_with("search")) {
      throw ConfigError(at, path,
                        "'" + target + "' cannot be searched: seeds and names belong to the sweep");
    }
    // The dataset is the sweep's; its preprocessing, fitted on the loaded rows, may differ per
    // trial (DataCache keeps one prepared copy per distinct preprocessing).
    if (target.starts_with("data") && target != "data.scale" && target != "data.epsilon") {
      throw ConfigError(at, path,
                        "'" + target +
                            "' cannot be searched: the dataset is loaded once for every trial "
                            "(its preprocessing, data.scale and data.epsilon, can be)");
    }
    std::vector<PathStep> steps;
    try {
      steps = parse_key_path(target);
    } catch (const ConfigError& e) {
      throw ConfigError(at, path, "'" + target + "' is not a key path");
    }
    SearchTarget result;
    result.path = target;
    result.where = at;
    const auto dot = target.rfind('.');
    result.component = dot == std::string::npos ? "" : target.substr(0, dot);
    result.key = dot == std::string::npos ? target : target.substr(dot + 1);
    for (const SlotInfo& slot : kSlotInfos) {
      if (slot.searchable && within(steps, slot.yaml_path)) result.slot = slot.slot;
    }
    auto kind_of = [&](const YAML::Node& mapping) {
      if (result.slot && mapping.IsMap() && mapping["kind"] && mapping["kind"].IsScalar())
        result.kind = mapping["kind"].Scalar();
    };
    YAML::Node node;
    node.reset(root);
    for (std::size_t s = 0; s < steps.size(); ++s) {
      const bool last = s + 1 == steps.size();
      if (last) kind_of(node);
      YAML::Node child;
      if (const auto* key = std::get_if<std::string>(&steps[s])) {
        if (!node.IsMap())
          throw ConfigError(
              at, path, "'" + target + "' names nothing: '" + *key + "' is not inside a mapping");
        child = node[*key];
        if (!child) {
          if (last) return result;  // a new key of an existing mapping, e.g. optimizer.momentum
          throw ConfigError(
              at, path, "'" + target + "' names nothing in the experiment: no key '" + *key + "'");
        }
      } else {
        const std::size_t index = std::get<std::size_t>(steps[s]);
        if (!node.IsSequence() || index >= node.size()) {
          throw ConfigError(at, path,
                            "'" + target + "' names nothing in the experiment: no item [" +
                                std::to_string(index) + "]");
        }
        child = node[index];
      }
      node.reset(child);
    }
    return result;
  }

  /// `search.space.augment.policy`, as policy_space() read it.
  struct PolicySpace {
    std::int64_t sub_policies = 5, operations = 2, top = 5;
    std::vector<std::string> ops, probabilities, magnitudes;
    SourceLocation where, ops_where;
  };
  /// The paper's 16 operations but sample pairing (which mixes in a second image): its defaults.
  inline static const std::vector<std::string> kAutoAugmentOps = {
      "shear_x",       "shear_y", "translate_x", "translate_y", "rotate",
      "auto_contrast", "invert",  "equalize",    "solarize",    "posterize",
      "contrast",      "color",   "brightness",  "sharpness",   "cutout"};

  std::string file_;
  std::vector<std::string> overridden_;
  std::optional<PolicySpace> policy_space_;
  std::map<std::string, int> kind_counts_;
  std::set<std::string> node_names_;  ///< every node named so far (names are unique)
  /// The most nodes a model may have after `repeat:` expansion: far beyond any network people
  /// train, and small enough that building the graph stays instant.
  static constexpr std::size_t kMaxNodes = 10000;
  /// Bounds on counts (see at_most): far past any real experiment, short of a hang.
  static constexpr std::int64_t kMaxCount = std::numeric_limits<std::int32_t>::max();
  static constexpr std::int64_t kMaxSteps = 1000000;
  static constexpr std::int64_t kMaxBins = 1000000;
  static constexpr std::int64_t kMaxThreads = 1024;
  static constexpr std::int64_t kMaxTrials = 1000000;
  static constexpr std::int64_t kMaxRepeats = 1000;
  static constexpr std::int64_t kMaxGridPoints = 1000000;
  static constexpr double kMaxMagnitude = Augmentation::kMaxMagnitude;
  static constexpr std::int64_t kMaxAugmentOps = 1000;
};

}  // namespace

namespace {

/// The most values an experiment may hold once aliases are followed. yaml-cpp shares an aliased
/// node, so "billion laughs" loads in microseconds but expands exponentially in every walk over it
/// (and in the saved experiment.yaml): refused while counting, before anything else walks it.
constexpr std::size_t kMaxValues = 1000000;

/// yaml-cpp keeps both entries of a key written twice and reads the first: a user who edits the
/// second never sees it take effect. Refused, naming the second one's line. Also refuses keys that
/// are not plain values, and more than kMaxValues values in all (`visited` counts them).
/// `check_duplicates` is off for the tree after --set overrides, whose marks are not the file's.
void refuse_duplicate_keys(const YAML::Node& node, const std::string& file, const std::string& path,
                           std::size_t& visited, bool check_duplicates = true) {
  if (++visited > kMaxValues) {
    const YAML::Mark mark = node.Mark();
    throw ConfigError(check_duplicates ? SourceLocation{file, mark.line + 1, mark.column + 1}
                                       : SourceLocation{"--set", 0, 0},
                      path,
                      "the experiment expands past " + std::to_string(kMaxValues) +
                          " values (aliases of aliases?); expected a smaller experiment");
  }
  if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i)
      refuse_duplicate_keys(node[i], file, path + "[" + std::to_string(i) + "]", visited,
                            check_duplicates);
  } else if (node.IsMap()) {
    std::map<std::string, int> first_line;
    for (const auto& kv : node) {
      const YAML::Mark mark = kv.first.Mark();
      if (!kv.first.IsScalar()) {
        throw ConfigError(check_duplicates ? SourceLocation{file, mark.line + 1, mark.column + 1}
                                           : SourceLocation{"--set", 0, 0},
                          path, "expected a plain key, got a list or mapping as a key");
      }
      const std::string key = kv.first.Scalar();
      const std::string key_path = path.empty() ? key : path + "." + key;
      if (auto [it, fresh] = first_line.emplace(key, mark.line + 1); !fresh && check_duplicates) {
        throw ConfigError({file, mark.line + 1, mark.column + 1}, key_path,
                          "duplicate key (first at line " + std::to_string(it->second) + ")");
      }
      refuse_duplicate_keys(kv.second, file, key_path, visited, check_duplicates);
    }
  }
}

/// Where byte `offset` of `text` is, 1-based.
SourceLocation location_of(const std::string& text, std::size_t offset, const std::string& file) {
  const auto line_start = text.rfind('\n', offset == 0 ? 0 : offset - 1);
  const auto line =
      std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(offset), '\n');
  const std::size_t column = line_start == std::string::npos ? offset : offset - line_start - 1;
  return {file, static_cast<int>(line) + 1, static_cast<int>(column) + 1};
}

}  // namespace

ExperimentSpec parse_experiment(const std::string& yaml_text, const std::string& file,
                                const std::vector<std::string>& overrides) {
  // yaml-cpp stops at a NUL byte as if the file ended there: the rest would be silently lost.
  if (const auto nul = yaml_text.find('\0'); nul != std::string::npos)
    throw ConfigError(location_of(yaml_text, nul, file), "", "a NUL byte; expected a YAML text");
  if (const auto stray = stray_flow_entry(yaml_text))
    throw ConfigError(location_of(yaml_text, stray->offset, file), "",
                      std::string("invalid YAML: ") + stray->what);
  YAML::Node root;
  try {
    // A second document (after `---`) would be silently ignored. Counted without
    // YAML::LoadAll, which never returns on some invalid texts; three, so that a parser stuck
    // after the first is told apart from a real second document (document_starts).
    const std::vector<YAML::Mark> documents = document_starts(yaml_text, 3);
    if (documents.size() > 1) {
      const YAML::Mark mark = documents[1];
      throw ConfigError(
          {file, mark.is_null() ? 0 : mark.line + 1, mark.is_null() ? 0 : mark.column + 1}, "",
          "a second YAML document; expected one experiment per file");
    }
    if (!documents.empty()) root = YAML::Load(yaml_text);
  } catch (const YAML::DeepRecursion& e) {
    throw ConfigError({file, e.mark.line + 1, e.mark.column + 1}, "",
                      "invalid YAML: nested too deeply (the parser stops at " +
                          std::to_string(e.depth()) + " levels); expected an experiment");
  } catch (const YAML::Exception& e) {
    throw ConfigError({file, e.mark.line + 1, e.mark.column + 1}, "", "invalid YAML: " + e.msg);
  }
  if (root.IsNull()) {
    throw ConfigError({file, 0, 0}, "",
                      "the file holds no experiment; expected a mapping of experiment keys (name, "
                      "data, model, optimizer, train, ...)");
  }
  std::size_t visited = 0;
  refuse_duplicate_keys(root, file, "", visited);
  std::vector<std::string> overridden;
  overridden.reserve(overrides.size());
  for (const auto& o : overrides) overridden.push_back(apply_override(root, o));
  if (!overrides.empty()) {  // a --set value may hold aliases too
    visited = 0;
    refuse_duplicate_keys(root, file, "", visited, false);
  }
  ExperimentSpec spec = Loader(file, overridden).load(root);
  // The resolved file names its seed, so rerunning it repeats the run exactly.
  if (!root["seed"]) root["seed"] = spec.seed;
  YAML::Emitter out;
  out << root;
  spec.resolved_yaml = std::string(out.c_str()) + "\n";
  return spec;
}

std::optional<std::size_t> SearchSpec::metric_objective() const {
  for (std::size_t i = 0; i < objectives.size(); ++i) {
    if (std::holds_alternative<Metric>(objectives[i].measure.what)) return i;
  }
  return std::nullopt;
}

std::string without_search(const std::string& yaml_text) {
  YAML::Node root = YAML::Load(yaml_text);
  root.remove("search");
  // How many trials ran at once means nothing to a single run.
  if (YAML::Node execution = root["execution"]; execution && execution.IsMap()) {
    // Nor does where and under which limits trials ran.
    for (const char* key : {"parallel_trials", "isolation", "trial_memory", "trial_timeout"})
      execution.remove(key);
    if (execution.size() == 0) root.remove("execution");
  }
  YAML::Emitter out;
  out << root;
  return std::string(out.c_str()) + "\n";
}

std::string with_concatenated_policies(const std::string& experiment_yaml,
                                       const std::vector<std::string>& policy_yamls,
                                       const std::string& name, const std::string& description) {
  YAML::Node root = YAML::Load(experiment_yaml);
  YAML::Node policy(YAML::NodeType::Sequence);
  for (std::size_t i = 0; i < policy_yamls.size(); ++i) {
    const YAML::Node other = YAML::Load(policy_yamls[i]);
    const YAML::Node augment = other["augment"];
    const YAML::Node subs = augment && augment.IsMap() ? augment["policy"] : YAML::Node();
    if (!subs || !subs.IsSequence())
      throw Error("policy " + std::to_string(i + 1) + " of " + std::to_string(policy_yamls.size()) +
                  " has no augment.policy to concatenate");
    for (const auto& sub : subs) policy.push_back(YAML::Clone(sub));
  }
  YAML::Node augment = root["augment"] && root["augment"].IsMap() ? YAML::Clone(root["augment"])
                                                                  : YAML::Node(YAML::NodeType::Map);
  augment["policy"] = policy;
  root["augment"] = augment;
  root["name"] = name;
  root["description"] = description;
  YAML::Emitter out;
  out << root;
  return std::string(out.c_str()) + "\n";
}

namespace {
void collect_differences(const YAML::Node& a, const YAML::Node& b, const std::string& path,
                         std::vector<std::string>& out) {
  auto shown = [](const YAML::Node& n) -> std::string {
    if (!n) return "(absent)";
    if (n.IsScalar()) return n.Scalar();
    YAML::Emitter e;
    e << YAML::Flow << n;
    return e.c_str();
  };
  // Mappings (or a mapping against nothing) are compared key by key, so each difference names a
  // leaf: "execution.parallel_trials: (absent) -> 3", not "execution: (absent) -> {...}".
  const bool a_map = a && a.IsMap(), b_map = b && b.IsMap();
  if ((a_map && b_map) || (a_map && !b) || (b_map && !a)) {
    std::set<std::string> keys;
    if (a_map)
      for (const auto& kv : a) keys.insert(kv.first.as<std::string>());
    if (b_map)
      for (const auto& kv : b) keys.insert(kv.first.as<std::string>());
    for (const auto& key : keys) {
      collect_differences(a_map ? a[key] : YAML::Node(), b_map ? b[key] : YAML::Node(),
                          path.empty() ? key : path + "." + key, out);
    }
    return;
  }
  if (a && b && a.IsSequence() && b.IsSequence() && a.size() == b.size()) {
    for (std::size_t i = 0; i < a.size(); ++i)
      collect_differences(a[i], b[i], path + "[" + std::to_string(i) + "]", out);
    return;
  }
  const std::string before = shown(a), after = shown(b);
  if (before != after) out.push_back(path + ": " + before + " -> " + after);
}
}  // namespace

std::vector<std::string> experiment_differences(const std::string& before,
                                                const std::string& after) {
  std::vector<std::string> out;
  collect_differences(YAML::Load(before), YAML::Load(after), "", out);
  return out;
}

std::string experiment_dir(const std::string& file) {
  std::error_code ec;
  const auto absolute = std::filesystem::absolute(file, ec);
  return (ec ? std::filesystem::path(file) : absolute).parent_path().string();
}

ExperimentSpec load_experiment(const std::string& file, const std::vector<std::string>& overrides) {
  // An ifstream opens a folder and reads nothing from it: "holds no experiment" would mislead.
  if (std::filesystem::is_directory(file))
    throw ConfigError({file, 0, 0}, "", "is a folder; expected an experiment (YAML) file");
  std::ifstream in(file);
  if (!in) throw ConfigError({file, 0, 0}, "", "cannot read the experiment file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_experiment(text.str(), file, overrides);
}

}  // namespace nnlab
