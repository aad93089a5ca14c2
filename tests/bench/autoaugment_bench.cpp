// AutoAugment's controller, per proposal (issue 12's budget: ask + tell at most 1 ms per
// proposal). The search space is the paper's, as a sweep expands it: `search.space.augment.policy:
// {}` on experiments/augmentation_policy.yaml (5 sub-policies × 2 operations × op, p, magnitude:
// 30 decisions over 15, 11 and 10 values), the strategy made the way a sweep makes it. Trials are
// asked and told one at a time with a random reward, so every `batch_size`-th tell runs a PPO
// update; the time per proposal is all asks and tells over the trials, divided by their number.
// Prints it for the defaults and a few other settings, with its ratio to the 1 ms budget, in the
// thread's CPU time (wall time beside it: on a shared machine it includes waiting for a core).
// Asserts nothing.
//   build/bin/autoaugment_bench [trials] [repeats]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>
#include <string>
#include <vector>

#include "experiment.hpp"
#include "plugin_host.hpp"
#include "search_components.hpp"

namespace {

using Clock = std::chrono::steady_clock;

/// This thread's CPU time in seconds: on a machine other work shares, the time the controller
/// itself took, without the time it waited for a core (wall time is printed too).
double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  using namespace nnlab;
  const std::int64_t trials = argc > 1 ? std::atoll(argv[1]) : 200;
  const int repeats = argc > 2 ? std::atoi(argv[2]) : 5;
  try {
    PluginHost host;
    host.load_search_path({PluginHost::builtin_plugin_dir()});
    const std::string experiment =
        std::string(NNLAB_SOURCE_DIR) + "/experiments/augmentation_policy.yaml";
    const char* settings[] = {"", "ppo_epochs: 4, ", "batch_size: 50, ", "hidden_units: 200, "};
    std::printf("AutoAugment controller, 30 decisions, %lld trials told one at a time\n",
                static_cast<long long>(trials));
    for (const char* setting : settings) {
      const auto spec = load_experiment(
          experiment, {"~augment", "search={kind: autoaugment, " + std::string(setting) +
                                       "trials: " + std::to_string(trials) +
                                       ", objective: {metric: test_acc}, space: "
                                       "{augment.policy: {}}}"});
      std::vector<double> wall, cpu, asking;
      for (int r = 0; r < repeats; ++r) {
        auto strategy = make_strategy(spec, host);
        std::mt19937_64 rng(static_cast<std::uint64_t>(r));
        std::uniform_real_distribution<double> accuracy(0.8, 0.9);
        double ask_seconds = 0;
        const auto start = Clock::now();
        const double cpu_start = cpu_seconds();
        for (std::int64_t k = 0; k < trials; ++k) {
          const double asked = cpu_seconds();
          const auto a = strategy->ask(k);
          ask_seconds += cpu_seconds() - asked;
          strategy->tell({k, *a, TrialState::complete, accuracy(rng)});
        }
        const auto n = static_cast<double>(trials);
        cpu.push_back((cpu_seconds() - cpu_start) / n);
        wall.push_back(std::chrono::duration<double>(Clock::now() - start).count() / n);
        asking.push_back(ask_seconds / n);
      }
      const double t = median(cpu);
      std::printf(
          "%-22s %.3f ms CPU per proposal (ask + tell, median of %d; ask alone %.3f ms; wall "
          "%.3f ms) = %.2f x the 1 ms budget\n",
          *setting ? setting : "defaults", t * 1e3, repeats, median(asking) * 1e3,
          median(wall) * 1e3, t / 1e-3);
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "autoaugment_bench: %s\n", e.what());
    return 1;
  }
}
