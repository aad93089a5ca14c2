// Grid search: every combination of the parameters' grid values, in declaration order (the last
// parameter varies fastest), skipping conditional parameters whose condition does not hold.
// `shuffle: true` visits the grid in a seeded random order, so a budget smaller than the grid
// samples it evenly.
#include <algorithm>

#include "components.hpp"
#include "nnlab/error.hpp"
#include "nnlab/search_strategy.hpp"
#include "nnlab/text.hpp"
#include "sampling.hpp"

namespace nnlab::search {
namespace {

class GridSearch final : public SearchStrategy {
 public:
  explicit GridSearch(const Params& params) : shuffle_(params.boolean("shuffle")) {}

  void setup(const SearchSpace& space, const SearchSetup& setup) override {
    std::vector<std::vector<std::string>> values;
    double combinations = 1;
    for (const auto& p : space.parameters) {
      values.push_back(grid_values(p));
      combinations *= double(std::max<std::size_t>(values.back().size(), 1));
    }
    // Every combination is listed up front: a product past this is refused, not allocated.
    if (combinations > double(kMaxGridValues)) {
      throw Error("search.space: the grid has " + format_value(combinations) +
                  " combinations; expected at most " + std::to_string(kMaxGridValues) +
                  " (fewer values, or a random or sobol search)");
    }
    Assignment partial;
    expand(space, values, 0, partial);
    if (shuffle_) {
      Rng rng(derive_seed(setup.seed, "grid/shuffle"));
      std::shuffle(points_.begin(), points_.end(), rng);
    }
  }

  std::optional<Assignment> ask(std::int64_t trial) override {
    if (trial < 0 || trial >= static_cast<std::int64_t>(points_.size())) return std::nullopt;
    return points_[static_cast<std::size_t>(trial)];
  }

  void tell(const TrialResult&) override {}
  bool uses_results() const override { return false; }
  std::optional<std::int64_t> planned_trials() const override {
    return static_cast<std::int64_t>(points_.size());
  }

 private:
  void expand(const SearchSpace& space, const std::vector<std::vector<std::string>>& values,
              std::size_t i, Assignment& partial) {
    if (i == space.parameters.size()) {
      points_.push_back(partial);
      return;
    }
    const SearchParameter& p = space.parameters[i];
    if (!is_active(p, partial)) {
      expand(space, values, i + 1, partial);
      return;
    }
    for (const auto& v : values[i]) {
      partial[p.name] = v;
      expand(space, values, i + 1, partial);
    }
    partial.erase(p.name);
  }

  bool shuffle_;
  std::vector<Assignment> points_;
};

}  // namespace

void register_grid(Registrar& r) {
  r.strategies.add("grid", &make<SearchStrategy, GridSearch>,
                   Schema("grid search over choices, integer steps and `grid: N` points")
                       .boolean("shuffle", false, "visit the grid in a seeded random order"));
}

}  // namespace nnlab::search
