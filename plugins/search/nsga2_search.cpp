// NSGA-II (Deb, Pratap, Agarwal & Meyarivan 2002, "A fast and elitist multiobjective genetic
// algorithm: NSGA-II"), as Optuna 3.1's NSGAIISampler runs it with its defaults: a population of
// 50; generation 0 sampled at random; a child of the parent population by binary tournament on
// Pareto dominance (the second parent drawn from the others), uniform crossover with probability
// 0.9 (each parameter from either parent with probability 0.5), otherwise a copy of one random
// parent; each inherited parameter then mutated (drawn afresh) with probability 1 / the number
// inherited. The parent population of generation g+1 is the elite of generation g's complete
// trials and generation g's parent population: whole non-dominated fronts, the last one cut by
// crowding distance, largest first. Constraint handling is off.
//
// Generations as Optuna counts them: a trial belongs to the generation after the last one that
// has `population` complete trials when it is asked, so failed trials do not count, and trials
// asked while a generation is still running join the next. A parameter a parent lacks (a
// conditional one) is taken from the other parent, or drawn at random.
#include <algorithm>
#include <map>

#include "components.hpp"
#include "nnlab/pareto.hpp"
#include "nnlab/search_strategy.hpp"
#include "sampling.hpp"

namespace nnlab::search {
namespace {

class Nsga2 final : public SearchStrategy {
 public:
  explicit Nsga2(const Params& params)
      : population_(params.integer("population")),
        crossover_prob_(params.number("crossover_prob")),
        swapping_prob_(params.number("swapping_prob")),
        mutation_prob_(params.has("mutation_prob") ? params.number("mutation_prob") : -1.0) {}

  void setup(const SearchSpace& space, const SearchSetup& setup) override {
    require_budget(setup, "nsga2");
    space_ = space;
    seed_ = setup.seed;
    directions_ = setup.directions;
    // One objective is NSGA-II with a single front per rank: allowed, as Optuna allows it.
    if (directions_.empty())
      directions_ = {setup.maximize ? Direction::maximize : Direction::minimize};
  }

  std::optional<Assignment> ask(std::int64_t trial) override {
    Rng rng(derive_seed(seed_, "nsga2/trial/" + std::to_string(trial)));
    const auto [parent_generation, parents] = parent_population();
    generation_[trial] = parent_generation + 1;
    Assignment a;
    if (parent_generation < 0) {
      for (const auto& p : space_.parameters) {
        if (is_active(p, a)) a[p.name] = sample(p, rng);
      }
      return a;
    }
    const Assignment child = crossover(parents, rng);
    const double mutation = mutation_prob_ >= 0
                                ? mutation_prob_
                                : 1.0 / std::max<double>(1.0, static_cast<double>(child.size()));
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::map<std::string, bool> keep;
    for (const auto& [name, value] : child) keep[name] = u(rng) >= mutation;
    for (const auto& p : space_.parameters) {
      if (!is_active(p, a)) continue;
      const auto it = child.find(p.name);
      a[p.name] = it != child.end() && keep[p.name] ? it->second : sample(p, rng);
    }
    return a;
  }

  void tell(const TrialResult& result) override {
    if (result.state != TrialState::complete) return;
    std::vector<double> values = result.objectives;
    if (directions_.size() == 1 && values.empty()) values = {result.objective};
    if (values.size() != directions_.size()) return;
    told_[result.trial] = {result.assignment, minimized(values, directions_)};
  }

  bool multi_objective() const override { return true; }

 private:
  struct Individual {
    Assignment assignment;
    std::vector<double> point;  ///< minimized objectives
  };

  /// The last generation with `population_` complete trials and its elite (trial numbers); -1 and
  /// none before generation 0 is complete.
  std::pair<std::int64_t, std::vector<std::int64_t>> parent_population() const {
    std::map<std::int64_t, std::vector<std::int64_t>> members;
    for (const auto& [trial, individual] : told_) {
      // A result of a trial this strategy never proposed has no generation: it is left out.
      if (const auto g = generation_.find(trial); g != generation_.end())
        members[g->second].push_back(trial);
    }
    std::int64_t generation = -1;
    std::vector<std::int64_t> elite;
    for (;;) {
      const auto it = members.find(generation + 1);
      if (it == members.end() || static_cast<std::int64_t>(it->second.size()) < population_) break;
      std::vector<std::int64_t> pool = it->second;
      pool.insert(pool.end(), elite.begin(), elite.end());
      elite = select_elite(pool);
      ++generation;
    }
    return {generation, elite};
  }

  /// Whole fronts while they fit, then the next front's least crowded (Deb et al.'s crowded
  /// comparison; ties keep the front's order).
  std::vector<std::int64_t> select_elite(const std::vector<std::int64_t>& pool) const {
    ObjectivePoints points;
    for (const std::int64_t k : pool) points.push_back(told_.at(k).point);
    std::vector<std::int64_t> elite;
    for (const auto& front : non_dominated_sort(points)) {
      const auto room = static_cast<std::size_t>(population_) - elite.size();
      if (front.size() < room) {
        for (const std::size_t i : front) elite.push_back(pool[i]);
        continue;
      }
      const std::vector<double> distance = crowding_distance(points, front);
      std::vector<std::size_t> order(front.size());
      for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
      std::stable_sort(order.begin(), order.end(),
                       [&](std::size_t a, std::size_t b) { return distance[a] > distance[b]; });
      for (std::size_t i = 0; i < room; ++i) elite.push_back(pool[front[order[i]]]);
      break;
    }
    return elite;
  }

  /// Binary tournament: of two drawn at random (with replacement), the first if it dominates the
  /// second, else the second.
  std::int64_t tournament(const std::vector<std::int64_t>& candidates, Rng& rng) const {
    std::uniform_int_distribution<std::size_t> pick(0, candidates.size() - 1);
    const std::int64_t first = candidates[pick(rng)];
    const std::int64_t second = candidates[pick(rng)];
    return dominates(told_.at(first).point, told_.at(second).point) ? first : second;
  }

  /// The child's inherited values, before mutation.
  Assignment crossover(const std::vector<std::int64_t>& parents, Rng& rng) const {
    std::uniform_real_distribution<double> u(0.0, 1.0);
    if (u(rng) >= crossover_prob_) {
      std::uniform_int_distribution<std::size_t> pick(0, parents.size() - 1);
      return told_.at(parents[pick(rng)]).assignment;
    }
    const std::int64_t first = tournament(parents, rng);
    std::vector<std::int64_t> others;
    for (const std::int64_t k : parents) {
      if (k != first) others.push_back(k);
    }
    const std::int64_t second = others.empty() ? first : tournament(others, rng);
    const Assignment& a = told_.at(first).assignment;
    const Assignment& b = told_.at(second).assignment;
    Assignment child;
    for (const auto& p : space_.parameters) {
      const bool from_second = u(rng) < swapping_prob_;
      const Assignment& chosen = from_second ? b : a;
      const Assignment& other = from_second ? a : b;
      if (auto it = chosen.find(p.name); it != chosen.end()) {
        child[p.name] = it->second;
      } else if (auto o = other.find(p.name); o != other.end()) {
        child[p.name] = o->second;
      }
    }
    return child;
  }

  std::int64_t population_;
  double crossover_prob_, swapping_prob_, mutation_prob_;
  SearchSpace space_;
  std::uint64_t seed_ = 0;
  std::vector<Direction> directions_;
  std::map<std::int64_t, std::int64_t> generation_;  ///< trial -> its generation, when asked
  std::map<std::int64_t, Individual> told_;          ///< complete trials
};

}  // namespace

void register_nsga2(Registrar& r) {
  r.strategies.add(
      "nsga2", &make<SearchStrategy, Nsga2>,
      Schema("NSGA-II (Deb et al. 2002), multi-objective; Optuna's NSGAIISampler defaults")
          .integer("population", 50, "trials per generation")
          .min(2)
          .number("crossover_prob", 0.9, "chance a child crosses two parents (else copies one)")
          .min(0)
          .max(1)
          .number("swapping_prob", 0.5,
                  "uniform crossover: chance each parameter comes from the second parent")
          .min(0)
          .max(1)
          .optional(ParamType::number, "mutation_prob",
                    "chance each inherited parameter is drawn afresh (default: 1 / their number)")
          .min(0)
          .max(1));
}

}  // namespace nnlab::search
