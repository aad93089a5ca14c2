// libFuzzer target: the experiment loader as `nnlab validate FILE --set ...` drives it. The input's
// leading lines that start with "--set " are overrides (at most kMaxOverrides), the rest is the
// YAML file. parse_experiment reads the YAML, applies the overrides and checks every section; then
// every component is created through the built-in plugins (schema, factory, unread keys) and the
// model is built by the Trainer, as validate_experiment does. Any nnlab::Error is an expected
// outcome (the CLI prints it as one line); anything else escaping, or a sanitizer report, is a
// finding.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "data.hpp"
#include "experiment.hpp"
#include "fuzz_support.hpp"
#include "optimizer_paths.hpp"
#include "search_components.hpp"
#include "trainer.hpp"

namespace nnlab::fuzz {
namespace {

constexpr std::size_t kMaxOverrides = 8;
// Sizes are the user's to choose, and allocating what was asked is not a loader bug: models, data
// and paths bigger than these are checked (parsed, components created) but not built.
constexpr std::int64_t kMaxBuiltSize = 256;
constexpr std::size_t kMaxNodes = 64;
constexpr std::int64_t kMaxSteps = 200;

bool small(const Params& params) {
  for (const auto& [key, value] : params.values()) {
    if (value.is_list) {
      if (value.items.size() > std::size_t{kMaxBuiltSize}) return false;
      continue;
    }
    // Hex, exponents and "inf" read as their size; a non-number is the component's error.
    if (std::strtod(value.text.c_str(), nullptr) > double(kMaxBuiltSize)) return false;
  }
  return true;
}

bool small_model(const ExperimentSpec& spec) {
  if (spec.model.nodes.size() > kMaxNodes || spec.model.input_width > kMaxBuiltSize ||
      spec.train.batch_size > 4096)
    return false;
  for (const auto& node : spec.model.nodes)
    if (!small(node.layer.params)) return false;
  return true;
}

/// Stand-in data (one row per split) for datasets that read files: the IDX reader has a target of
/// its own, and a dataset of real size would make each input slow without testing the loader more.
PreparedData stand_in_data(const ExperimentSpec& spec) {
  const std::int64_t width = spec.model.input_width > 0 ? spec.model.input_width : 16;
  PreparedData data;
  LabeledSet val;
  if (spec.data.val_size > 0) val = {Matrix(1, width), {0}};
  adopt_splits(data, {Matrix(1, width), {0}}, std::move(val), {Matrix(1, width), {0}});
  data.classes = 10;
  data.sample_shape = Shape{width};
  return data;
}

void check(const ExperimentSpec& spec, const PluginHost& host) {
  const Registries& r = host.registries();
  if (spec.paths) {  // objective mode: the objective and every optimizer
    host.create(r.objectives, spec.paths->objective);
    for (const auto& optimizer : spec.paths->optimizers) host.create(r.optimizers, optimizer);
    if (spec.paths->steps <= kMaxSteps && spec.paths->optimizers.size() <= 8 &&
        small(spec.paths->objective.params))
      walk_paths(spec, host);
    return;
  }
  if (spec.search) {
    make_strategy(spec, host);
    make_pruner(spec, host);
  }
  host.create(r.datasets, spec.data.source);
  if (!small_model(spec)) return;
  // The synthetic dataset generates its rows: small ones go through the real preprocessing.
  const bool generate = spec.data.source.kind == "synthetic" && small(spec.data.source.params);
  const PreparedData data =
      generate ? prepare_data(spec.data, host, spec.seed) : stand_in_data(spec);
  const Trainer trainer(spec, data, host);
}

}  // namespace
}  // namespace nnlab::fuzz

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  nnlab::fuzz::builtin_plugins();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> overrides;
  constexpr std::string_view kSet = "--set ";
  while (overrides.size() < nnlab::fuzz::kMaxOverrides && rest.starts_with(kSet)) {
    const auto end = rest.find('\n');
    overrides.emplace_back(
        rest.substr(kSet.size(), end == rest.npos ? rest.npos : end - kSet.size()));
    rest = end == rest.npos ? std::string_view() : rest.substr(end + 1);
  }
  try {
    const nnlab::ExperimentSpec spec =
        nnlab::parse_experiment(std::string(rest), "fuzz.yaml", overrides);
    nnlab::fuzz::check(spec, nnlab::fuzz::builtin_plugins());
  } catch (const nnlab::Error&) {
    // A user error: one line naming the file, line and key path. Expected.
  }
  return 0;
}
