#pragma once
/// The plugin host loads plugin .so files with Boost.DLL, checks their entry point, lets them
/// register components, and creates components by key. It must outlive every component a plugin
/// made: their code lives in the plugin. Plugins are never unloaded during a run.
#include <memory>
#include <string>
#include <vector>

#include <boost/dll/shared_library.hpp>

#include "component_slots.hpp"
#include "component_spec.hpp"
#include "nnlab/registry.hpp"
// create<T> destroys the component it built when a parameter went unread, which needs T complete;
// the host creates every kind, so it brings every interface to its callers.
#include "nnlab/augmentation.hpp"
#include "nnlab/dataset.hpp"
#include "nnlab/layer.hpp"
#include "nnlab/loss.hpp"
#include "nnlab/objective.hpp"
#include "nnlab/optimizer.hpp"
#include "nnlab/pruner.hpp"
#include "nnlab/regularizer.hpp"
#include "nnlab/search_strategy.hpp"

namespace nnlab {

struct ExperimentSpec;

struct LoadedPlugin {
  std::string path;
  std::string name;
  std::string version;
};

class PluginHost {
 public:
  PluginHost();
  ~PluginHost();
  PluginHost(const PluginHost&) = delete;
  PluginHost& operator=(const PluginHost&) = delete;

  /// Where nnlab's own plugins are: <directory of libnnlab.so>/nnlab/plugins, in the build tree and
  /// in an install alike.
  static std::string builtin_plugin_dir();

  /// The search path in order: `extra` entries, then NNLAB_PLUGIN_PATH (':'-separated), then the
  /// built-in directory. Entries are directories (every *.so in them) or plugin files.
  static std::vector<std::string> default_search_path(const std::vector<std::string>& extra);

  /// Loads every plugin on the search path. A directory that does not exist is skipped (and shown
  /// in messages); a named file that does not exist is an error.
  void load_search_path(const std::vector<std::string>& search_path);
  /// Loads what an experiment needs: `extra` (--plugin-path), the experiment's `plugins:` (errors
  /// name their line), NNLAB_PLUGIN_PATH, then the built-in plugins.
  void load_for(const ExperimentSpec& spec, const std::vector<std::string>& extra);
  /// Loads one plugin file. Throws PluginError naming the file on any problem, and refuses a file
  /// that other users could have written (see check_not_writable_by_others). What the plugin
  /// registers is committed only if its register_components returns and no key is taken: on any
  /// error the registries are as they were and the library is unloaded.
  void load_file(const std::string& path);

  /// Throws PluginError if `path` (a plugin file, or a folder whose every .so would be loaded) or a
  /// folder above it can be written by other users: whoever can write there can run code as you.
  /// Like ssh's StrictModes: a file or folder writable by every user, or by a group other than the
  /// owner's own, is refused; a folder above it may be so if it is sticky (/tmp), since others
  /// cannot replace what is in it.
  static void check_not_writable_by_others(const std::string& path, bool is_directory);

  Registries& registries() { return *registries_; }
  const Registries& registries() const { return *registries_; }
  const std::vector<LoadedPlugin>& plugins() const { return plugins_; }
  const std::vector<std::string>& search_path() const { return search_path_; }

  /// Creates the component `spec` names from `registry`: checks its parameters against the schema
  /// and fills in defaults, builds it, then rejects parameters the component did not read.
  /// Unknown kind: ConfigError listing the known keys, the nearest one, and where plugins were
  /// sought.
  /// @param kind_key the key that named the kind, for messages (a policy's operations use `op`)
  template <class T>
  std::unique_ptr<T> create(const Registry<T>& registry, const ComponentSpec& spec,
                            const std::string& kind_key = "kind") const {
    const std::string kind_name(slot_of<T>().kind_name);
    const auto* entry = registry.find(spec.kind);
    if (!entry)
      throw ConfigError(spec.where, spec.path + "." + kind_key,
                        unknown_message(kind_name, spec.kind, registry.keys()));
    const std::string component_name = kind_name + " '" + spec.kind + "'";
    Params params = spec.params;
    entry->schema.apply(params, component_name);
    std::unique_ptr<T> component = entry->factory(params);
    params.reject_unread(component_name);
    return component;
  }

 private:
  std::string unknown_message(const std::string& kind_name, const std::string& key,
                              const std::vector<std::string>& known) const;

  // Declared first so it is destroyed last: registered factories point into these libraries.
  std::vector<boost::dll::shared_library> libraries_;
  std::unique_ptr<Registries> registries_;
  std::vector<LoadedPlugin> plugins_;
  std::vector<std::string> search_path_;
};

}  // namespace nnlab
