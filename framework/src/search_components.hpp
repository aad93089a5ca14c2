#pragma once
/// A sweep's search strategy and pruner, created from their plugins and set up for the
/// experiment: shared by `nnlab sweep` and `nnlab validate`, which must refuse the same things.
#include <memory>

#include "experiment.hpp"
#include "nnlab/pruner.hpp"
#include "nnlab/search_strategy.hpp"

namespace nnlab {

class PluginHost;

/// The experiment's search strategy, created from its plugin and set up for its space; a space the
/// strategy cannot search (a grid over a range without points) is a ConfigError with the line.
std::unique_ptr<SearchStrategy> make_strategy(const ExperimentSpec& spec, const PluginHost& host);

/// The sweep's `search.pruner`, set up; nullptr when there is none.
std::unique_ptr<Pruner> make_pruner(const ExperimentSpec& spec, const PluginHost& host);

}  // namespace nnlab
