#pragma once
/// What a plugin registers with. The host hands each plugin's `register_components` a Registrar
/// that knows the plugin's file (LLVM's PassBuilder is the model: the plugin is handed its
/// builder). Registrations are staged: the host commits them into its registries only when
/// `register_components` returns, so a plugin that throws half-way leaves nothing behind, and every
/// error names the plugin's file.
///
///   void register_components(nnlab::Registrar& r) {
///     r.optimizers.add("adam", &nnlab::make<nnlab::Optimizer, Adam>, adam_schema());
///   }
#include <string>
#include <utility>
#include <vector>

#include "nnlab/registry.hpp"

namespace nnlab {

/// The components of one kind a plugin has staged, in the order it added them.
template <class T>
class StagedRegistry {
 public:
  using Factory = typename Registry<T>::Factory;
  struct Staged {
    std::string key;
    Factory factory = nullptr;
    Schema schema;
  };

  /// Stages `key`: its factory and its schema (summary and parameters). A key another plugin, or
  /// this one, already registered is refused when the host commits, naming both plugins.
  void add(std::string key, Factory factory, Schema schema) {
    staged_.push_back({std::move(key), factory, std::move(schema)});
  }

  const std::vector<Staged>& staged() const { return staged_; }

 private:
  std::vector<Staged> staged_;
};

class Registrar {
 public:
  /// @param plugin_path the plugin's file, as the host loaded it (canonical)
  explicit Registrar(std::string plugin_path) : plugin_path_(std::move(plugin_path)) {}
  Registrar(const Registrar&) = delete;
  Registrar& operator=(const Registrar&) = delete;

  /// The file of the plugin registering; entries committed from here record it.
  const std::string& plugin_path() const { return plugin_path_; }

  StagedRegistry<Layer> layers;
  StagedRegistry<Loss> losses;
  StagedRegistry<Regularizer> regularizers;
  StagedRegistry<Optimizer> optimizers;
  StagedRegistry<Dataset> datasets;
  StagedRegistry<SearchStrategy> strategies;
  StagedRegistry<Pruner> pruners;
  StagedRegistry<Objective> objectives;
  StagedRegistry<Augmentation> augmentations;

 private:
  std::string plugin_path_;
};

}  // namespace nnlab
