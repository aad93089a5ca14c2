// ZDT1 and ZDT2 (Zitzler, Deb & Thiele 2000, "Comparison of multiobjective evolutionary
// algorithms: empirical results"): two objectives on [0, 1]^n (n = 30 as standard), both
// minimized. f1 = x1, g = 1 + 9 / (n - 1) * (x2 + ... + xn), and f2 = g (1 - sqrt(f1 / g)) for
// ZDT1 (a convex Pareto front, f2 = 1 - sqrt(f1)) or g (1 - (f1 / g)^2) for ZDT2 (a concave one,
// f2 = 1 - f1^2); the front is where x2 = ... = xn = 0. They share g, so they share this file.
// As an Objective, value() and gradient() are f1's; values() gives both.
#include "components.hpp"
#include "nnlab/objective.hpp"

namespace nnlab::objectives {
namespace {

enum class Front { convex, concave };

template <Front kFront>
class Zdt final : public Objective {
 public:
  explicit Zdt(const Params& params) : n_(static_cast<std::size_t>(params.integer("dimensions"))) {}
  std::size_t dimensions() const override { return n_; }
  double value(std::span<const double> x) const override { return x[0]; }
  void gradient(std::span<const double>, std::span<double> g) const override {
    for (std::size_t i = 0; i < n_; ++i) g[i] = i == 0 ? 1.0 : 0.0;
  }
  std::vector<std::pair<double, double>> bounds() const override {
    return std::vector<std::pair<double, double>>(n_, {0.0, 1.0});
  }
  double minimum() const override { return 0; }
  std::size_t outputs() const override { return 2; }
  void values(std::span<const double> x, std::span<double> out) const override {
    double sum = 0;
    for (std::size_t i = 1; i < n_; ++i) sum += x[i];
    const double g = 1 + 9 * sum / static_cast<double>(n_ - 1);
    const double ratio = x[0] / g;
    out[0] = x[0];
    out[1] = g * (1 - (kFront == Front::convex ? std::sqrt(ratio) : ratio * ratio));
  }

 private:
  std::size_t n_;
};

}  // namespace

void register_zdt(Registrar& r) {
  r.objectives.add("zdt1", &make<Objective, Zdt<Front::convex>>,
                   Schema("ZDT1 on [0, 1]^n, two objectives; Pareto front f2 = 1 - sqrt(f1)")
                       .integer("dimensions", 30, "n")
                       .min(2));
  r.objectives.add("zdt2", &make<Objective, Zdt<Front::concave>>,
                   Schema("ZDT2 on [0, 1]^n, two objectives; Pareto front f2 = 1 - f1^2")
                       .integer("dimensions", 30, "n")
                       .min(2));
}

}  // namespace nnlab::objectives
