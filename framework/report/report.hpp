#pragma once
/// `nnlab report RESULTS_DIR`: a results folder as one self-contained HTML page of SVG figures.
#include <string>

namespace nnlab {

class PluginHost;

/// Writes the report of the run or sweep in `results_dir` to `out_file` (default
/// RESULTS_DIR/report.html) and returns its path. A single run gives accuracy and loss per epoch
/// (E7); a sweep gives a table of the best trials, the figures of sweep_plots.hpp (optimization
/// history with the best so far, parameter importance, slice plots, a contour of the two most
/// important parameters, the EDF of the objective, every trial's intermediate values, a timeline
/// of trials over slots; FAIL and PRUNED trials marked in each), parallel coordinates of its
/// parameters against the objective, and small multiples of curves: one panel per setting of the
/// other parameters with a line per value of a categorical one (E5's batch norm vs plain), or else
/// the top 20 trials' accuracy curves in a 4 x 5 grid (E9; E8's dropout ratios). Throws Error
/// naming the file when the folder holds no results.
/// `host` (optional) creates an objective-mode run's objective, to draw its contours under the
/// optimizer paths (E1).
std::string write_report(const std::string& results_dir, const std::string& out_file = "",
                         const PluginHost* host = nullptr);

}  // namespace nnlab
