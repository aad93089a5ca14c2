// Random search (Bergstra & Bengio 2012). Trial k's values come from a stream seeded by (sweep
// seed, k) alone, so the same sweep proposes the same trials however many run at once. A
// configuration seen before is drawn again (a finite space is then exhausted, not repeated).
#include <set>

#include "components.hpp"
#include "nnlab/search_strategy.hpp"
#include "sampling.hpp"

namespace nnlab::search {
namespace {

class RandomSearch final : public SearchStrategy {
 public:
  explicit RandomSearch(const Params& params) : max_redraws_(params.integer("max_redraws")) {}

  void setup(const SearchSpace& space, const SearchSetup& setup) override {
    // A continuous space never runs out: without a budget the sweep would not end.
    require_budget(setup, "random search");
    space_ = space;
    seed_ = setup.seed;
  }

  std::optional<Assignment> ask(std::int64_t trial) override {
    Rng rng(derive_seed(seed_, "random/trial/" + std::to_string(trial)));
    for (std::int64_t attempt = 0; attempt <= max_redraws_; ++attempt) {
      Assignment a;
      for (const auto& p : space_.parameters) {
        if (is_active(p, a)) a[p.name] = sample(p, rng);
      }
      if (seen_.insert(key_of(a)).second) return a;
    }
    return std::nullopt;
  }

  void tell(const TrialResult&) override {}
  bool uses_results() const override { return false; }

 private:
  std::int64_t max_redraws_;
  SearchSpace space_;
  std::uint64_t seed_ = 0;
  std::set<std::string> seen_;
};

}  // namespace

void register_random(Registrar& r) {
  r.strategies.add(
      "random", &make<SearchStrategy, RandomSearch>,
      Schema("random search, no configuration twice")
          .integer("max_redraws", 1000,
                   "draws of a seen configuration before a finite space counts as exhausted")
          .min(0));
}

}  // namespace nnlab::search
