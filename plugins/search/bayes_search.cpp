// Gaussian-process Bayesian optimization (Snoek et al. 2012): after a quasi-random initial design
// (Sobol'), each trial fits a GP (Matérn 5/2, ARD, hyperparameters by marginal likelihood; see
// gaussian_process.hpp) to the results so far and proposes the point of largest expected
// improvement, found by multi-start local search from the best of many random candidates.
//
// Encoding: every parameter has a coordinate u in [0, 1] (value_at: log space for log_uniform).
// The GP sees a numeric parameter as its value's position, so integer and quantized parameters
// are rounded before the model sees them, and a categorical one as a one-hot vector; an inactive
// parameter as zeros. Candidates are projected the same way before their EI is computed, which
// makes EI flat within a cell instead of pretending between-values exist (Garrido-Merchán &
// Hernández-Lobato 2020).
//
// Failed and pruned trials count as the worst value seen (the documented worst value). Trials
// still running count as that worst value too (a constant liar: Ginsbourger et al. 2010), so
// parallel trials do not pile onto one point.
//
// Cost as the history grows: fitting the hyperparameters is O(n³) per likelihood evaluation and
// takes hundreds of them, so it is not done for every proposal once the history is long. Up to
// `full_fit_trials` rows, every proposal fits from several starts (the previous fit, the prior's
// centre and two random ones), as the quality at small budgets depends on it. Beyond, the
// hyperparameters are refitted from the previous ones alone once the rows have grown by
// `refit_fraction` since the last fit, on at most kMaxFitRows rows (a seeded random subset: the
// likelihood of a few hundred points pins the length scales down); in between, the GP keeps its
// hyperparameters and extends its Cholesky factor by the new rows. The GP's rows are the trials
// in trial order, told and running alike, so one proposal's rows are the first rows of the next
// one's. A `full_fit_trials` at least the budget gives the fit-every-proposal behaviour exactly.
#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <random>
#include <set>

#include "components.hpp"
#include "gaussian_process.hpp"
#include "nnlab/search_strategy.hpp"
#include "sampling.hpp"
#include "sobol_points.hpp"

namespace nnlab::search {
namespace {

constexpr Eigen::Index kMaxFitRows = 300;

class BayesSearch final : public SearchStrategy {
 public:
  explicit BayesSearch(const Params& params)
      : initial_(params.integer("initial_trials")),
        candidates_(params.integer("candidates")),
        starts_(params.integer("local_starts")),
        full_fit_trials_(params.integer("full_fit_trials")),
        refit_fraction_(params.number("refit_fraction")) {}

  void setup(const SearchSpace& space, const SearchSetup& setup) override {
    require_budget(setup, "bayes");
    space_ = space;
    seed_ = setup.seed;
    maximize_ = setup.maximize;
    dims_ = 0;
    for (const auto& p : space.parameters) {
      offset_.push_back(dims_);
      dims_ += p.kind == SearchParameter::Kind::categorical
                   ? static_cast<Eigen::Index>(p.choices.size())
                   : 1;
    }
    sobol_.emplace(space.parameters.size(), derive_seed(seed_, "bayes/shift"));
    for (const auto& p : space.parameters) {
      for (const auto& [name, values] : p.when) named_.insert(name);
    }
  }

  std::optional<Assignment> ask(std::int64_t trial) override {
    Rng rng(derive_seed(seed_, "bayes/trial/" + std::to_string(trial)));
    // The initial design: Sobol' point `trial` (each trial is asked once, in order).
    const std::vector<double> u = sobol_->point(trial);
    Assignment a = decode(u);
    if (trial >= initial_ && history_.count(TrialState::complete) >= 2) a = maximize_ei(rng);
    history_.asked(trial, a);
    return a;
  }

  void tell(const TrialResult& result) override { history_.tell(result); }

 private:
  Assignment decode(const std::vector<double>& u) const {
    Assignment a;
    for (std::size_t d = 0; d < space_.parameters.size(); ++d) {
      const auto& p = space_.parameters[d];
      if (is_active(p, a)) a[p.name] = value_at(p, u[d]);
    }
    return a;
  }

  /// encode(decode(u)), with no text in between: the values of the parameters that `when:`
  /// clauses name are the only ones spelled out, to decide which parameters are active.
  Eigen::VectorXd encode_at(const std::vector<double>& u) const {
    Eigen::VectorXd x = Eigen::VectorXd::Zero(dims_);
    Assignment named;
    for (std::size_t d = 0; d < space_.parameters.size(); ++d) {
      const auto& p = space_.parameters[d];
      if (!p.when.empty() && !is_active(p, named)) continue;
      if (named_.count(p.name)) named[p.name] = value_at(p, u[d]);
      if (p.kind == SearchParameter::Kind::categorical)
        x[offset_[d] + static_cast<Eigen::Index>(choice_at(p, u[d]))] = 1.0;
      else
        x[offset_[d]] = coordinate_at(p, u[d]);
    }
    return x;
  }

  Eigen::VectorXd encode(const Assignment& a) const {
    Eigen::VectorXd x = Eigen::VectorXd::Zero(dims_);
    for (std::size_t d = 0; d < space_.parameters.size(); ++d) {
      const auto& p = space_.parameters[d];
      auto it = a.find(p.name);
      if (it == a.end()) continue;
      if (p.kind == SearchParameter::Kind::categorical) {
        const auto at = std::find(p.choices.begin(), p.choices.end(), it->second);
        x[offset_[d] + (at - p.choices.begin())] = 1.0;
      } else {
        x[offset_[d]] = position_of(p, it->second);
      }
    }
    return x;
  }

  Assignment maximize_ei(Rng& rng) {
    // Targets in minimization sense; failed, pruned and running trials get the worst value.
    std::vector<Eigen::VectorXd> rows;
    std::vector<double> ys;
    double worst = -HUGE_VAL, best = HUGE_VAL;
    for (const auto& [k, r] : history_.told) {
      if (r.state != TrialState::complete || !std::isfinite(r.objective)) continue;
      const double y = maximize_ ? -r.objective : r.objective;
      worst = std::max(worst, y);
      best = std::min(best, y);
    }
    // Every trial asked so far, in trial order: told ones with their value (failed and pruned
    // ones with the worst), running ones with the worst (the liar).
    std::set<std::string> seen;
    auto told = history_.told.begin();
    auto running = history_.running.begin();
    while (told != history_.told.end() || running != history_.running.end()) {
      if (running == history_.running.end() ||
          (told != history_.told.end() && told->first < running->first)) {
        const TrialResult& r = told->second;
        const bool ok = r.state == TrialState::complete && std::isfinite(r.objective);
        rows.push_back(encode(r.assignment));
        ys.push_back(ok ? (maximize_ ? -r.objective : r.objective) : worst);
        seen.insert(key_of(r.assignment));
        ++told;
      } else {
        rows.push_back(encode(running->second));
        ys.push_back(worst);
        seen.insert(key_of(running->second));
        ++running;
      }
    }
    Eigen::MatrixXd x(static_cast<Eigen::Index>(rows.size()), dims_);
    Eigen::VectorXd y(static_cast<Eigen::Index>(ys.size()));
    for (std::size_t i = 0; i < rows.size(); ++i) {
      x.row(static_cast<Eigen::Index>(i)) = rows[i].transpose();
      y[static_cast<Eigen::Index>(i)] = ys[i];
    }
    condition(x, y, rng);

    // EI of a batch of coordinate vectors, each projected to the assignment it stands for.
    auto score = [&](const std::vector<std::vector<double>>& us) {
      Eigen::MatrixXd xs(static_cast<Eigen::Index>(us.size()), dims_);
      for (std::size_t i = 0; i < us.size(); ++i)
        xs.row(static_cast<Eigen::Index>(i)) = encode_at(us[i]).transpose();
      Eigen::VectorXd mean, sd;
      gp_.predict(xs, mean, sd);
      std::vector<double> ei(us.size());
      for (std::size_t i = 0; i < us.size(); ++i)
        ei[i] = expected_improvement(mean[static_cast<Eigen::Index>(i)],
                                     sd[static_cast<Eigen::Index>(i)], best);
      return ei;
    };
    std::uniform_real_distribution<double> unit(0, 1);
    const std::size_t p = space_.parameters.size();
    std::vector<std::vector<double>> pool(static_cast<std::size_t>(candidates_),
                                          std::vector<double>(p));
    for (auto& c : pool) {
      for (auto& v : c) v = unit(rng);
    }
    std::vector<double> ei = score(pool);
    std::vector<std::size_t> order(pool.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](auto a, auto b) { return ei[a] > ei[b]; });

    // Local search from the best candidates: Gaussian steps on the coordinates, shrinking.
    std::vector<std::pair<double, std::vector<double>>> finals;
    std::normal_distribution<double> step(0, 1);
    for (std::int64_t s = 0;
         s < std::min<std::int64_t>(starts_, static_cast<std::int64_t>(pool.size())); ++s) {
      std::vector<double> current = pool[order[static_cast<std::size_t>(s)]];
      double current_ei = ei[order[static_cast<std::size_t>(s)]];
      double radius = 0.1;
      for (int round = 0; round < 6; ++round, radius *= 0.5) {
        std::vector<std::vector<double>> moves(16, current);
        for (auto& m : moves) {
          for (auto& v : m) v = std::clamp(v + radius * step(rng), 0.0, 1.0);
        }
        const auto move_ei = score(moves);
        const auto top = std::max_element(move_ei.begin(), move_ei.end()) - move_ei.begin();
        if (move_ei[static_cast<std::size_t>(top)] > current_ei) {
          current = moves[static_cast<std::size_t>(top)];
          current_ei = move_ei[static_cast<std::size_t>(top)];
        }
      }
      finals.push_back({current_ei, current});
    }
    for (std::size_t i = 0; i < order.size(); ++i) finals.push_back({ei[order[i]], pool[order[i]]});
    std::stable_sort(finals.begin(), finals.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    // The best configuration not tried yet (a finite space may run out: then the best).
    for (const auto& [value, u] : finals) {
      Assignment a = decode(u);
      if (!seen.count(key_of(a))) return a;
    }
    return decode(finals.front().second);
  }

  /// Fits or extends the GP to the rows `x` (trial order) and targets `y` (see the top).
  void condition(const Eigen::MatrixXd& x, const Eigen::VectorXd& y, Rng& rng) {
    const Eigen::Index n = x.rows();
    if (!gp_.fitted() || n <= full_fit_trials_) {
      gp_.fit(x, y, 2, rng);
      next_fit_ = n + 1;
    } else if (n >= next_fit_) {
      if (n <= kMaxFitRows) {
        gp_.refit(x, y);
      } else {
        std::vector<Eigen::Index> subset(static_cast<std::size_t>(n));
        std::iota(subset.begin(), subset.end(), Eigen::Index{0});
        std::shuffle(subset.begin(), subset.end(), rng);
        subset.resize(static_cast<std::size_t>(kMaxFitRows));
        std::sort(subset.begin(), subset.end());
        gp_.refit(x(subset, Eigen::all), y(subset));
        gp_.condition(x, y, gp_.theta());
      }
      next_fit_ = n + std::max<Eigen::Index>(
                          1, static_cast<Eigen::Index>(std::ceil(refit_fraction_ * double(n))));
    } else {
      gp_.update(x, y);
    }
  }

  std::int64_t initial_, candidates_, starts_, full_fit_trials_;
  double refit_fraction_;
  SearchSpace space_;
  std::uint64_t seed_ = 0;
  bool maximize_ = true;
  Eigen::Index dims_ = 0;
  std::vector<Eigen::Index> offset_;
  std::optional<SobolPoints> sobol_;
  std::set<std::string> named_;  ///< parameters that some `when:` clause names
  GaussianProcess gp_;
  Eigen::Index next_fit_ = 0;  ///< the row count at which the hyperparameters are refitted
  TrialHistory history_;
};

}  // namespace

void register_bayes(Registrar& r) {
  r.strategies.add(
      "bayes", &make<SearchStrategy, BayesSearch>,
      Schema("Gaussian-process Bayesian optimization: Matern 5/2, expected improvement")
          .integer("initial_trials", 10, "quasi-random (Sobol') trials before the model is used")
          .min(1)
          .integer("candidates", 2000, "random points scored by EI before local search")
          .min(10)
          .integer("local_starts", 5, "best candidates refined by local search")
          .min(0)
          .integer("full_fit_trials", 50,
                   "trials up to which every proposal fits the hyperparameters from several starts")
          .min(0)
          .number("refit_fraction", 0.1,
                  "beyond: a warm-started refit once the history grew by this fraction; the "
                  "Cholesky factor is extended in between")
          .greater_than(0));
}

}  // namespace nnlab::search
