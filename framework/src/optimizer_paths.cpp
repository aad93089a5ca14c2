#include "optimizer_paths.hpp"

#include <cstdio>
#include <filesystem>

#include "nnlab/objective.hpp"
#include "nnlab/optimizer.hpp"
#include "nnlab/parameter.hpp"
#include "results/csv.hpp"

namespace nnlab {

namespace fs = std::filesystem;

std::vector<OptimizerPath> walk_paths(const ExperimentSpec& spec, const PluginHost& host) {
  const PathsSpec& paths = *spec.paths;
  const auto objective = host.create(host.registries().objectives, paths.objective);
  const std::size_t d = objective->dimensions();
  if (objective->outputs() != 1) {
    throw ConfigError(paths.objective.where, "objective",
                      "'" + paths.objective.kind + "' has " + std::to_string(objective->outputs()) +
                          " objectives; an optimizer walks a function of one value");
  }
  std::vector<double> start = paths.start;
  if (start.empty()) {
    for (const auto& [low, high] : objective->bounds()) start.push_back(0.5 * (low + high));
  }
  if (start.size() != d) {
    throw ConfigError(paths.start_where, "start",
                      "objective '" + paths.objective.kind + "' has " + std::to_string(d) +
                          " coordinates, but start has " + std::to_string(start.size()));
  }
  std::vector<OptimizerPath> out;
  for (const ComponentSpec& o : paths.optimizers) {
    const auto optimizer = host.create(host.registries().optimizers, o);
    OptimizerPath path;
    path.label = o.kind;
    for (const auto& [key, value] : o.params.values()) path.label += " " + key + "=" + value.text;
    Parameter point{"point", ParameterRole::weight, Matrix(1, static_cast<std::int64_t>(d)),
                    Matrix(1, static_cast<std::int64_t>(d))};
    for (std::size_t i = 0; i < d; ++i) point.value.data()[i] = static_cast<float>(start[i]);
    std::vector<double> x(start), g(d);
    Parameter* params[] = {&point};
    for (std::int64_t step = 0;; ++step) {
      path.points.push_back({step, objective->value(x), x});
      if (step == paths.steps) break;
      objective->gradient(x, g);
      for (std::size_t i = 0; i < d; ++i) point.grad.data()[i] = static_cast<float>(g[i]);
      optimizer->step(params);
      for (std::size_t i = 0; i < d; ++i) x[i] = point.value.data()[i];
    }
    out.push_back(std::move(path));
  }
  return out;
}

std::string run_paths(const ExperimentSpec& spec, const PluginHost& host,
                      const RunOptions& options) {
  const std::string out_dir =
      options.out_dir.empty() ? (fs::path("results") / spec.name).string() : options.out_dir;
  const fs::path file = fs::path(out_dir) / "paths.csv";
  if (fs::exists(file) && !options.overwrite) {
    throw Error(out_dir + ": already holds a run (paths.csv); pass --overwrite to replace it, or " +
                "--out DIR");
  }
  const auto paths = walk_paths(spec, host);  // everything is built and checked before writing
  std::error_code ec;
  fs::create_directories(out_dir, ec);
  if (ec) throw Error(out_dir + ": cannot create the results folder: " + ec.message());
  write_file_atomically((fs::path(out_dir) / "experiment.yaml").string(), spec.resolved_yaml);
  write_paths(file.string(), paths);
  return out_dir;
}

}  // namespace nnlab
