// The book's bowl, f(x, y) = a x^2 + b y^2 (a = 1/20, b = 1 by default): steep in y, flat in x, the
// surface on which E1 shows SGD zig-zagging and momentum, AdaGrad and Adam doing better.
#include "components.hpp"
#include "nnlab/objective.hpp"

namespace nnlab::objectives {
namespace {

class Bowl final : public Objective {
 public:
  explicit Bowl(const Params& params) : a_(params.number("a")), b_(params.number("b")) {}
  std::size_t dimensions() const override { return 2; }
  double value(std::span<const double> x) const override {
    return a_ * x[0] * x[0] + b_ * x[1] * x[1];
  }
  void gradient(std::span<const double> x, std::span<double> g) const override {
    g[0] = 2 * a_ * x[0];
    g[1] = 2 * b_ * x[1];
  }
  std::vector<std::pair<double, double>> bounds() const override { return {{-10, 10}, {-5, 5}}; }
  double minimum() const override { return 0; }

 private:
  double a_, b_;
};

}  // namespace

void register_bowl(Registrar& r) {
  r.objectives.add("bowl", &make<Objective, Bowl>,
                   Schema("a x^2 + b y^2, the book's x^2/20 + y^2 (E1); minimum 0 at the origin")
                       .number("a", 0.05, "curvature along x")
                       .greater_than(0)
                       .number("b", 1.0, "curvature along y")
                       .greater_than(0));
}

}  // namespace nnlab::objectives
