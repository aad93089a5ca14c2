#include "search_components.hpp"

#include "plugin_host.hpp"
#include "search_schema.hpp"

namespace nnlab {

std::unique_ptr<SearchStrategy> make_strategy(const ExperimentSpec& spec, const PluginHost& host) {
  if (!spec.search)
    throw ConfigError({spec.file, 0, 0}, "search", "the experiment has no search: block");
  const SearchSpec& search = *spec.search;
  auto strategy = host.create(host.registries().strategies, search.strategy);
  SearchSetup setup{spec.seed, search.trials, search.maximize};
  for (const auto& o : search.objectives) {
    setup.directions.push_back(o.maximize ? Direction::maximize : Direction::minimize);
  }
  if (!search.objectives.empty()) setup.maximize = search.objectives.front().maximize;
  // A strategy that learns from one objective would silently optimize the first alone.
  if (setup.directions.size() > 1 && strategy->uses_results() && !strategy->multi_objective()) {
    throw ConfigError(search.strategy.where, "search.kind",
                      "'" + search.strategy.kind +
                          "' optimizes a single objective; a search with " +
                          std::to_string(setup.directions.size()) +
                          " objectives needs nsga2 (or random, sobol, grid)");
  }
  try {
    strategy->setup(checked_search_space(search, host), setup);
  } catch (const ConfigError&) {
    throw;
  } catch (const Error& e) {
    throw ConfigError(search.strategy.where, "search", e.what());
  }
  return strategy;
}

std::unique_ptr<Pruner> make_pruner(const ExperimentSpec& spec, const PluginHost& host) {
  if (!spec.search || !spec.search->pruner) return nullptr;
  const ComponentSpec& component = *spec.search->pruner;
  auto pruner = host.create(host.registries().pruners, component);
  try {
    pruner->setup({spec.seed, spec.train.epochs, spec.search->maximize});
  } catch (const ConfigError&) {
    throw;
  } catch (const Error& e) {
    throw ConfigError(component.where, "search.pruner", e.what());
  }
  return pruner;
}

}  // namespace nnlab
