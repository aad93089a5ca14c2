// Branin-Hoo on [-5, 10] x [0, 15]: three global minima of 0.397887, the standard 2-D benchmark of
// Bayesian optimization.
#include "components.hpp"
#include "nnlab/objective.hpp"

namespace nnlab::objectives {
namespace {

constexpr double kB = 5.1 / (4 * M_PI * M_PI), kC = 5 / M_PI, kT = 1 / (8 * M_PI);

class Branin final : public Objective {
 public:
  explicit Branin(const Params&) {}
  std::size_t dimensions() const override { return 2; }
  double value(std::span<const double> x) const override {
    const double u = x[1] - kB * x[0] * x[0] + kC * x[0] - 6;
    return u * u + 10 * (1 - kT) * std::cos(x[0]) + 10;
  }
  void gradient(std::span<const double> x, std::span<double> g) const override {
    const double u = x[1] - kB * x[0] * x[0] + kC * x[0] - 6;
    g[0] = 2 * u * (-2 * kB * x[0] + kC) - 10 * (1 - kT) * std::sin(x[0]);
    g[1] = 2 * u;
  }
  std::vector<std::pair<double, double>> bounds() const override { return {{-5, 10}, {0, 15}}; }
  double minimum() const override { return 0.397887; }
};

}  // namespace

void register_branin(Registrar& r) {
  r.objectives.add("branin", &make<Objective, Branin>,
                   Schema("Branin-Hoo on [-5, 10] x [0, 15]; minimum 0.397887 (three of them)"));
}

}  // namespace nnlab::objectives
