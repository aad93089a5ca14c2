// Search strategies on the analytic objectives: each strategy (a built-in plugin, created the way a
// sweep creates it) runs `--budget` trials one at a time on Branin, Hartmann-6 and Rosenbrock for
// `--seeds` seeds; prints the median best value at several budgets, and each seed's best at the
// budget, as JSON lines, which strategy_bench.py puts next to Optuna's samplers. With
// --proposal-times, instead: one seed of Hartmann-6 per strategy up to the largest of the listed
// trial counts, timing each ask(), and the mean and largest per-proposal time over the 10 proposals
// up to each count. With --pareto, instead: the multi-objective problems listed (ZDT1, ZDT2: 30
// variables, both objectives minimized) with --strategies (default nsga2,random), and the median
// over the seeds of the hypervolume up to the reference point (5, 5) after several budgets. Usage:
//   strategy_bench [--budget 50] [--seeds 10] [--strategies random,sobol,tpe,bayes,cmaes]
//                  [--proposal-times 50,200,1000] [--pareto zdt1,zdt2]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <numeric>
#include <sstream>

#include "objectives.hpp"
#include "plugin_host.hpp"

using namespace nnlab;

namespace {

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream list(text);
  for (std::string s; std::getline(list, s, ',');) out.push_back(s);
  return out;
}

std::unique_ptr<SearchStrategy> make_strategy(const PluginHost& host, const std::string& name,
                                              const test::Problem& objective, std::int64_t seed,
                                              std::int64_t budget) {
  ComponentSpec spec;
  spec.kind = name;
  spec.path = "search";
  auto strategy = host.create(host.registries().strategies, spec);
  strategy->setup(objective.space, {static_cast<std::uint64_t>(seed), budget, false});
  return strategy;
}

/// Seconds per ask() on Hartmann-6 (seed 1), trials told one at a time, up to max(counts).
void proposal_times(const PluginHost& host, const std::vector<std::string>& names,
                    const std::vector<std::int64_t>& counts) {
  const test::Problem objective = test::problem(host, "hartmann6");
  const std::int64_t last = *std::max_element(counts.begin(), counts.end());
  for (const auto& name : names) {
    auto strategy = make_strategy(host, name, objective, 1, last);
    std::vector<double> seconds;
    double best = HUGE_VAL;
    for (std::int64_t k = 0; k < last; ++k) {
      const auto start = std::chrono::steady_clock::now();
      const auto a = strategy->ask(k);
      seconds.push_back(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
      std::vector<double> x;
      for (const auto& p : objective.space.parameters) x.push_back(std::stod(a->at(p.name)));
      const double y = objective.f->value(x);
      best = std::min(best, y);
      strategy->tell({k, *a, TrialState::complete, y});
    }
    std::printf(
        "{\"objective\": \"hartmann6\", \"strategy\": \"nnlab %s\", \"best\": %.6g, "
        "\"total_seconds\": %.3f, \"proposal_ms\": {",
        name.c_str(), best, std::accumulate(seconds.begin(), seconds.end(), 0.0));
    for (std::size_t i = 0; i < counts.size(); ++i) {
      const auto end = seconds.begin() + counts[i];
      const auto begin = end - std::min<std::int64_t>(10, counts[i]);
      std::printf("%s\"%lld\": {\"mean\": %.2f, \"max\": %.2f}", i ? ", " : "",
                  static_cast<long long>(counts[i]),
                  1e3 * std::accumulate(begin, end, 0.0) / static_cast<double>(end - begin),
                  1e3 * *std::max_element(begin, end));
    }
    std::printf("}}\n");
    std::fflush(stdout);
  }
}

/// The hypervolume reference point of the ZDT runs. (1.1, 1.1), where the front's ends meet, is
/// not reached by any point of 30-variable ZDT1 in 500 evaluations (f2 stays above 1.6), so it
/// would score every strategy 0; (5, 5) sees the progress of a short run, and random search's too.
constexpr double kReference[2] = {5.0, 5.0};

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

void pareto(const PluginHost& host, const std::vector<std::string>& problems,
            const std::vector<std::string>& names, std::int64_t budget, std::int64_t seeds) {
  for (const auto& kind : problems) {
    const test::Problem objective = test::problem(host, kind);
    for (const auto& name : names) {
      std::vector<ObjectivePoints> runs;
      const auto start = std::chrono::steady_clock::now();
      for (std::int64_t seed = 1; seed <= seeds; ++seed) {
        ComponentSpec spec;
        spec.kind = name;
        spec.path = "search";
        auto strategy = host.create(host.registries().strategies, spec);
        strategy->setup(objective.space,
                        test::minimizing(objective, static_cast<std::uint64_t>(seed), budget));
        runs.push_back(test::objective_points(*strategy, objective, budget));
      }
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::printf(
          "{\"objective\": \"%s\", \"strategy\": \"nnlab %s\", \"seconds\": %.3f, "
          "\"reference\": [%g, %g], \"hypervolume\": {",
          kind.c_str(), name.c_str(), seconds, kReference[0], kReference[1]);
      bool first = true;
      for (std::int64_t b : {50, 100, 200, 300, 500, 1000}) {
        if (b > budget) continue;
        std::vector<double> at;
        for (const auto& r : runs)
          at.push_back(test::hypervolume_of_first(r, static_cast<std::size_t>(b), kReference));
        std::printf("%s\"%lld\": %.6g", first ? "" : ", ", static_cast<long long>(b), median(at));
        first = false;
      }
      std::printf("}}\n");
      std::fflush(stdout);
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::int64_t budget = 50, seeds = 10;
  std::string strategies, times, problems;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--budget")) budget = std::atoll(argv[i + 1]);
    if (!std::strcmp(argv[i], "--seeds")) seeds = std::atoll(argv[i + 1]);
    if (!std::strcmp(argv[i], "--strategies")) strategies = argv[i + 1];
    if (!std::strcmp(argv[i], "--proposal-times")) times = argv[i + 1];
    if (!std::strcmp(argv[i], "--pareto")) problems = argv[i + 1];
  }
  PluginHost host;
  host.load_search_path({PluginHost::builtin_plugin_dir()});
  if (!problems.empty()) {
    pareto(host, split(problems), split(strategies.empty() ? "nsga2,random" : strategies), budget,
           seeds);
    return 0;
  }
  if (strategies.empty()) strategies = "random,sobol,tpe,bayes,cmaes";
  const std::vector<std::string> names = split(strategies);
  if (!times.empty()) {
    std::vector<std::int64_t> counts;
    for (const auto& c : split(times))
      counts.push_back(std::max<std::int64_t>(1, std::atoll(c.c_str())));
    proposal_times(host, names, counts);
    return 0;
  }
  for (const char* kind : {"branin", "hartmann6", "rosenbrock"}) {
    const test::Problem objective = test::problem(host, kind);
    for (const auto& name : names) {
      std::vector<std::vector<double>> runs;
      const auto start = std::chrono::steady_clock::now();
      for (std::int64_t seed = 1; seed <= seeds; ++seed) {
        auto strategy = make_strategy(host, name, objective, seed, budget);
        runs.push_back(test::best_so_far(*strategy, objective, budget));
      }
      const double seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      std::printf(
          "{\"objective\": \"%s\", \"strategy\": \"nnlab %s\", \"seconds\": %.3f, \"median\": {",
          objective.name.c_str(), name.c_str(), seconds);
      bool first = true;
      for (std::int64_t b : {10, 20, 30, 50, 75, 100, 150, 200, 300, 500, 1000}) {
        if (b > budget) continue;
        std::vector<double> at;
        for (const auto& r : runs) at.push_back(r[static_cast<std::size_t>(b - 1)]);
        std::sort(at.begin(), at.end());
        const double median =
            at.size() % 2 ? at[at.size() / 2] : 0.5 * (at[at.size() / 2 - 1] + at[at.size() / 2]);
        std::printf("%s\"%lld\": %.6g", first ? "" : ", ", static_cast<long long>(b), median);
        first = false;
      }
      // Each seed's best at the budget, for strategy_bench.py's rank test against Optuna.
      std::printf("}, \"final\": [");
      for (std::size_t i = 0; i < runs.size(); ++i)
        std::printf("%s%.17g", i ? ", " : "", runs[i][static_cast<std::size_t>(budget - 1)]);
      std::printf("]}\n");
      std::fflush(stdout);
    }
  }
  return 0;
}
