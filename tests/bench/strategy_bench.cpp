// Search strategies on the analytic objectives: each strategy (a built-in plugin, created the way a
// sweep creates it) runs `--budget` trials one at a time on Branin, Hartmann-6 and Rosenbrock for
// `--seeds` seeds; prints the median best value at several budgets as JSON lines, which
// strategy_bench.py puts next to Optuna's samplers. Usage:
//   strategy_bench [--budget 50] [--seeds 10] [--strategies random,sobol,tpe,bayes]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <sstream>

#include "objectives.hpp"
#include "plugin_host.hpp"

using namespace nnlab;

int main(int argc, char** argv) {
  std::int64_t budget = 50, seeds = 10;
  std::string strategies = "random,sobol,tpe,bayes";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--budget")) budget = std::atoll(argv[i + 1]);
    if (!std::strcmp(argv[i], "--seeds")) seeds = std::atoll(argv[i + 1]);
    if (!std::strcmp(argv[i], "--strategies")) strategies = argv[i + 1];
  }
  PluginHost host;
  host.load_search_path({PluginHost::builtin_plugin_dir()});
  std::vector<std::string> names;
  std::stringstream list(strategies);
  for (std::string s; std::getline(list, s, ',');) names.push_back(s);
  for (const char* kind : {"branin", "hartmann6", "rosenbrock"}) {
    const test::Problem objective = test::problem(host, kind);
    for (const auto& name : names) {
      std::vector<std::vector<double>> runs;
      const auto start = std::chrono::steady_clock::now();
      for (std::int64_t seed = 0; seed < seeds; ++seed) {
        ComponentSpec spec;
        spec.kind = name;
        spec.path = "search";
        auto strategy = host.create(host.registries().strategies, spec);
        strategy->setup(objective.space, {static_cast<std::uint64_t>(seed + 1), budget, false});
        runs.push_back(test::best_so_far(*strategy, objective, budget));
      }
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::printf(
          "{\"objective\": \"%s\", \"strategy\": \"nnlab %s\", \"seconds\": %.3f, \"median\": {",
          objective.name.c_str(), name.c_str(), seconds);
      bool first = true;
      for (std::int64_t b : {10, 20, 30, 50, 75, 100}) {
        if (b > budget) continue;
        std::vector<double> at;
        for (const auto& r : runs) at.push_back(r[static_cast<std::size_t>(b - 1)]);
        std::sort(at.begin(), at.end());
        const double median =
            at.size() % 2 ? at[at.size() / 2] : 0.5 * (at[at.size() / 2 - 1] + at[at.size() / 2]);
        std::printf("%s\"%lld\": %.6g", first ? "" : ", ", static_cast<long long>(b), median);
        first = false;
      }
      std::printf("}}\n");
      std::fflush(stdout);
    }
  }
  return 0;
}
