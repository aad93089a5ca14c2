// The optimizers' update alone: every built-in optimizer stepping the E7 network's parameters (7
// dense layers, 130,010 values) with fixed pseudo-random gradients. Prints the best-of-repeats time
// per step and a checksum of the final float32 weights, so a refactoring of the update loops can
// show both its speed and bit-identical results. Asserts nothing.
//   build/bin/optimizer_bench [steps] [repeats]
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "experiment.hpp"
#include "plugin_host.hpp"

namespace {

// The E7 network: 784-100, five 100-100, 100-10, each a weight and a bias.
std::vector<nnlab::Parameter> e7_parameters() {
  const std::int64_t shapes[][2] = {{784, 100}, {100, 100}, {100, 100}, {100, 100},
                                    {100, 100}, {100, 100}, {100, 10}};
  std::vector<nnlab::Parameter> params;
  std::uint32_t state = 12345;
  // A fixed linear congruential sequence: the same values on every run and build.
  auto next = [&state] {
    state = state * 1664525u + 1013904223u;
    return static_cast<float>(state >> 8) / 16777216.0f - 0.5f;
  };
  for (const auto& shape : shapes) {
    for (bool weight : {true, false}) {
      nnlab::Parameter p{weight ? "W" : "b",
                         weight ? nnlab::ParameterRole::weight : nnlab::ParameterRole::bias,
                         nnlab::Matrix(weight ? shape[0] : 1, shape[1]),
                         nnlab::Matrix(weight ? shape[0] : 1, shape[1])};
      for (std::int64_t i = 0; i < p.value.size(); ++i) {
        p.value.data()[i] = 0.1f * next();
        p.grad.data()[i] = 0.01f * next();
      }
      params.push_back(std::move(p));
    }
  }
  return params;
}

// FNV-1a over the weights' bits: equal checksums mean bit-identical updates.
std::uint64_t checksum(const std::vector<nnlab::Parameter>& params) {
  std::uint64_t h = 1469598103934665603ull;
  for (const auto& p : params) {
    for (std::int64_t i = 0; i < p.value.size(); ++i) {
      std::uint32_t bits;
      std::memcpy(&bits, &p.value.data()[i], sizeof bits);
      h = (h ^ bits) * 1099511628211ull;
    }
  }
  return h;
}

}  // namespace

int main(int argc, char** argv) {
  const int steps = argc > 1 ? std::atoi(argv[1]) : 600;
  const int repeats = argc > 2 ? std::atoi(argv[2]) : 5;
  nnlab::PluginHost host;
  host.load_search_path({nnlab::PluginHost::builtin_plugin_dir()});
  for (const char* component :
       {"{kind: sgd, lr: 0.01}", "{kind: momentum, lr: 0.01}", "{kind: nesterov, lr: 0.01}",
        "{kind: adagrad, lr: 0.01}", "{kind: rmsprop, lr: 0.01}", "{kind: adam, lr: 0.001}",
        "{kind: adam, lr: 0.001, mode: textbook}", "{kind: adamw, lr: 0.001}"}) {
    const std::string yaml =
        "name: bench\ndata: {kind: synthetic}\nmodel: {layers: [{kind: relu}], loss: {kind: "
        "mse}}\noptimizer: " +
        std::string(component) + "\ntrain: {epochs: 1}\n";
    double best_us = 1e300;
    std::uint64_t sum = 0;
    for (int r = 0; r < repeats; ++r) {
      auto params = e7_parameters();
      std::vector<nnlab::Parameter*> pointers;
      for (auto& p : params) pointers.push_back(&p);
      auto optimizer = host.create(host.registries().optimizers,
                                   nnlab::parse_experiment(yaml, "bench.yaml").optimizer);
      optimizer->step(pointers);  // the first step creates the state: not timed
      const auto start = std::chrono::steady_clock::now();
      for (int s = 1; s < steps; ++s) optimizer->step(pointers);
      const double us =
          std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
              .count();
      best_us = std::min(best_us, us / (steps - 1));
      sum = checksum(params);
    }
    std::printf("%-42s %8.1f us/step  checksum %016llx\n", component, best_us,
                static_cast<unsigned long long>(sum));
  }
  return 0;
}
