// Hartmann-6 on [0, 1]^6: four Gaussian wells, global minimum -3.32237; a standard 6-D benchmark of
// Bayesian optimization.
#include "components.hpp"
#include "nnlab/objective.hpp"

namespace nnlab::objectives {
namespace {

constexpr double kAlpha[4] = {1.0, 1.2, 3.0, 3.2};
constexpr double kA[4][6] = {{10, 3, 17, 3.5, 1.7, 8},
                             {0.05, 10, 17, 0.1, 8, 14},
                             {3, 3.5, 1.7, 10, 17, 8},
                             {17, 8, 0.05, 10, 0.1, 14}};
constexpr double kP[4][6] = {{0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886},
                             {0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991},
                             {0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650},
                             {0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381}};

class Hartmann6 final : public Objective {
 public:
  explicit Hartmann6(const Params&) {}
  std::size_t dimensions() const override { return 6; }
  double value(std::span<const double> x) const override {
    double f = 0;
    for (int i = 0; i < 4; ++i) f -= kAlpha[i] * std::exp(-inner(i, x));
    return f;
  }
  void gradient(std::span<const double> x, std::span<double> g) const override {
    for (std::size_t j = 0; j < 6; ++j) g[j] = 0;
    for (int i = 0; i < 4; ++i) {
      const double w = kAlpha[i] * std::exp(-inner(i, x));
      for (std::size_t j = 0; j < 6; ++j) g[j] += w * 2 * kA[i][j] * (x[j] - kP[i][j]);
    }
  }
  std::vector<std::pair<double, double>> bounds() const override {
    return std::vector<std::pair<double, double>>(6, {0.0, 1.0});
  }
  double minimum() const override { return -3.32237; }

 private:
  static double inner(int i, std::span<const double> x) {
    double s = 0;
    for (std::size_t j = 0; j < 6; ++j) s += kA[i][j] * (x[j] - kP[i][j]) * (x[j] - kP[i][j]);
    return s;
  }
};

}  // namespace

void register_hartmann6(Registrar& r) {
  r.objectives.add("hartmann6", &make<Objective, Hartmann6>,
                   Schema("Hartmann-6 on [0, 1]^6; minimum -3.32237"));
}

}  // namespace nnlab::objectives
