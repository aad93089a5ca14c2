// Rosenbrock's valley, sum 100 (x_{i+1} - x_i^2)^2 + (1 - x_i)^2: a curved, flat-bottomed valley
// that punishes optimizers without momentum. Minimum 0 at (1, ..., 1).
#include "components.hpp"
#include "nnlab/objective.hpp"

namespace nnlab::objectives {
namespace {

class Rosenbrock final : public Objective {
 public:
  explicit Rosenbrock(const Params& params)
      : d_(static_cast<std::size_t>(params.integer("dimensions"))) {}
  std::size_t dimensions() const override { return d_; }
  double value(std::span<const double> x) const override {
    double f = 0;
    for (std::size_t i = 0; i + 1 < d_; ++i) {
      const double u = x[i + 1] - x[i] * x[i], v = 1 - x[i];
      f += 100 * u * u + v * v;
    }
    return f;
  }
  void gradient(std::span<const double> x, std::span<double> g) const override {
    for (std::size_t i = 0; i < d_; ++i) g[i] = 0;
    for (std::size_t i = 0; i + 1 < d_; ++i) {
      const double u = x[i + 1] - x[i] * x[i];
      g[i] += -400 * x[i] * u - 2 * (1 - x[i]);
      g[i + 1] += 200 * u;
    }
  }
  std::vector<std::pair<double, double>> bounds() const override {
    return std::vector<std::pair<double, double>>(d_, {-2.0, 2.0});
  }
  double minimum() const override { return 0; }

 private:
  std::size_t d_;
};

}  // namespace

void register_rosenbrock(Registrar& r) {
  r.objectives.add("rosenbrock", &make<Objective, Rosenbrock>,
                   Schema("Rosenbrock's valley on [-2, 2]^d; minimum 0 at (1, ..., 1)")
                       .integer("dimensions", 2, "d")
                       .min(2));
}

}  // namespace nnlab::objectives
