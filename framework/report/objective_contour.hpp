#pragma once
/// A contour of the objective over the two most important numeric parameters, as Optuna's
/// plot_contour draws it in spirit: the trials' objectives interpolated onto a grid of cells
/// (inverse-distance weighting where Optuna solves a Laplace equation), coloured, with the trials
/// drawn on top as dots (pruned grey, failed red crosses).
#include <array>
#include <string>
#include <vector>

#include "importance/parameter_importance.hpp"
#include "sweep_plots.hpp"

namespace nnlab {

/// Shepard's inverse-distance interpolation (power 2) of `samples` (u, v, z) at each point
/// (us[i], vs[j]) of a grid, row-major with one row per v; a grid point on a sample takes its z.
/// Coordinates should be comparable in scale (the caller normalizes each axis to [0, 1]).
std::vector<double> inverse_distance_grid(const std::vector<std::array<double, 3>>& samples,
                                          const std::vector<double>& us,
                                          const std::vector<double>& vs);

/// The contour figure, or one sentence saying why it was skipped (fewer than 2 numeric
/// parameters, or fewer than 4 complete trials with both). `importance` ranks the parameters;
/// null: the first two numeric ones in the space's order.
std::string objective_contour_figure(const SweepData& sweep, const ImportanceResult* importance);

}  // namespace nnlab
