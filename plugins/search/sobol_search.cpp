// Quasi-random search: a Sobol' sequence (Boost.Random's engine, Joe & Kuo direction numbers), one
// dimension per parameter, randomized by a seeded digital shift (each coordinate's bits XORed
// with a random mask). The shift keeps the sequence's stratification: any 2^m consecutive points
// from the start put one point in each of the 2^m equal slices of every axis, where random search
// leaves gaps and clumps. Values come from a coordinate through value_at (log space for
// log_uniform, cells for integers and choices).
#include <boost/random/sobol.hpp>

#include "components.hpp"
#include "sampling.hpp"

namespace nnlab::search {
namespace {

class SobolSearch final : public SearchStrategy {
 public:
  explicit SobolSearch(const Params&) {}

  void setup(const SearchSpace& space, const SearchSetup& setup) override {
    if (setup.trials <= 0)
      throw Error("search.trials: sobol search needs a trial budget (trials: N)");
    space_ = space;
    engine_ = std::make_unique<boost::random::sobol>(space.parameters.size());
    Rng rng(derive_seed(setup.seed, "sobol/shift"));
    for (std::size_t d = 0; d < space.parameters.size(); ++d) shift_.push_back(rng());
  }

  std::optional<Assignment> ask(std::int64_t trial) override {
    // Trials are asked in order; point k is the sequence's k-th.
    while (next_point_ < trial) {
      engine_->discard(space_.parameters.size());
      ++next_point_;
    }
    Assignment a;
    for (std::size_t d = 0; d < space_.parameters.size(); ++d) {
      const std::uint64_t bits = (*engine_)() ^ shift_[d];
      const double u = static_cast<double>(bits >> 11) * 0x1.0p-53;  // top 53 bits in [0, 1)
      if (is_active(space_.parameters[d], a))
        a[space_.parameters[d].name] = value_at(space_.parameters[d], u);
    }
    ++next_point_;
    return a;
  }

  void tell(const TrialResult&) override {}
  bool uses_results() const override { return false; }

 private:
  SearchSpace space_;
  std::unique_ptr<boost::random::sobol> engine_;
  std::vector<std::uint64_t> shift_;
  std::int64_t next_point_ = 0;
};

}  // namespace

void register_sobol(Registries& r) {
  r.strategies.add("sobol", &make<SearchStrategy, SobolSearch>,
                   Schema("quasi-random search: a Sobol' sequence with a seeded digital shift"));
}

}  // namespace nnlab::search
