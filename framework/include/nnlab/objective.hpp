#pragma once
/// The Objective interface: an analytic function of a point, with its gradient. Objectives drive
/// the optimizer-path experiments (the seed's E1: optimizers walking f(x, y) = x^2/20 + y^2) and
/// are cheap stand-ins for training when comparing search strategies (Branin, Hartmann-6, ...).
#include <cstddef>
#include <span>
#include <utility>
#include <vector>

namespace nnlab {

class Objective {
 public:
  virtual ~Objective();
  /// The number of coordinates.
  virtual std::size_t dimensions() const = 0;
  /// f(x).
  virtual double value(std::span<const double> x) const = 0;
  /// Writes the gradient of f at x into `gradient` (dimensions() values).
  virtual void gradient(std::span<const double> x, std::span<double> gradient) const = 0;
  /// The box the function is usually studied on: plots draw it, searches sample it.
  virtual std::vector<std::pair<double, double>> bounds() const = 0;
  /// The global minimum's value, for reports (NaN when unknown).
  virtual double minimum() const = 0;
  /// How many values f has: 1, or 2 and more for a multi-objective test problem (ZDT1), whose
  /// value() and gradient() are then those of the first; optimizer paths need exactly 1.
  virtual std::size_t outputs() const { return 1; }
  /// Writes f's outputs() values at x into `out` (all minimized).
  virtual void values(std::span<const double> x, std::span<double> out) const { out[0] = value(x); }
};

}  // namespace nnlab
