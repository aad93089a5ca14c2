// Augmentation's cost against training (issue 12: augmenting a minibatch must cost at most 10 % of
// a training step of the SimpleConvNet). The book's SimpleConvNet (experiments/simple_convnet.yaml)
// on Fashion-MNIST, batches of 100, 2 threads: a training step's time is the median interval
// between successive updates of a run without augmentation (log_every: 1; intervals that hold an
// evaluation left out by the median); augmenting a batch of 100 is Augmenter::apply's median over
// repeats, for the policy, RandAugment (n 2, m 9) and TrivialAugment. Prints each and its
// ratio to the step, measured in the same run (the machine's speed changes from day to day).
// Asserts nothing.
//   build/bin/augment_bench [updates] [repeats] [threads]   (threads: simple_convnet.yaml's 2)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "augmenter.hpp"
#include "compute_threads.hpp"
#include "experiment.hpp"
#include "plugin_host.hpp"
#include "trainer.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  using namespace nnlab;
  const int updates = argc > 1 ? std::atoi(argv[1]) : 60;
  const int repeats = argc > 2 ? std::atoi(argv[2]) : 200;
  const std::string threads = argc > 3 ? argv[3] : "2";
  try {
    PluginHost host;
    host.load_search_path({PluginHost::builtin_plugin_dir()});
    const std::string file = std::string(NNLAB_SOURCE_DIR) + "/experiments/simple_convnet.yaml";
    const std::vector<std::string> small = {
        "data.train_limit=2000", "data.test_limit=100",
        "train.eval=[test]",     "train.iterations=" + std::to_string(updates),
        "train.log_every=1",     "execution.threads_per_trial=" + threads};
    const ExperimentSpec plain = load_experiment(file, small);
    set_compute_threads(plain.execution.threads_per_trial);
    const PreparedData data = prepare_data(plain.data, host, plain.seed);

    // A training step: the median interval between updates.
    Trainer trainer(plain, data, host);
    Compute compute = Compute::make();
    std::vector<double> intervals;
    Clock::time_point last = Clock::now();
    trainer.run(
        compute, [](const EvalPoint&) { return EvalAction::proceed; },
        [&](std::int64_t, double) {
          const auto now = Clock::now();
          intervals.push_back(std::chrono::duration<double>(now - last).count());
          last = now;
        });
    intervals.erase(intervals.begin(),
                    intervals.begin() + std::min<std::size_t>(5, intervals.size()));
    const double step = median(intervals);
    std::printf("SimpleConvNet training step (batch %lld, %d threads): %.3f ms (median of %zu)\n",
                static_cast<long long>(plain.train.batch_size), plain.execution.threads_per_trial,
                step * 1e3, intervals.size());

    const char* forms[][2] = {
        {"policy (the issue's)",
         "{policy: [[{op: rotate, p: 0.7, magnitude: 3}, {op: invert, p: 0.2, magnitude: 0}], "
         "[{op: equalize, p: 0.6, magnitude: 5}, {op: shear_x, p: 0.8, magnitude: 9}]]}"},
        {"randaugment n 2 m 9", "{kind: randaugment, n: 2, m: 9}"},
        {"trivialaugment", "{kind: trivialaugment}"}};
    const std::int64_t batch = plain.train.batch_size;
    std::vector<float> images(data.train.features.data(),
                              data.train.features.data() + batch * data.features());
    const std::vector<float> original = images;
    double worst = 0;
    for (const auto& form : forms) {
      std::vector<std::string> overrides = small;
      overrides.push_back(std::string("augment=") + form[1]);
      const ExperimentSpec spec = load_experiment(file, overrides);
      Augmenter augmenter(spec, data, host);
      std::vector<double> times;
      for (int r = 0; r < repeats; ++r) {
        images = original;
        const auto start = Clock::now();
        augmenter.apply(images.data(), batch, r);
        times.push_back(std::chrono::duration<double>(Clock::now() - start).count());
      }
      const double t = median(times);
      worst = std::max(worst, t / step);
      std::printf("augment %-22s %.3f ms per batch = %.1f %% of a step\n", form[0], t * 1e3,
                  100 * t / step);
    }
    std::printf("worst ratio: %.1f %% (the issue's bound: 10 %%)\n", 100 * worst);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "augment_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
