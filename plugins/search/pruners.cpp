// Early stopping for any search strategy (the Pruner interface): median stopping (Golovin et al.
// 2017, as Optuna's MedianPruner), asynchronous successive halving (ASHA) and Hyperband (Li et al.
// 2018, as Optuna's HyperbandPruner: several ASHA brackets, each trial in one). A trial that is
// stopped is PRUNED in trials.csv, with the epoch it reached (last_epoch) and its updates.
#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

#include "components.hpp"
#include "nnlab/pruner.hpp"
#include "nnlab/random.hpp"
#include "successive_halving.hpp"

namespace nnlab::search {
namespace {

class MedianPruner final : public Pruner {
 public:
  explicit MedianPruner(const Params& params)
      : startup_(params.integer("startup_trials")), warmup_(params.integer("warmup_epochs")) {}

  void setup(const PrunerSetup& setup) override { maximize_ = setup.maximize; }

  // Prunes when the trial's best value so far is worse than the median of the values completed
  // trials had at the same epoch.
  bool should_prune(std::int64_t trial, std::int64_t epoch, double value) override {
    auto& mine = reports_[trial];
    mine[epoch] = value;
    if (static_cast<std::int64_t>(complete_.size()) < startup_ || epoch < warmup_) return false;
    std::vector<double> others;
    for (std::int64_t t : complete_) {
      const auto& r = reports_[t];
      if (auto it = r.find(epoch); it != r.end()) others.push_back(it->second);
    }
    if (others.empty()) return false;
    std::sort(others.begin(), others.end());
    const std::size_t n = others.size();
    const double median = n % 2 ? others[n / 2] : 0.5 * (others[n / 2 - 1] + others[n / 2]);
    double best = maximize_ ? -HUGE_VAL : HUGE_VAL;
    for (const auto& [e, v] : mine) {
      if (std::isfinite(v)) best = maximize_ ? std::max(best, v) : std::min(best, v);
    }
    return maximize_ ? best < median : best > median;
  }

  void tell(const TrialResult& result) override {
    if (result.state == TrialState::complete) complete_.push_back(result.trial);
  }

 private:
  std::int64_t startup_, warmup_;
  bool maximize_ = true;
  std::map<std::int64_t, std::map<std::int64_t, double>> reports_;
  std::vector<std::int64_t> complete_;
};

class AshaPruner final : public Pruner {
 public:
  explicit AshaPruner(const Params& params)
      : min_epochs_(params.integer("min_epochs")),
        eta_(params.integer("reduction_factor")),
        rate_(params.integer("min_early_stopping_rate")) {}

  void setup(const PrunerSetup& setup) override {
    halving_.emplace(min_epochs_, eta_, rate_, setup.maximize);
  }

  bool should_prune(std::int64_t trial, std::int64_t epoch, double value) override {
    return halving_->report(trial, epoch, value);
  }

 private:
  std::int64_t min_epochs_, eta_, rate_;
  std::optional<SuccessiveHalving> halving_;
};

class HyperbandPruner final : public Pruner {
 public:
  explicit HyperbandPruner(const Params& params)
      : min_epochs_(params.integer("min_epochs")),
        max_epochs_(params.integer("max_epochs")),
        eta_(params.integer("reduction_factor")) {}

  void setup(const PrunerSetup& setup) override {
    const std::int64_t max_epochs = max_epochs_ > 0 ? max_epochs_ : setup.epochs;
    if (max_epochs < min_epochs_)
      throw Error("search.pruner: max_epochs (" + std::to_string(max_epochs) +
                  ") is below min_epochs (" + std::to_string(min_epochs_) + ")");
    // floor(log_eta(max/min)) + 1 brackets; bracket i stops early from rung rate i.
    std::int64_t brackets = 1;
    for (std::int64_t r = min_epochs_; r * eta_ <= max_epochs; r *= eta_) ++brackets;
    seed_ = setup.seed;
    for (std::int64_t i = 0; i < brackets; ++i) {
      halving_.emplace_back(min_epochs_, eta_, i, setup.maximize);
      // Optuna's trial allocation: bracket i gets ceil(n eta^s / (s + 1)) with s = n - 1 - i.
      const std::int64_t s = brackets - 1 - i;
      budget_.push_back(static_cast<std::int64_t>(
          std::ceil(static_cast<double>(brackets) * std::pow(static_cast<double>(eta_), s) /
                    static_cast<double>(s + 1))));
    }
  }

  bool should_prune(std::int64_t trial, std::int64_t epoch, double value) override {
    return halving_[bracket_of(trial)].report(trial, epoch, value);
  }

  /// A trial's bracket, from (seed, trial) alone, in proportion to the brackets' budgets.
  std::size_t bracket_of(std::int64_t trial) const {
    std::int64_t total = 0;
    for (auto b : budget_) total += b;
    auto n = static_cast<std::int64_t>(derive_seed(seed_, "hyperband/" + std::to_string(trial)) %
                                       static_cast<std::uint64_t>(total));
    for (std::size_t i = 0; i < budget_.size(); ++i) {
      if (n < budget_[i]) return i;
      n -= budget_[i];
    }
    return budget_.size() - 1;
  }

 private:
  std::int64_t min_epochs_, max_epochs_, eta_;
  std::uint64_t seed_ = 0;
  std::vector<SuccessiveHalving> halving_;
  std::vector<std::int64_t> budget_;
};

}  // namespace

void register_pruners(Registrar& r) {
  r.pruners.add("median", &make<Pruner, MedianPruner>,
                Schema("median stopping: prune a trial whose best value so far is worse than the "
                       "median of complete trials at the same epoch")
                    .integer("startup_trials", 5, "complete trials before any pruning")
                    .min(0)
                    .integer("warmup_epochs", 0, "epochs before a trial can be pruned")
                    .min(0));
  r.pruners.add("asha", &make<Pruner, AshaPruner>,
                Schema("asynchronous successive halving: keep the top 1/eta at each rung")
                    .integer("min_epochs", 1, "the first rung's epoch")
                    .min(1)
                    .integer("reduction_factor", 3, "eta: rungs every eta x epochs, 1/eta kept")
                    .min(2)
                    .integer("min_early_stopping_rate", 0, "s: the first rung at min_epochs eta^s")
                    .min(0));
  r.pruners.add("hyperband", &make<Pruner, HyperbandPruner>,
                Schema("Hyperband: ASHA brackets of different aggressiveness, trials spread over "
                       "them")
                    .integer("min_epochs", 1, "the most aggressive bracket's first rung")
                    .min(1)
                    .integer("max_epochs", 0, "the most a trial trains (0: train.epochs)")
                    .min(0)
                    .integer("reduction_factor", 3, "eta")
                    .min(2));
}

}  // namespace nnlab::search
