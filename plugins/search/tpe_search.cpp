// Tree-structured Parzen estimator (Bergstra et al. 2011), with Optuna 3.1's defaults: 10 random
// start-up trials; then the trials are split at the gamma(n) = min(ceil(0.1 n), 25) best; per
// parameter, 24 candidates drawn from the "below" estimator l(x) and the one maximizing
// l(x)/g(x) kept. Parameters are modelled one by one (univariate), each from the trials in which
// it was active, so conditional spaces work as they are.
//
// Ranking, best first: complete trials by objective, then pruned ones by their last value, then
// failed ones (the documented worst value), then, with constant_liar, trials still running: a
// running trial's configuration counts as bad, so parallel workers do not all sample next to the
// same promising point (Optuna's constant_liar option; on here by default).
#include <algorithm>
#include <cmath>
#include <map>

#include "components.hpp"
#include "nnlab/search_strategy.hpp"
#include "parzen_estimator.hpp"
#include "sampling.hpp"

namespace nnlab::search {
namespace {

class Tpe final : public SearchStrategy {
 public:
  explicit Tpe(const Params& params)
      : startup_(params.integer("startup_trials")),
        candidates_(params.integer("candidates")),
        prior_weight_(params.number("prior_weight")),
        constant_liar_(params.boolean("constant_liar")) {}

  void setup(const SearchSpace& space, const SearchSetup& setup) override {
    require_budget(setup, "tpe");
    space_ = space;
    seed_ = setup.seed;
    maximize_ = setup.maximize;
  }

  std::optional<Assignment> ask(std::int64_t trial) override {
    Rng rng(derive_seed(seed_, "tpe/trial/" + std::to_string(trial)));
    Assignment a;
    // Optuna counts finished trials that can be ranked (complete and pruned) against the start-up.
    const std::int64_t ranked =
        static_cast<std::int64_t>(history_.told.size()) - history_.count(TrialState::failed);
    if (ranked < startup_) {
      for (const auto& p : space_.parameters) {
        if (is_active(p, a)) a[p.name] = sample(p, rng);
      }
    } else {
      const auto [below, above] = split();
      for (const auto& p : space_.parameters) {
        if (is_active(p, a)) a[p.name] = propose(p, below, above, rng);
      }
    }
    history_.asked(trial, a);
    return a;
  }

  void tell(const TrialResult& result) override { history_.tell(result); }

 private:
  using Group = std::vector<const Assignment*>;

  /// The trials ranked best first and cut at gamma(n); each group in trial order.
  std::pair<Group, Group> split() const {
    struct Ranked {
      int tier;      // 0 complete, 1 pruned, 2 failed, 3 running
      double score;  // lower is better within a tier
      std::int64_t trial;
      const Assignment* assignment;
    };
    std::vector<Ranked> ranked;
    for (const auto& [k, r] : history_.told) {
      const int tier = r.state == TrialState::complete ? 0 : r.state == TrialState::pruned ? 1 : 2;
      const double score =
          std::isfinite(r.objective) ? (maximize_ ? -r.objective : r.objective) : HUGE_VAL;
      ranked.push_back({tier, tier == 2 ? 0.0 : score, k, &r.assignment});
    }
    if (constant_liar_) {
      for (const auto& [k, a] : history_.running) ranked.push_back({3, 0.0, k, &a});
    }
    std::stable_sort(ranked.begin(), ranked.end(), [](const Ranked& x, const Ranked& y) {
      return x.tier != y.tier ? x.tier < y.tier : x.score < y.score;
    });
    // gamma(n) counts finished trials only; running ones (the liar's) always rank below them.
    const auto n = static_cast<double>(history_.told.size());
    const auto n_below = static_cast<std::size_t>(std::min(std::ceil(0.1 * n), 25.0));
    std::vector<Ranked> below(ranked.begin(),
                              ranked.begin() + static_cast<std::ptrdiff_t>(n_below));
    std::vector<Ranked> above(ranked.begin() + static_cast<std::ptrdiff_t>(n_below), ranked.end());
    auto by_trial = [](std::vector<Ranked>& group) {
      std::sort(group.begin(), group.end(),
                [](const Ranked& x, const Ranked& y) { return x.trial < y.trial; });
      Group out;
      for (const auto& r : group) out.push_back(r.assignment);
      return out;
    };
    return {by_trial(below), by_trial(above)};
  }

  std::string propose(const SearchParameter& p, const Group& below, const Group& above,
                      Rng& rng) const {
    auto values = [&](const Group& group) {
      std::vector<std::string> out;
      for (const Assignment* a : group) {
        if (auto it = a->find(p.name); it != a->end()) out.push_back(it->second);
      }
      return out;
    };
    const ParzenEstimator l(p, values(below), prior_weight_);
    const ParzenEstimator g(p, values(above), prior_weight_);
    std::string best;
    double best_score = -HUGE_VAL;
    for (std::int64_t c = 0; c < candidates_; ++c) {
      std::string x = l.sample(rng);
      const double score = l.log_pdf(x) - g.log_pdf(x);
      if (best.empty() || score > best_score) {
        best = std::move(x);
        best_score = score;
      }
    }
    return best;
  }

  std::int64_t startup_, candidates_;
  double prior_weight_;
  bool constant_liar_;
  SearchSpace space_;
  std::uint64_t seed_ = 0;
  bool maximize_ = true;
  TrialHistory history_;
};

}  // namespace

void register_tpe(Registrar& r) {
  r.strategies.add(
      "tpe", &make<SearchStrategy, Tpe>,
      Schema("tree-structured Parzen estimator (Bergstra et al. 2011), Optuna's defaults")
          .integer("startup_trials", 10, "random trials before the model is used")
          .min(0)
          .integer("candidates", 24, "draws from l(x) per parameter; the best l(x)/g(x) is kept")
          .min(1)
          .number("prior_weight", 1.0, "weight of the flat prior kernel in each estimator")
          .greater_than(0)
          .boolean("constant_liar", true,
                   "count running trials as bad, so parallel trials spread out"));
}

}  // namespace nnlab::search
