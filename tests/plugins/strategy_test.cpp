// The model-based strategies and the pruners, through the built-in search plugin: what they
// propose on the analytic objectives (tests/support/objectives.hpp), stratification, determinism,
// the constant liar, and the pruning rules.
#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <set>

#include "nnlab/pareto.hpp"
#include "objectives.hpp"
#include "search_components.hpp"
#include "test_support.hpp"

namespace nnlab {
namespace {

std::unique_ptr<SearchStrategy> strategy(const std::string& kind, const SearchSpace& space,
                                         std::uint64_t seed, std::int64_t trials,
                                         bool maximize = false) {
  const PluginHost& host = test::builtin_host();
  ComponentSpec spec;
  spec.kind = kind;
  spec.path = "search";
  auto s = host.create(host.registries().strategies, spec);
  s->setup(space, {seed, trials, maximize});
  return s;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : 0.5 * (v[v.size() / 2 - 1] + v[v.size() / 2]);
}

/// The median over `seeds` seeds of the best value after `budget` trials.
double median_best(const std::string& kind, const test::Problem& o, int seeds, int budget) {
  std::vector<double> bests;
  for (int seed = 1; seed <= seeds; ++seed) {
    auto s = strategy(kind, o.space, static_cast<std::uint64_t>(seed), budget);
    bests.push_back(test::best_so_far(*s, o, budget).back());
  }
  return median(bests);
}

TEST(Strategies, BayesAndTpeBeatRandomSearchOnBraninAndRosenbrock) {
  for (const char* kind : {"branin", "rosenbrock"}) {
    const test::Problem o = test::problem(test::builtin_host(), kind);
    SCOPED_TRACE(o.name);
    const double random = median_best("random", o, 5, 30);
    const double tpe = median_best("tpe", o, 5, 30);
    const double bayes = median_best("bayes", o, 5, 30);
    EXPECT_LT(tpe, random);
    EXPECT_LT(bayes, random);
    EXPECT_LT(bayes - o.minimum, o.name == "branin" ? 0.05 : 0.5);  // near the optimum
  }
  // Six dimensions: the GP finds most of Hartmann-6's depth (-3.32) in 30 trials.
  EXPECT_LT(median_best("bayes", test::problem(test::builtin_host(), "hartmann6"), 3, 30), -2.8);
}

TEST(Strategies, BayesPastItsRefitScheduleStaysDeterministicAndOnTarget) {
  // Past 50 trials bayes refits its hyperparameters only every few trials and extends its
  // Cholesky factor in between. With two trials at once (trial k asked once 0..k-2 are told, the
  // liar's row replaced by the result) the sweep must repeat exactly, and the proposals past the
  // schedule must still come from a sound posterior.
  const test::Problem o = test::problem(test::builtin_host(), "branin");
  auto sweep = [&] {
    auto s = strategy("bayes", o.space, 9, 90);
    std::vector<Assignment> proposals;
    std::vector<double> values;
    for (std::int64_t k = 0; k < 90; ++k) {
      if (k >= 2) {
        const auto done = static_cast<std::size_t>(k - 2);
        s->tell({k - 2, proposals[done], TrialState::complete, values[done]});
      }
      proposals.push_back(*s->ask(k));
      std::vector<double> x;
      for (const auto& p : o.space.parameters) x.push_back(std::stod(proposals.back().at(p.name)));
      values.push_back(o.f->value(x));
    }
    return values;
  };
  const std::vector<double> values = sweep();
  EXPECT_EQ(values, sweep());
  // Random points: median 35 on Branin's box, a tenth below 5.9; a posterior that has lost its
  // way would propose like that.
  std::vector<double> late(values.begin() + 51, values.end());
  std::sort(late.begin(), late.end());
  EXPECT_LT(late[late.size() / 2], 15.0);
  EXPECT_LT(late.front(), o.minimum + 0.1);
}

TEST(Strategies, SobolPutsOnePointInEverySliceOfEveryAxis) {
  SearchSpace space{{test::uniform("a", 0, 1), test::uniform("b", 0, 1), test::uniform("c", 0, 1)}};
  auto s = strategy("sobol", space, 7, 16);
  std::vector<std::set<int>> slices(3);
  for (int k = 0; k < 16; ++k) {
    const auto a = s->ask(k);
    ASSERT_TRUE(a);
    int d = 0;
    for (const char* name : {"a", "b", "c"})
      slices[static_cast<std::size_t>(d++)].insert(static_cast<int>(std::stod(a->at(name)) * 16));
  }
  for (const auto& axis : slices) EXPECT_EQ(axis.size(), 16u);  // 16 points, 16 distinct slices
  // Another seed shifts the points.
  auto other = strategy("sobol", space, 8, 16);
  EXPECT_NE(other->ask(0)->at("a"), strategy("sobol", space, 7, 16)->ask(0)->at("a"));
}

TEST(Strategies, TheSameSeedProposesTheSameTrials) {
  const test::Problem o = test::problem(test::builtin_host(), "branin");
  for (const char* kind : {"tpe", "bayes", "sobol", "cmaes"}) {
    auto a = strategy(kind, o.space, 3, 15);
    auto b = strategy(kind, o.space, 3, 15);
    EXPECT_EQ(test::best_so_far(*a, o, 15), test::best_so_far(*b, o, 15)) << kind;
  }
}

TEST(Strategies, TrialsInFlightDoNotPileUpOnOnePoint) {
  const test::Problem o = test::problem(test::builtin_host(), "branin");
  for (const char* kind : {"bayes", "tpe"}) {
    SCOPED_TRACE(kind);
    auto s = strategy(kind, o.space, 2, 40);
    test::best_so_far(*s, o, 20);
    // Four asked together, none told: the constant liar spreads them.
    std::vector<std::vector<double>> points;
    for (std::int64_t k = 20; k < 24; ++k) {
      const auto a = s->ask(k);
      points.push_back({(std::stod(a->at("x1")) + 5) / 15, std::stod(a->at("x2")) / 15});
    }
    double closest = HUGE_VAL;
    for (std::size_t i = 0; i < points.size(); ++i) {
      for (std::size_t j = i + 1; j < points.size(); ++j)
        closest =
            std::min(closest, std::hypot(points[i][0] - points[j][0], points[i][1] - points[j][1]));
    }
    EXPECT_GT(closest, 0.01);
  }
}

/// opt (categorical over `optimizers`), m in [0.5, 0.99] only when opt is momentum, and units in
/// {16, 32, 48, 64}.
SearchSpace optimizer_momentum_units(std::vector<std::string> optimizers) {
  SearchParameter kind;
  kind.name = "opt";
  kind.kind = SearchParameter::Kind::categorical;
  kind.choices = std::move(optimizers);
  SearchParameter momentum = test::uniform("m", 0.5, 0.99);
  momentum.when["opt"] = {"momentum"};
  SearchParameter units;
  units.name = "units";
  units.kind = SearchParameter::Kind::integer;
  units.low = 16;
  units.high = 64;
  units.step = 16;
  return SearchSpace{{kind, momentum, units}};
}

TEST(Strategies, ConditionalAndCategoricalParametersAreProposedHonestly) {
  const SearchSpace space = optimizer_momentum_units({"sgd", "momentum"});
  for (const char* name : {"tpe", "bayes"}) {
    auto s = strategy(name, space, 1, 30, true);
    for (std::int64_t k = 0; k < 30; ++k) {
      const auto a = s->ask(k);
      ASSERT_TRUE(a);
      EXPECT_EQ(a->count("m"), a->at("opt") == "momentum" ? 1u : 0u) << name;
      const int u = std::stoi(a->at("units"));
      EXPECT_TRUE(u == 16 || u == 32 || u == 48 || u == 64) << name << " " << u;
      // The objective rewards momentum with 48 units.
      const double y = (a->at("opt") == "momentum" ? 1.0 : 0.0) - std::abs(u - 48) / 100.0;
      s->tell({k, *a, TrialState::complete, y});
    }
  }
}

/// A sphere sum (x_i - c_i)^2 over [-2, 2]^3, c = (0.5, -1, 1.25).
double sphere(const Assignment& a) {
  const double c[] = {0.5, -1, 1.25};
  double f = 0;
  for (int i = 0; i < 3; ++i) f += std::pow(std::stod(a.at("x" + std::to_string(i + 1))) - c[i], 2);
  return f;
}

SearchSpace cube3() {
  return {{test::uniform("x1", -2, 2), test::uniform("x2", -2, 2), test::uniform("x3", -2, 2)}};
}

/// The largest distance from c among proposals [from, to).
double spread(const std::vector<Assignment>& proposals, std::size_t from, std::size_t to) {
  double widest = 0;
  for (std::size_t k = from; k < to; ++k)
    widest = std::max(widest, std::sqrt(sphere(proposals[k])));
  return widest;
}

TEST(CmaEs, ConvergesOnASphereAsItsStepSizeShrinks) {
  // Three dimensions: lambda = 4 + floor(3 ln 3) = 7; trial 0 is the random start-up trial.
  auto s = strategy("cmaes", cube3(), 4, 400);
  std::vector<Assignment> proposals;
  for (std::int64_t k = 0; k < 400; ++k) {
    proposals.push_back(*s->ask(k));
    s->tell({k, proposals.back(), TrialState::complete, sphere(proposals.back())});
  }
  // The first generation spreads about sigma0 = 1/6 of the range around the centre; the last
  // ones sit on the minimum.
  EXPECT_GT(spread(proposals, 1, 8), 0.5);
  EXPECT_LT(spread(proposals, 393, 400), 0.005);
}

TEST(CmaEs, FailedAndPrunedTrialsAreMissingNotRanked) {
  // Every third trial fails and every fifth is pruned, with objectives that would be the best
  // by far if they were ranked: a CMA-ES that used them would chase random points. Left out,
  // they only delay the generations.
  auto s = strategy("cmaes", cube3(), 5, 600);
  double best = HUGE_VAL;
  std::vector<Assignment> proposals;
  for (std::int64_t k = 0; k < 600; ++k) {
    proposals.push_back(*s->ask(k));
    const TrialState state = k % 3 == 2   ? TrialState::failed
                             : k % 5 == 4 ? TrialState::pruned
                                          : TrialState::complete;
    const double f = sphere(proposals.back());
    s->tell({k, proposals.back(), state, state == TrialState::complete ? f : -1e9});
    if (state == TrialState::complete) best = std::min(best, f);
  }
  EXPECT_LT(best, 1e-4);
  EXPECT_LT(spread(proposals, 590, 600), 0.02);
}

TEST(CmaEs, ParallelTrialsGiveTheSameSweepAtTheSameParallelism) {
  // The sweep's protocol with P trials at once: trial k is asked once 0..k-P are told, in order.
  auto sweep = [](std::int64_t parallel) {
    auto s = strategy("cmaes", cube3(), 6, 300, true);
    std::vector<Assignment> proposals;
    for (std::int64_t k = 0; k < 300; ++k) {
      if (k >= parallel) {
        const auto& done = proposals[static_cast<std::size_t>(k - parallel)];
        s->tell({k - parallel, done, TrialState::complete, -sphere(done)});
      }
      proposals.push_back(*s->ask(k));
    }
    return proposals;
  };
  const auto four = sweep(4);
  EXPECT_EQ(four, sweep(4));
  EXPECT_NE(four, sweep(1));
  // Maximizing -sphere: the search still closes in on the minimum of the sphere.
  EXPECT_LT(spread(four, 290, 300), 0.05);
}

TEST(CmaEs, SamplesCategoricalAndConditionalParametersIndependently) {
  SearchSpace space = optimizer_momentum_units({"sgd", "momentum", "adam"});
  SearchParameter lr = test::uniform("lr", 1e-5, 1e-1);
  lr.kind = SearchParameter::Kind::log_uniform;
  space.parameters.push_back(lr);
  auto s = strategy("cmaes", space, 2, 300);
  std::map<std::string, int> seen;
  std::vector<double> late_lr;
  for (std::int64_t k = 0; k < 300; ++k) {
    const auto a = s->ask(k);
    ASSERT_TRUE(a);
    ++seen[a->at("opt")];
    EXPECT_EQ(a->count("m"), a->at("opt") == "momentum" ? 1u : 0u);
    const int u = std::stoi(a->at("units"));
    EXPECT_TRUE(u == 16 || u == 32 || u == 48 || u == 64) << u;
    const double v = std::stod(a->at("lr"));
    EXPECT_TRUE(v >= 1e-5 && v <= 1e-1) << v;
    if (k >= 250) late_lr.push_back(v);
    // Rewards lr near 1e-3 (the log scale's middle third) and 48 units; ignores the optimizer.
    const double y = std::pow(std::log10(v) + 3, 2) + std::abs(u - 48) / 16.0;
    s->tell({k, *a, TrialState::complete, y});
  }
  // CMA-ES closes in on lr = 1e-3 in log space while the optimizer stays uniform at random.
  for (double v : late_lr) EXPECT_NEAR(std::log10(v), -3, 0.3);
  for (const auto& [name, count] : seen) EXPECT_GT(count, 70) << name;
}

TEST(CmaEs, RefusesBadSettingsWithTheirLine) {
  auto error = [](const std::string& settings) {
    return test::error_of([&] {
      const auto spec =
          parse_experiment(test::synthetic_experiment(
                               "c", "search:\n  kind: cmaes\n  trials: 10\n" + settings +
                                        "  objective: {metric: test_acc, mode: max}\n"
                                        "  space:\n    optimizer.lr: {min: 0.01, max: 0.1}\n"),
                           "c.yaml");
      const PluginHost& host = test::builtin_host();
      host.create(host.registries().strategies, spec.search->strategy);
    });
  };
  const std::string one = error("  population_size: 1\n");
  EXPECT_NE(one.find("c.yaml:15"), std::string::npos) << one;
  EXPECT_NE(one.find("population_size"), std::string::npos) << one;
  EXPECT_NE(one.find("at least 2"), std::string::npos) << one;
  const std::string sigma = error("  sigma0: 0\n");
  EXPECT_NE(sigma.find("c.yaml:15"), std::string::npos) << sigma;
  EXPECT_NE(sigma.find("sigma0"), std::string::npos) << sigma;
  const std::string restart = error("  restart: bipop\n");
  EXPECT_NE(restart.find("ipop"), std::string::npos) << restart;
  EXPECT_NE(error("  popsize: 8\n").find("population_size"), std::string::npos);  // nearest key
}

/// `slots` categorical parameters s0, s1, ... over {a, b, c, d}.
SearchSpace letter_slots(int slots) {
  SearchSpace space;
  for (int i = 0; i < slots; ++i) {
    SearchParameter p;
    p.name = "s" + std::to_string(i);
    p.kind = SearchParameter::Kind::categorical;
    p.choices = {"a", "b", "c", "d"};
    space.parameters.push_back(p);
  }
  return space;
}

/// The number of slots set to c: the toy objective AutoAugment's controller should learn.
double slots_at_c(const Assignment& a) {
  double n = 0;
  for (const auto& [name, value] : a) n += value == "c";
  return n;
}

/// autoaugment with `settings` on `space`.
std::unique_ptr<SearchStrategy> controller(const SearchSpace& space, std::uint64_t seed,
                                           std::int64_t trials, bool maximize,
                                           const std::map<std::string, std::string>& settings) {
  const PluginHost& host = test::builtin_host();
  ComponentSpec spec;
  spec.kind = "autoaugment";
  spec.path = "search";
  for (const auto& [key, text] : settings) {
    ParamValue value;
    value.text = text;
    spec.params.set(key, value);
  }
  auto s = host.create(host.registries().strategies, spec);
  s->setup(space, {seed, trials, maximize});
  return s;
}

/// A sweep of `trials` with `parallel` at once (trial k asked once 0..k−parallel are told, in
/// order): the proposals, and the objective `f` of each. Trials whose number `fails` says are
/// told as failed (odd ones as pruned) with a huge objective.
struct ToySweep {
  std::vector<Assignment> proposals;
  std::vector<double> values;
};
ToySweep toy_sweep(SearchStrategy& s, std::int64_t trials, std::int64_t parallel,
                   const std::function<double(const Assignment&)>& f,
                   const std::function<bool(std::int64_t)>& fails = {}) {
  ToySweep out;
  auto tell = [&](std::int64_t k) {
    const auto i = static_cast<std::size_t>(k);
    const bool failed = fails && fails(k);
    const TrialState state = !failed ? TrialState::complete
                             : k % 2 ? TrialState::pruned
                                     : TrialState::failed;
    s.tell({k, out.proposals[i], state, failed ? 1e9 : out.values[i]});
  };
  for (std::int64_t k = 0; k < trials; ++k) {
    if (k >= parallel) tell(k - parallel);
    out.proposals.push_back(*s.ask(k));
    out.values.push_back(f(out.proposals.back()));
  }
  return out;
}

/// The mean of values[from, to).
double mean_of(const std::vector<double>& values, std::size_t from, std::size_t to) {
  double sum = 0;
  for (std::size_t i = from; i < to; ++i) sum += values[i];
  return sum / static_cast<double>(to - from);
}

TEST(AutoAugment, TheControllersMeanRewardRisesOverBatches) {
  // Eight slots of four values, reward = slots at c: 2 on average at random, 8 at best. With a
  // learning rate for a toy (the paper's 0.00035 is for 15,000 policies) the controller's
  // batches climb; maximizing the count or minimizing 8 minus it is the same search.
  for (const bool maximize : {true, false}) {
    SCOPED_TRACE(maximize ? "maximize" : "minimize");
    auto s = controller(letter_slots(8), 4, 400, maximize, {{"lr", "0.01"}, {"batch_size", "10"}});
    const auto sweep = toy_sweep(*s, 400, 1, [&](const Assignment& a) {
      return maximize ? slots_at_c(a) : 8 - slots_at_c(a);
    });
    std::vector<double> reward;
    for (const auto& a : sweep.proposals) reward.push_back(slots_at_c(a));
    const double first = mean_of(reward, 0, 50), last = mean_of(reward, 350, 400);
    EXPECT_NEAR(first, 2.0, 0.6);  // the first batches are near random
    EXPECT_GT(last, first + 3.0) << first << " -> " << last;
    // Over blocks of five batches it climbs without falling back (up to noise), to the top.
    std::vector<double> blocks;
    for (std::size_t b = 0; b < 8; ++b) blocks.push_back(mean_of(reward, b * 50, b * 50 + 50));
    for (std::size_t b = 1; b < blocks.size(); ++b) EXPECT_GT(blocks[b], blocks[b - 1] - 0.3) << b;
    EXPECT_GT(blocks.back(), 7.5);
  }
}

TEST(AutoAugment, FailedAndPrunedTrialsAreLeftOutOfTheBatches) {
  // Every third trial fails or is pruned with an objective that would be the best by far if it
  // counted: a controller that learned from it would chase random draws.
  auto s = controller(letter_slots(8), 5, 400, true, {{"lr", "0.01"}});
  const auto sweep = toy_sweep(*s, 400, 1, slots_at_c, [](std::int64_t k) { return k % 3 == 2; });
  EXPECT_GT(mean_of(sweep.values, 350, 400), mean_of(sweep.values, 0, 50) + 2.5);
}

TEST(AutoAugment, TheSameSeedAndParallelismProposeTheSameTrials) {
  auto sweep = [](std::uint64_t seed, std::int64_t parallel) {
    auto s = controller(letter_slots(6), seed, 120, true, {{"lr", "0.01"}, {"batch_size", "8"}});
    return toy_sweep(*s, 120, parallel, slots_at_c).proposals;
  };
  const auto four = sweep(3, 4);
  EXPECT_EQ(four, sweep(3, 4));
  EXPECT_NE(four, sweep(4, 4));
  // Another parallelism: the same first batch, then updates seen at other trials.
  const auto one = sweep(3, 1);
  EXPECT_EQ(std::vector<Assignment>(one.begin(), one.begin() + 9),
            std::vector<Assignment>(four.begin(), four.begin() + 9));
  EXPECT_NE(one, four);
}

TEST(AutoAugment, RefusesRangesConditionsAndBadSettingsWithTheirLine) {
  const PluginHost& host = test::builtin_host();
  auto error = [&](const std::string& settings, const std::string& space) {
    return test::error_of([&] {
      const auto spec = parse_experiment(
          test::synthetic_experiment(
              "c", "search:\n  kind: autoaugment\n  trials: 10\n" + settings +
                       "  objective: {metric: test_acc, mode: max}\n  space:\n" + space),
          "c.yaml");
      make_strategy(spec, host);
    });
  };
  const std::string categorical = "    optimizer.lr: {values: [0.01, 0.1]}\n";
  EXPECT_NO_THROW(make_strategy(
      parse_experiment(test::synthetic_experiment(
                           "c",
                           "search:\n  kind: autoaugment\n  trials: 10\n"
                           "  objective: {metric: test_acc, mode: max}\n  space:\n" +
                               categorical + "    optimizer.kind: {values: [sgd, adam]}\n"),
                       "c.yaml"),
      host));
  // search.kind is line 13 of the experiment.
  const std::string range = error("", "    optimizer.lr: {min: 0.01, max: 0.1}\n");
  EXPECT_NE(range.find("c.yaml:13:9: search: search.kind: autoaugment"), std::string::npos)
      << range;
  EXPECT_NE(range.find("search.kind: autoaugment searches categorical parameters only"),
            std::string::npos)
      << range;
  EXPECT_NE(range.find("'optimizer.lr' is a range"), std::string::npos) << range;
  const std::string condition =
      error("",
            "    optimizer.kind: {values: [sgd, momentum]}\n"
            "    optimizer.momentum: {values: [0.5, 0.9], when: {optimizer.kind: momentum}}\n");
  EXPECT_NE(condition.find("search.kind: autoaugment makes every decision in every trial; "
                           "'optimizer.momentum' has a when: condition"),
            std::string::npos)
      << condition;
  const std::string clip = error("  clip: 1\n", categorical);
  EXPECT_NE(clip.find("c.yaml:15"), std::string::npos) << clip;
  EXPECT_NE(clip.find("search.clip"), std::string::npos) << clip;
  EXPECT_NE(error("  batch_size: 0\n", categorical).find("search.batch_size"), std::string::npos);
  EXPECT_NE(error("  entropy: 0.1\n", categorical).find("entropy_weight"), std::string::npos);
  // No budget: the controller never runs out of proposals.
  const std::string budget = test::error_of([&] {
    const auto spec = parse_experiment(
        test::synthetic_experiment("c",
                                   "search:\n  kind: autoaugment\n"
                                   "  objective: {metric: test_acc, mode: max}\n  space:\n" +
                                       categorical),
        "c.yaml");
    make_strategy(spec, host);
  });
  EXPECT_NE(budget.find("autoaugment needs a trial budget"), std::string::npos) << budget;
}

std::unique_ptr<Pruner> pruner(const std::string& yaml_params, bool maximize, std::int64_t epochs) {
  const PluginHost& host = test::builtin_host();
  const auto spec =
      parse_experiment(test::synthetic_experiment(
                           "p", "search:\n  kind: random\n  trials: 2\n  pruner: " + yaml_params +
                                    "\n  objective: {metric: test_acc, mode: max}\n"
                                    "  space:\n    optimizer.lr: {values: [0.1]}\n"),
                       "p.yaml");
  auto p = host.create(host.registries().pruners, *spec.search->pruner);
  p->setup({1, epochs, maximize});
  return p;
}

/// nsga2 (or another multi-objective strategy) set up to minimize `o`'s objectives.
std::unique_ptr<SearchStrategy> minimizing(const std::string& kind, const test::Problem& o,
                                           std::uint64_t seed, std::int64_t trials,
                                           std::int64_t population = 0) {
  const PluginHost& host = test::builtin_host();
  ComponentSpec spec;
  spec.kind = kind;
  spec.path = "search";
  if (population > 0) {
    ParamValue value;
    value.text = std::to_string(population);
    spec.params.set("population", value);
  }
  auto s = host.create(host.registries().strategies, spec);
  s->setup(o.space, test::minimizing(o, seed, trials));
  return s;
}

TEST(Nsga2, ImprovesTheHypervolumeOverRandomSearchOnZdt1AndZdt2) {
  // Reference (5, 5): at 300 evaluations no point of 30-variable ZDT1 reaches (1.1, 1.1).
  const std::vector<double> reference = {5, 5};
  for (const char* kind : {"zdt1", "zdt2"}) {
    const test::Problem o = test::problem(test::builtin_host(), kind);
    SCOPED_TRACE(o.name);
    std::vector<double> nsga2, random;
    for (std::uint64_t seed = 1; seed <= 3; ++seed) {
      auto a = minimizing("nsga2", o, seed, 300);
      nsga2.push_back(hypervolume(test::objective_points(*a, o, 300), reference));
      auto b = minimizing("random", o, seed, 300);
      random.push_back(hypervolume(test::objective_points(*b, o, 300), reference));
    }
    // Generation 0 is random search: the gain is what the five later generations bred.
    EXPECT_GT(median(nsga2), 1.1 * median(random));
  }
}

TEST(Nsga2, GenerationZeroIsRandomAndChildrenComeFromTheElite) {
  const test::Problem o = test::problem(test::builtin_host(), "zdt1");
  auto s = minimizing("nsga2", o, 5, 200, 10);
  const ObjectivePoints points = test::objective_points(*s, o, 20);
  ASSERT_EQ(points.size(), 20u);
  // Every coordinate of a child comes from some trial of generation 0, unless mutated (about
  // one in 30 per child): most children's coordinates are all inherited.
  auto again = minimizing("nsga2", o, 5, 200, 10);
  std::vector<Assignment> asked;
  for (std::int64_t k = 0; k < 20; ++k) {
    const auto a = again->ask(k);
    ASSERT_TRUE(a);
    asked.push_back(*a);
    std::vector<double> x, y(2);
    for (const auto& p : o.space.parameters) x.push_back(std::stod(a->at(p.name)));
    o.f->values(x, y);
    again->tell({k, *a, TrialState::complete, y[0], y});
  }
  std::set<std::string> parents;
  for (std::size_t k = 0; k < 10; ++k) {
    for (const auto& [name, value] : asked[k]) parents.insert(name + "=" + value);
  }
  std::size_t inherited = 0, total = 0;
  for (std::size_t k = 10; k < 20; ++k) {
    for (const auto& [name, value] : asked[k]) {
      inherited += parents.count(name + "=" + value);
      ++total;
    }
  }
  EXPECT_GT(static_cast<double>(inherited), 0.9 * static_cast<double>(total));
  EXPECT_LT(inherited, total);  // some mutation happened
}

TEST(Nsga2, TheSameSeedAndResultsGiveTheSameTrials) {
  const test::Problem o = test::problem(test::builtin_host(), "zdt2");
  auto a = minimizing("nsga2", o, 9, 120, 8);
  auto b = minimizing("nsga2", o, 9, 120, 8);
  auto c = minimizing("nsga2", o, 10, 120, 8);
  const ObjectivePoints pa = test::objective_points(*a, o, 120);
  EXPECT_EQ(pa, test::objective_points(*b, o, 120));
  EXPECT_NE(pa, test::objective_points(*c, o, 120));
}

TEST(Nsga2, FailedTrialsDoNotFillAGeneration) {
  const test::Problem o = test::problem(test::builtin_host(), "zdt1");
  auto s = minimizing("nsga2", o, 2, 100, 4);
  // Four trials asked, three failed: generation 0 needs four complete trials before breeding, so
  // the next asks are still random draws, not crossovers of the one complete trial.
  std::vector<Assignment> asked;
  for (std::int64_t k = 0; k < 4; ++k) {
    asked.push_back(*s->ask(k));
    s->tell({k, asked.back(), k == 0 ? TrialState::complete : TrialState::failed, 0.5, {0.5, 0.5}});
  }
  std::size_t same = 0;
  const auto next = *s->ask(4);
  for (const auto& [name, value] : next) same += asked[0].at(name) == value;
  EXPECT_LT(same, 3u);
}

TEST(Pruners, AshaKeepsTheTopThirdAtEachRung) {
  auto p = pruner("{kind: asha, min_epochs: 1, reduction_factor: 3}", true, 27);
  // Rung epochs 1, 3, 9, 27. Trials report a constant quality at every epoch.
  EXPECT_FALSE(p->should_prune(0, 0, 0.5));  // below the first rung: never
  EXPECT_FALSE(p->should_prune(0, 1, 0.5));  // the first at a rung goes on
  EXPECT_FALSE(p->should_prune(1, 1, 0.7));
  EXPECT_TRUE(p->should_prune(2, 1, 0.4));  // 3 values: the top 1 (0.7) goes on
  EXPECT_FALSE(p->should_prune(3, 1, 0.9));
  EXPECT_FALSE(p->should_prune(1, 3, 0.7));  // rung 3: first there
  EXPECT_TRUE(p->should_prune(0, 3, 0.5));   // 0.5 < 0.7
  EXPECT_FALSE(p->should_prune(3, 2, 0.9));  // between rungs: no decision
}

TEST(Pruners, MedianPrunesBelowTheMedianOfCompleteTrialsAtTheSameEpoch) {
  auto p = pruner("{kind: median, startup_trials: 3}", true, 10);
  for (int t = 0; t < 3; ++t) {
    const double quality = 0.1 * (t + 1);
    for (int e = 0; e < 5; ++e) EXPECT_FALSE(p->should_prune(t, e, quality + 0.01 * e));
    p->tell({t, {}, TrialState::complete, quality});
  }
  EXPECT_FALSE(p->should_prune(3, 2, 0.25));  // median at epoch 2 is 0.22
  EXPECT_TRUE(p->should_prune(4, 2, 0.15));
  // A minimized objective flips the comparison.
  auto q = pruner("{kind: median, startup_trials: 1}", false, 10);
  q->should_prune(0, 1, 0.5);
  q->tell({0, {}, TrialState::complete, 0.5});
  EXPECT_TRUE(q->should_prune(1, 1, 0.6));
  EXPECT_FALSE(q->should_prune(2, 1, 0.4));
}

TEST(Pruners, HyperbandSpreadsTrialsOverBracketsOfDifferentAggressiveness) {
  auto p = pruner("{kind: hyperband, min_epochs: 1, reduction_factor: 3}", true, 27);
  // 4 brackets (rungs from 1, 3, 9, 27 epochs). A bad trial after a good one at epoch 1 is pruned
  // only in the most aggressive bracket; so across many pairs some, not all, are pruned at 1.
  int pruned_at_1 = 0, pairs = 200;
  for (int i = 0; i < pairs; ++i) {
    p->should_prune(2 * i, 1, 1.0);
    pruned_at_1 += p->should_prune(2 * i + 1, 1, 0.0);
  }
  EXPECT_GT(pruned_at_1, 0);
  EXPECT_LT(pruned_at_1, pairs);
  EXPECT_NE(test::error_of([] {
              pruner("{kind: hyperband, max_epochs: 0, min_epochs: 30}", true, 27);
            }).find("max_epochs (27) is below min_epochs (30)"),
            std::string::npos);
}

}  // namespace
}  // namespace nnlab
