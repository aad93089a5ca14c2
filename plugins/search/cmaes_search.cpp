// CMA-ES (Hansen 2016; see cma_state.hpp) as Optuna 3.1's CmaEsSampler runs it on a study, on
// nnlab's ask/tell protocol.
//
// Space: every numeric parameter without a `when:` condition is one coordinate of the unit cube
// (value_at: log space for log_uniform; an integer or quantized value is its cell, and is told
// back as its cell's centre, as Optuna tells the rounded value). The initial mean is the cube's
// centre, σ0 = 1/6 (Optuna's min range / 6: every range is 1 here), λ = 4 + ⌊3 ln n⌋, no restart
// unless `restart: ipop`. Categorical and conditional parameters are sampled independently and
// uniformly at random, as Optuna's default independent sampler (RandomSampler) does for the
// parameters outside its relative search space. Unlike Optuna, whose backend needs two
// dimensions, a single numeric parameter is searched by CMA-ES too.
//
// Generations: the first `startup_trials` complete trials are random (Optuna's n_startup_trials,
// 1). Each later trial is sampled from the distribution current when it is asked and tagged with
// that generation. A generation is updated at the first ask that finds λ complete results tagged
// with it, using the first λ in trial order; a tagged trial beyond λ is wasted, as in Optuna.
// Failed and pruned trials (and non-finite objectives) are missing, as in Optuna with
// consider_pruned_trials off: they never count towards λ, so the generation waits for more
// trials. The sweep tells results in trial order and asks trial k after trials 0..k−P only, so a
// sweep with the same seed and `parallel_trials` proposes the same trials whatever the timing.
#include <cmath>
#include <map>
#include <optional>
#include <random>

#include "cma_state.hpp"
#include "components.hpp"
#include "nnlab/search_strategy.hpp"
#include "sampling.hpp"

namespace nnlab::search {
namespace {

class CmaEsSearch final : public SearchStrategy {
 public:
  explicit CmaEsSearch(const Params& params)
      : population_(params.integer("population_size")),
        sigma0_(params.number("sigma0")),
        startup_(params.integer("startup_trials")),
        ipop_(params.string("restart") == "ipop"),
        increase_(params.integer("population_increase")) {
    if (population_ == 1)
      params.fail("population_size",
                  "a population of 1 has nothing to rank; expected 0 (4 + floor(3 ln n)) or at "
                  "least 2");
  }

  void setup(const SearchSpace& space, const SearchSetup& setup) override {
    require_budget(setup, "cmaes");
    space_ = space;
    seed_ = setup.seed;
    maximize_ = setup.maximize;
    for (std::size_t d = 0; d < space.parameters.size(); ++d) {
      const auto& p = space.parameters[d];
      if (p.kind != SearchParameter::Kind::categorical && p.when.empty()) numeric_.push_back(d);
    }
  }

  std::optional<Assignment> ask(std::int64_t trial) override {
    Rng rng(derive_seed(seed_, "cmaes/trial/" + std::to_string(trial)));
    Assignment a;
    if (numeric_.empty() || complete_trials() < startup_) {
      for (const auto& p : space_.parameters) {
        if (is_active(p, a)) a[p.name] = sample(p, rng);
      }
      history_.asked(trial, a);
      return a;
    }
    if (!cma_) start(static_cast<int>(population_));
    advance();
    const Eigen::VectorXd x = cma_->sample(rng);
    Eigen::Index coordinate = 0;
    for (std::size_t d = 0; d < space_.parameters.size(); ++d) {
      const auto& p = space_.parameters[d];
      if (coordinate < x.size() && numeric_[static_cast<std::size_t>(coordinate)] == d)
        a[p.name] = value_at(p, x[coordinate++]);
      else if (is_active(p, a))
        a[p.name] = sample(p, rng);
    }
    generation_of_[trial] = generation_;
    history_.asked(trial, a);
    return a;
  }

  void tell(const TrialResult& result) override { history_.tell(result); }

 private:
  static bool counts(const TrialResult& r) {
    return r.state == TrialState::complete && std::isfinite(r.objective);
  }

  std::int64_t complete_trials() const {
    std::int64_t n = 0;
    for (const auto& [trial, r] : history_.told) n += counts(r);
    return n;
  }

  /// A fresh distribution: at the cube's centre, or (an IPOP restart) at a random point.
  void start(int population_size) {
    const auto n = static_cast<Eigen::Index>(numeric_.size());
    Eigen::VectorXd mean = Eigen::VectorXd::Constant(n, 0.5);
    if (restarts_ > 0) {
      Rng rng(derive_seed(seed_, "cmaes/restart/" + std::to_string(restarts_)));
      std::uniform_real_distribution<double> unit(0, 1);
      for (Eigen::Index i = 0; i < n; ++i) mean[i] = unit(rng);
    }
    cma_.emplace(mean, sigma0_, population_size, Eigen::VectorXd::Zero(n),
                 Eigen::VectorXd::Ones(n));
  }

  /// Updates the current generation if λ of its trials are complete.
  void advance() {
    const auto lambda = static_cast<std::size_t>(cma_->population_size());
    std::vector<CmaState::Solution> solutions;
    for (const auto& [trial, r] : history_.told) {
      const auto tag = generation_of_.find(trial);
      if (tag == generation_of_.end() || tag->second != generation_ || !counts(r)) continue;
      Eigen::VectorXd x(static_cast<Eigen::Index>(numeric_.size()));
      for (std::size_t i = 0; i < numeric_.size(); ++i) {
        const auto& p = space_.parameters[numeric_[i]];
        x[static_cast<Eigen::Index>(i)] = position_of(p, r.assignment.at(p.name));
      }
      solutions.emplace_back(std::move(x), maximize_ ? -r.objective : r.objective);
      if (solutions.size() == lambda) break;
    }
    if (solutions.size() < lambda) return;
    cma_->update(std::move(solutions));
    ++generation_;
    if (ipop_ && cma_->should_stop()) {
      ++restarts_;
      start(cma_->population_size() * static_cast<int>(increase_));
    }
  }

  std::int64_t population_;
  double sigma0_;
  std::int64_t startup_;
  bool ipop_;
  std::int64_t increase_;
  SearchSpace space_;
  std::uint64_t seed_ = 0;
  bool maximize_ = false;
  std::vector<std::size_t> numeric_;  ///< the parameters CMA-ES searches, in space order
  std::optional<CmaState> cma_;
  std::int64_t generation_ = 0;  ///< counts updates over all restarts: a tag never repeats
  std::int64_t restarts_ = 0;
  std::map<std::int64_t, std::int64_t> generation_of_;  ///< trial -> generation it was drawn in
  TrialHistory history_;
};

}  // namespace

void register_cmaes(Registrar& r) {
  r.strategies.add(
      "cmaes", &make<SearchStrategy, CmaEsSearch>,
      Schema("CMA-ES (Hansen 2016) as Optuna's CmaEsSampler: numeric parameters in the unit cube "
             "(log ones in log space); categorical and conditional ones sampled independently "
             "at random")
          .integer("population_size", 0,
                   "samples per generation, lambda (0: 4 + floor(3 ln n), n numeric parameters)")
          .min(0)
          .number("sigma0", 1.0 / 6, "initial step size in the unit cube (Optuna: min range / 6)")
          .greater_than(0)
          .max(1)
          .integer("startup_trials", 1, "complete random trials before CMA-ES starts")
          .min(0)
          .choice("restart", "none", {"none", "ipop"},
                  "none, or ipop: restart at a random point with a larger population when the "
                  "search stalls (Auger & Hansen 2005)")
          .integer("population_increase", 2, "IPOP: the population's factor at each restart")
          .min(2));
}

}  // namespace nnlab::search
