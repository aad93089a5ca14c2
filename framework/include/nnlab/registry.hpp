#pragma once
/// Registries map a component key (the YAML `kind`) to a factory, its parameter schema and the
/// plugin that registered it. Plugins stage entries through a Registrar (nnlab/registrar.hpp); the
/// plugin host commits them here and creates components from them.
///
/// The interfaces are only declared: a factory's `std::unique_ptr<T>` return type does not need T
/// complete, so a plugin compiles just the interface headers it implements (the search plugin
/// never sees oneDNN's).
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "nnlab/params.hpp"
#include "nnlab/schema.hpp"

namespace nnlab {

class Layer;
class Loss;
class Regularizer;
class Optimizer;
class Dataset;
class SearchStrategy;
class Pruner;
class Objective;
class Augmentation;

template <class T>
class Registry {
 public:
  using Factory = std::unique_ptr<T> (*)(const Params&);
  struct Entry {
    Factory factory = nullptr;
    Schema schema;       ///< summary and parameters; the core applies it before the factory runs
    std::string plugin;  ///< path of the plugin that registered it
  };

  bool contains(const std::string& key) const { return entries_.count(key) != 0; }
  const std::map<std::string, Entry>& entries() const { return entries_; }
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

  /// For the plugin host, which commits a plugin's staged entries after checking that no key is
  /// taken: adds `key` (false if it is already there, leaving the entry as it was).
  bool insert(const std::string& key, Entry entry) {
    return entries_.emplace(key, std::move(entry)).second;
  }
  /// For the plugin host, to take back a commit that could not finish.
  void erase(const std::string& key) { entries_.erase(key); }

 private:
  std::map<std::string, Entry> entries_;
};

/// Every registry of the host. The core's component-slot table (component_slots.hpp) names each
/// one's kind and its place in an experiment.
struct Registries {
  Registry<Layer> layers;
  Registry<Loss> losses;
  Registry<Regularizer> regularizers;
  Registry<Optimizer> optimizers;
  Registry<Dataset> datasets;
  Registry<SearchStrategy> strategies;
  Registry<Pruner> pruners;
  Registry<Objective> objectives;
  Registry<Augmentation> augmentations;
};

/// The usual factory: constructs T from its Params (Base and T must be complete where it is used).
template <class Base, class T>
std::unique_ptr<Base> make(const Params& params) {
  return std::make_unique<T>(params);
}

}  // namespace nnlab
