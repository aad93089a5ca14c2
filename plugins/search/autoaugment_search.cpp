// AutoAugment's search (Cubuk et al., CVPR 2019) on nnlab's ask/tell protocol, for any space of
// categorical parameters: the controller (policy_controller.hpp) emits one choice per parameter in
// space order, and learns from the told objectives with PPO against a moving-average baseline.
//
// Batches: trial k is drawn, with its own stream (seed, k), from the controller current when it
// is asked, and its log-probability is kept. Told results are taken in trial order; failed and
// pruned trials (and non-finite objectives) are skipped, as CMA-ES skips them. Every
// `batch_size` results make one update: advantages against the baseline, `ppo_epochs` Adam steps
// on the PPO loss, then the baseline moves towards the batch's mean reward. The sweep tells
// results in trial order and asks trial k after trials 0..k−P only, so a sweep with the same seed
// and `parallel_trials` proposes the same trials whatever the timing. With P > 1 the first P − 1
// trials after a batch are drawn before its update; PPO's probability ratio against the weights
// that drew them (clipped) is what makes such slightly stale samples usable.
#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

#include "components.hpp"
#include "nnlab/error.hpp"
#include "nnlab/search_strategy.hpp"
#include "policy_controller.hpp"
#include "sampling.hpp"

namespace nnlab::search {
namespace {

class AutoAugmentSearch final : public SearchStrategy {
 public:
  explicit AutoAugmentSearch(const Params& params)
      : hidden_(params.integer("hidden_units")),
        lr_(params.number("lr")),
        entropy_weight_(params.number("entropy_weight")),
        clip_(params.number("clip")),
        baseline_decay_(params.number("baseline_decay")),
        init_range_(params.number("init_range")),
        batch_size_(params.integer("batch_size")),
        ppo_epochs_(params.integer("ppo_epochs")) {}

  void setup(const SearchSpace& space, const SearchSetup& setup) override {
    require_budget(setup, "autoaugment");
    std::vector<int> choices;
    for (const auto& p : space.parameters) {
      if (p.kind != SearchParameter::Kind::categorical) {
        throw Error(
            "search.kind: autoaugment searches categorical parameters only ({values: "
            "[...]}); '" +
            p.name + "' is a range (use values: [...], or another search.kind)");
      }
      if (!p.when.empty()) {
        throw Error("search.kind: autoaugment makes every decision in every trial; '" + p.name +
                    "' has a when: condition (drop it, or use another search.kind)");
      }
      choices.push_back(static_cast<int>(p.choices.size()));
    }
    space_ = space;
    seed_ = setup.seed;
    maximize_ = setup.maximize;
    Rng rng(derive_seed(seed_, "autoaugment/init"));
    controller_.emplace(std::move(choices), static_cast<int>(hidden_), init_range_, rng);
    adam_.emplace(controller_->weights().size(), lr_);
  }

  std::optional<Assignment> ask(std::int64_t trial) override {
    Rng rng(derive_seed(seed_, "autoaugment/trial/" + std::to_string(trial)));
    Drawn drawn;
    drawn.update = updates_;
    const PolicyController::Draw& draw = drawn.draw = controller_->sample(rng, &drawn.trace);
    Assignment a;
    for (std::size_t d = 0; d < space_.parameters.size(); ++d) {
      const auto& p = space_.parameters[d];
      a[p.name] = p.choices[static_cast<std::size_t>(draw.actions[d])];
    }
    drawn_[trial] = std::move(drawn);
    return a;
  }

  void tell(const TrialResult& result) override {
    if (result.trial < next_) return;  // taken already: a result told twice changes nothing
    told_[result.trial] = result;
    // Take the results in trial order, as far as they go without a gap.
    for (auto it = told_.begin(); it != told_.end() && it->first == next_;
         it = told_.erase(it), ++next_) {
      const TrialResult& r = it->second;
      auto drawn = drawn_.find(r.trial);
      if (r.state == TrialState::complete && std::isfinite(r.objective)) {
        if (drawn != drawn_.end()) {
          batch_.actions.push_back(drawn->second.draw.actions);
          batch_.old_log_prob.push_back(drawn->second.draw.log_prob);
          // The draw's forward pass is the update's first one if no update came between.
          if (drawn->second.update == updates_) traces_.push_back(std::move(drawn->second.trace));
        } else {
          batch_.actions.push_back(actions_of(r.assignment));
          batch_.old_log_prob.push_back(controller_->log_prob(batch_.actions.back()));
        }
        rewards_.push_back(maximize_ ? r.objective : -r.objective);
      }
      if (drawn != drawn_.end()) drawn_.erase(drawn);
      if (static_cast<std::int64_t>(rewards_.size()) == batch_size_) update();
    }
  }

 private:
  /// The choice indices of a told assignment (a trial this instance did not draw).
  std::vector<int> actions_of(const Assignment& assignment) const {
    std::vector<int> actions;
    for (const auto& p : space_.parameters) {
      const auto value = assignment.find(p.name);
      if (value == assignment.end())
        throw Error("search.kind: autoaugment was told a trial without '" + p.name + "'");
      const auto at = std::find(p.choices.begin(), p.choices.end(), value->second);
      if (at == p.choices.end()) {
        throw Error("search.kind: autoaugment was told '" + value->second + "' for '" + p.name +
                    "', not one of its values");
      }
      actions.push_back(static_cast<int>(at - p.choices.begin()));
    }
    return actions;
  }

  void update() {
    double mean = 0;
    for (double r : rewards_) mean += r;
    mean /= static_cast<double>(rewards_.size());
    // The first batch sets the baseline: with 0 there, every early reward (an accuracy near 0.9)
    // would look like an advantage and push up whatever happened to be drawn.
    if (!baseline_) baseline_ = mean;
    batch_.advantage.clear();
    for (double r : rewards_) batch_.advantage.push_back(r - *baseline_);
    Eigen::VectorXd gradient;
    std::vector<const PolicyController::Trace*> traces;
    if (traces_.size() == rewards_.size()) {
      for (const auto& trace : traces_) traces.push_back(&trace);
    }
    for (std::int64_t epoch = 0; epoch < ppo_epochs_; ++epoch) {
      controller_->loss(batch_, clip_, entropy_weight_, &gradient,
                        epoch == 0 ? traces : std::vector<const PolicyController::Trace*>{});
      adam_->apply(controller_->weights(), gradient);
    }
    ++updates_;
    traces_.clear();
    *baseline_ = baseline_decay_ * *baseline_ + (1 - baseline_decay_) * mean;
    batch_ = {};
    rewards_.clear();
  }

  std::int64_t hidden_;
  double lr_, entropy_weight_, clip_, baseline_decay_, init_range_;
  std::int64_t batch_size_, ppo_epochs_;
  SearchSpace space_;
  std::uint64_t seed_ = 0;
  bool maximize_ = true;
  std::optional<PolicyController> controller_;
  std::optional<AdamStep> adam_;
  std::optional<double> baseline_;  ///< none before the first batch
  /// A trial as drawn: its sequence, forward pass, and the update count it was drawn after.
  struct Drawn {
    PolicyController::Draw draw;
    PolicyController::Trace trace;
    std::int64_t update = 0;
  };
  std::map<std::int64_t, Drawn> drawn_;  ///< asked, not yet taken into a batch
  std::int64_t updates_ = 0;             ///< updates so far
  /// The batch's forward passes, for those drawn since the last update (all of them, or unused).
  std::vector<PolicyController::Trace> traces_;
  std::map<std::int64_t, TrialResult> told_;  ///< told, waiting for an earlier trial
  std::int64_t next_ = 0;                     ///< the next trial to take
  PolicyController::Batch batch_;             ///< the batch being filled
  std::vector<double> rewards_;               ///< its rewards (maximized)
};

}  // namespace

void register_autoaugment(Registrar& r) {
  r.strategies.add(
      "autoaugment", &make<SearchStrategy, AutoAugmentSearch>,
      Schema("AutoAugment's controller (Cubuk et al. 2019): an LSTM that emits one choice per "
             "categorical parameter, trained with PPO; categorical spaces only")
          .integer("hidden_units", 100,
                   "LSTM units (the embeddings, 4x as wide, enter its gates); paper: 100")
          .min(1)
          .max(4096)
          .number("lr", 0.00035, "Adam's learning rate; paper: 0.00035")
          .greater_than(0)
          .number("entropy_weight", 1e-5, "weight of the entropy bonus; paper: 1e-5")
          .min(0)
          .number("clip", 0.2, "PPO's clip range epsilon on the probability ratio; paper: 0.2")
          .greater_than(0)
          .less_than(1)
          .number("baseline_decay", 0.95,
                  "the reward baseline's moving-average weight (per batch); paper: 0.95")
          .min(0)
          .less_than(1)
          .number("init_range", 0.1,
                  "weights start uniform in [-init_range, init_range]; paper: 0.1")
          .greater_than(0)
          .integer("batch_size", 10, "complete trials per controller update")
          .min(1)
          .integer("ppo_epochs", 1, "Adam steps on each batch's PPO loss")
          .min(1)
          .max(100));
}

}  // namespace nnlab::search
