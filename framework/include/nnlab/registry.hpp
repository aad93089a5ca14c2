#pragma once
/// Registries map a component key (the YAML `kind`) to a factory, its parameter schema and the
/// plugin that registered it. Plugins add to them from their entry point; the core creates components from
/// them.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "nnlab/dataset.hpp"
#include "nnlab/error.hpp"
#include "nnlab/layer.hpp"
#include "nnlab/loss.hpp"
#include "nnlab/objective.hpp"
#include "nnlab/optimizer.hpp"
#include "nnlab/params.hpp"
#include "nnlab/pruner.hpp"
#include "nnlab/regularizer.hpp"
#include "nnlab/schema.hpp"
#include "nnlab/search_strategy.hpp"

namespace nnlab {

/// Finds the key nearest to `key` by edit distance (empty if none is close).
std::string nearest_key(const std::string& key, const std::vector<std::string>& known);

template <class T>
class Registry {
 public:
  using Factory = std::unique_ptr<T> (*)(const Params&);
  struct Entry {
    Factory factory = nullptr;
    Schema schema;       ///< summary and parameters; the core applies it before the factory runs
    std::string plugin;  ///< path of the plugin that registered it
  };

  /// @param kind_name what the entries are, for messages ("layer", "optimizer", ...)
  explicit Registry(std::string kind_name) : kind_name_(std::move(kind_name)) {}

  /// Registers `key`. Throws PluginError naming both plugins if the key is taken.
  void add(const std::string& key, Factory factory, Schema schema) {
    if (auto it = entries_.find(key); it != entries_.end()) {
      throw PluginError(current_plugin_, "duplicate " + kind_name_ + " '" + key +
                                             "': already registered by " + it->second.plugin);
    }
    entries_.emplace(key, Entry{factory, std::move(schema), current_plugin_});
  }

  bool contains(const std::string& key) const { return entries_.count(key) != 0; }
  const std::map<std::string, Entry>& entries() const { return entries_; }
  const std::string& kind_name() const { return kind_name_; }
  std::vector<std::string> keys() const {
    std::vector<std::string> out;
    for (const auto& [key, entry] : entries_) out.push_back(key);
    return out;
  }

  /// The entry for `key`, or nullptr.
  const Entry* find(const std::string& key) const {
    auto it = entries_.find(key);
    return it == entries_.end() ? nullptr : &it->second;
  }

  /// Set by the plugin host while a plugin registers, so entries record their origin.
  void set_current_plugin(const std::string& path) { current_plugin_ = path; }

 private:
  std::string kind_name_;
  std::string current_plugin_ = "<core>";
  std::map<std::string, Entry> entries_;
};

/// Every registry a plugin may add to.
struct Registries {
  Registry<Layer> layers{"layer"};
  Registry<Loss> losses{"loss"};
  Registry<Regularizer> regularizers{"regularizer"};
  Registry<Optimizer> optimizers{"optimizer"};
  Registry<Dataset> datasets{"dataset"};
  Registry<SearchStrategy> strategies{"search strategy"};
  Registry<Pruner> pruners{"pruner"};
  Registry<Objective> objectives{"objective"};

  void set_current_plugin(const std::string& path) {
    layers.set_current_plugin(path);
    losses.set_current_plugin(path);
    regularizers.set_current_plugin(path);
    optimizers.set_current_plugin(path);
    datasets.set_current_plugin(path);
    strategies.set_current_plugin(path);
    pruners.set_current_plugin(path);
    objectives.set_current_plugin(path);
  }
};

/// The usual factory: constructs T from its Params.
template <class Base, class T>
std::unique_ptr<Base> make(const Params& params) {
  return std::make_unique<T>(params);
}

}  // namespace nnlab
