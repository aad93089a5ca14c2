#pragma once
/// Checks a sweep's search space against the schemas of the components it sets, before any trial
/// runs, and derives conditions from them.
#include "experiment.hpp"
#include "plugin_host.hpp"

namespace nnlab {

/// The search space to hand the strategy. For every searched key of a component:
///  - the component (or, when its `kind` is searched too, some searched kind) must declare the key;
///  - every value the parameter can take (each choice; min and max of a range) must fit the key's
///    type and range, and a searched `kind` must be registered;
///  - when the `kind` is searched and only some kinds declare the key, the parameter becomes active
///    only for those kinds (`optimizer.momentum` only when the optimizer is momentum or nesterov),
///    unless the file gave that condition itself.
/// Throws ConfigError at the search parameter's line.
SearchSpace checked_search_space(const SearchSpec& search, const PluginHost& host);

}  // namespace nnlab
