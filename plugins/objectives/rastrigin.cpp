// Rastrigin, 10 d + sum x_i^2 - 10 cos(2 pi x_i) on [-5.12, 5.12]^d: a bowl covered in local
// minima. Minimum 0 at the origin.
#include "components.hpp"
#include "nnlab/objective.hpp"

namespace nnlab::objectives {
namespace {

class Rastrigin final : public Objective {
 public:
  explicit Rastrigin(const Params& params)
      : d_(static_cast<std::size_t>(params.integer("dimensions"))) {}
  std::size_t dimensions() const override { return d_; }
  double value(std::span<const double> x) const override {
    double f = 10.0 * static_cast<double>(d_);
    for (std::size_t i = 0; i < d_; ++i) f += x[i] * x[i] - 10 * std::cos(2 * M_PI * x[i]);
    return f;
  }
  void gradient(std::span<const double> x, std::span<double> g) const override {
    for (std::size_t i = 0; i < d_; ++i) g[i] = 2 * x[i] + 20 * M_PI * std::sin(2 * M_PI * x[i]);
  }
  std::vector<std::pair<double, double>> bounds() const override {
    return std::vector<std::pair<double, double>>(d_, {-5.12, 5.12});
  }
  double minimum() const override { return 0; }

 private:
  std::size_t d_;
};

}  // namespace

void register_rastrigin(Registrar& r) {
  r.objectives.add("rastrigin", &make<Objective, Rastrigin>,
                   Schema("Rastrigin on [-5.12, 5.12]^d; minimum 0 at the origin")
                       .integer("dimensions", 2, "d")
                       .min(1));
}

}  // namespace nnlab::objectives
