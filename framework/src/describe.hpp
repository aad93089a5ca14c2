#pragma once
/// `nnlab plugins` and `nnlab plugins --describe KIND`: components documented from their schemas.
#include <string>

#include "plugin_host.hpp"

namespace nnlab {

/// One line per component: registry, key, summary, plugin file.
std::string list_components(const PluginHost& host);

/// The component(s) registered as `key` (in any registry): summary, plugin, a table of parameters
/// (name, type, default, range, help) and a YAML example. Throws ConfigError-free Error naming the
/// nearest key when nothing is registered as `key`.
std::string describe_component(const PluginHost& host, const std::string& key);

}  // namespace nnlab
