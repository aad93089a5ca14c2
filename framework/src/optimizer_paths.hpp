#pragma once
/// Objective mode (the seed's E1): each optimizer walks an analytic objective from the same start;
/// every step's point and value are recorded (paths.csv), and `nnlab report` draws them over the
/// objective's contours.
#include <string>
#include <vector>

#include "experiment.hpp"
#include "plugin_host.hpp"
#include "results/paths_file.hpp"
#include "runner.hpp"

namespace nnlab {

/// Walks every optimizer of `spec.paths` for its steps. The optimizers update the point as they
/// update weights (a 1 x d Parameter, float64 master copy included), with the objective's exact
/// gradient. Throws ConfigError at `start` if it has the wrong number of coordinates.
std::vector<OptimizerPath> walk_paths(const ExperimentSpec& spec, const PluginHost& host);

/// Writes paths.csv (`path,optimizer,step,value,x1,...,xd`) and experiment.yaml to the results
/// folder; refuses to replace an earlier run unless options.overwrite. Returns the folder.
std::string run_paths(const ExperimentSpec& spec, const PluginHost& host,
                      const RunOptions& options);

}  // namespace nnlab
