// Quasi-random search: a Sobol' sequence (Boost.Random's engine, Joe & Kuo direction numbers), one
// dimension per parameter, randomized by a seeded digital shift (each coordinate's bits XORed
// with a random mask). The shift keeps the sequence's stratification: any 2^m consecutive points
// from the start put one point in each of the 2^m equal slices of every axis, where random search
// leaves gaps and clumps. Values come from a coordinate through value_at (log space for
// log_uniform, cells for integers and choices).
#include "components.hpp"
#include "nnlab/search_strategy.hpp"
#include "sampling.hpp"
#include "sobol_points.hpp"

namespace nnlab::search {
namespace {

class SobolSearch final : public SearchStrategy {
 public:
  explicit SobolSearch(const Params&) {}

  void setup(const SearchSpace& space, const SearchSetup& setup) override {
    require_budget(setup, "sobol search");
    space_ = space;
    points_.emplace(space.parameters.size(), derive_seed(setup.seed, "sobol/shift"));
  }

  std::optional<Assignment> ask(std::int64_t trial) override {
    // Trials are asked in order; trial k gets point k.
    const std::vector<double> u = points_->point(trial);
    Assignment a;
    for (std::size_t d = 0; d < space_.parameters.size(); ++d) {
      if (is_active(space_.parameters[d], a))
        a[space_.parameters[d].name] = value_at(space_.parameters[d], u[d]);
    }
    return a;
  }

  void tell(const TrialResult&) override {}
  bool uses_results() const override { return false; }

 private:
  SearchSpace space_;
  std::optional<SobolPoints> points_;
};

}  // namespace

void register_sobol(Registrar& r) {
  r.strategies.add("sobol", &make<SearchStrategy, SobolSearch>,
                   Schema("quasi-random search: a Sobol' sequence with a seeded digital shift"));
}

}  // namespace nnlab::search
