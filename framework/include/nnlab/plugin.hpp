#pragma once
/// The plugin entry point. Each plugin .so exports exactly one symbol, `nnlab_plugin`, through
/// BOOST_DLL_ALIAS: a function returning a PluginInfo. The host checks the ABI version and the
/// compiler tag before calling register_components, and refuses a mismatch naming both sides.
/// register_components stages what it adds on the Registrar it is handed; the host commits it when
/// the call returns, and turns any exception from it into one PluginError naming the file.
#include <cstdint>

#include <boost/dll/alias.hpp>

#include "nnlab/registrar.hpp"

namespace nnlab {

/// Bumped whenever an SDK interface or struct changes layout. 4: register_components takes a
/// Registrar (staged registration) instead of the host's Registries. 5: layers are built from
/// their inputs' shapes and return theirs (Shape); datasets give the sample shape. 6: Layer::plan()
/// (activations in oneDNN's blocked layouts between layers). 7: Layer::training_state() and
/// Optimizer::training_state() (checkpoints); multi-objective search (TrialResult::objectives,
/// SearchSetup::directions, SearchStrategy::multi_objective) and multi-output objectives
/// (Objective::outputs, Objective::values); the Augmentation kind (Registries and Registrar gained
/// a registry).
inline constexpr std::uint32_t kAbiVersion = 7;

#define NNLAB_STRINGIFY_IMPL(x) #x
#define NNLAB_STRINGIFY(x) NNLAB_STRINGIFY_IMPL(x)
/// The compiler and standard library a plugin was built with; C++ classes cross the boundary, so
/// these must match the core's.
#define NNLAB_ABI_TAG \
  "gcc-" NNLAB_STRINGIFY(__GNUC__) " libstdc++-" NNLAB_STRINGIFY(_GLIBCXX_RELEASE) " c++20"

struct PluginInfo {
  std::uint32_t abi_version;  ///< kAbiVersion the plugin was built against
  const char* abi_tag;        ///< NNLAB_ABI_TAG the plugin was built with
  const char* name;           ///< short plugin name, e.g. "optimizers"
  const char* version;        ///< the plugin's own version
  void (*register_components)(Registrar& registrar);
};

using PluginEntryPoint = const PluginInfo*();

}  // namespace nnlab

/// Declares the plugin: NNLAB_PLUGIN("optimizers", "0.1.0", register_fn). Use once per .so.
#define NNLAB_PLUGIN(plugin_name, plugin_version, register_fn)                              \
  namespace {                                                                               \
  const ::nnlab::PluginInfo* nnlab_plugin_info() {                                          \
    static const ::nnlab::PluginInfo info{::nnlab::kAbiVersion, NNLAB_ABI_TAG, plugin_name, \
                                          plugin_version, &(register_fn)};                  \
    return &info;                                                                           \
  }                                                                                         \
  }                                                                                         \
  BOOST_DLL_ALIAS(nnlab_plugin_info, nnlab_plugin)
