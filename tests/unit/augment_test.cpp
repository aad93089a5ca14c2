// `augment:` from YAML to the trainer: the three forms and their errors (file:line and key path),
// key-path overrides and searches into a policy, and training with a policy on Fashion-MNIST:
// repeatable, the same on any thread count, evaluation on unaugmented images.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>

#include "augmenter.hpp"
#include "data_cache.hpp"
#include "search_components.hpp"
#include "search_schema.hpp"
#include "test_support.hpp"
#include "trainer.hpp"
#include "trial_runner.hpp"

namespace nnlab {
namespace {

/// Whether `text` holds `part`, showing both when not.
::testing::AssertionResult holds(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "'" << text << "'\n does not hold '" << part << "'";
}

const char* const kPolicy =
    "augment:\n"                                                                        // line 12
    "  policy:\n"                                                                       // 13
    "    - [{op: rotate, p: 0.7, magnitude: 3}, {op: invert, p: 0.2, magnitude: 0}]\n"  // 14
    "    - [{op: equalize, p: 0.6, magnitude: 5}, {op: shear_x, p: 0.8, magnitude: 9}]\n";

/// A small Fashion-MNIST experiment (images 1 x 28 x 28 in [0, 1]) with `augment` appended.
std::string image_experiment(const std::string& augment = kPolicy) {
  return "name: aug\n"
         "seed: 5\n"
         "data: {kind: idx, dataset: fashion-mnist, train_limit: 400, test_limit: 200}\n"
         "model:\n"
         "  layers:\n"
         "    - {kind: dense, units: 32}\n"
         "    - {kind: relu}\n"
         "    - {kind: dense, units: 10}\n"
         "  loss: {kind: softmax_cross_entropy}\n"
         "optimizer: {kind: adam, lr: 0.003}\n"
         "train: {epochs: 4, batch_size: 50, sampling: shuffle, eval: [train, test]}\n" +
         augment;
}

bool have_fashion_mnist() { return std::filesystem::exists("/usr/share/datasets/fashion-mnist"); }
#define NEEDS_FASHION_MNIST() \
  if (!have_fashion_mnist()) GTEST_SKIP() << "dataset-fashion-mnist is not installed"

std::string parse_error(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  return test::error_of([&] { parse_experiment(yaml, "a.yaml", overrides); });
}

TEST(Augment, PolicyForm) {
  const auto spec = parse_experiment(image_experiment(), "a.yaml");
  ASSERT_TRUE(spec.augment);
  EXPECT_EQ(spec.augment->kind, AugmentKind::policy);
  ASSERT_EQ(spec.augment->policy.size(), 2u);
  const AugmentOpSpec& invert = spec.augment->policy[0][1];
  EXPECT_EQ(invert.op.kind, "invert");
  EXPECT_EQ(invert.probability, 0.2);
  EXPECT_EQ(invert.op.path, "augment.policy[0][1]");
  EXPECT_EQ(invert.op.where.line, 14);
  EXPECT_EQ(spec.augment->policy[1][1].magnitude, 9);
}

TEST(Augment, RandAugmentAndTrivialAugmentForms) {
  auto spec =
      parse_experiment(image_experiment("augment: {kind: randaugment, n: 3, m: 7.5}\n"), "a.yaml");
  EXPECT_EQ(spec.augment->kind, AugmentKind::randaugment);
  EXPECT_EQ(spec.augment->n, 3);
  EXPECT_EQ(spec.augment->m, 7.5);
  EXPECT_TRUE(spec.augment->ops.empty());
  spec = parse_experiment(
      image_experiment("augment: {kind: trivialaugment, ops: [rotate, {op: cutout, fill: 0}]}\n"),
      "a.yaml");
  EXPECT_EQ(spec.augment->kind, AugmentKind::trivialaugment);
  ASSERT_EQ(spec.augment->ops.size(), 2u);
  EXPECT_EQ(spec.augment->ops[1].kind, "cutout");
  EXPECT_TRUE(spec.augment->ops[1].params.has("fill"));
}

TEST(Augment, BadValuesNameTheirLineAndKey) {
  auto policy = [](const std::string& second) {
    return image_experiment("augment:\n  policy:\n    - [{op: rotate, p: 0.7, magnitude: 3}, " +
                            second + "]\n");
  };
  EXPECT_TRUE(holds(parse_error(policy("{op: invert, p: 1.5, magnitude: 0}")),
                    "a.yaml:14:60: augment.policy[0][1].p: expected a probability in [0, 1], "
                    "got 1.5"));
  EXPECT_TRUE(holds(parse_error(policy("{op: invert, p: -0.1, magnitude: 0}")),
                    "augment.policy[0][1].p: expected a probability in [0, 1]"));
  EXPECT_TRUE(holds(parse_error(policy("{op: invert, p: 0.5, magnitude: 10.5}")), "a.yaml:14:"));
  EXPECT_TRUE(holds(parse_error(policy("{op: invert, p: 0.5, magnitude: 10.5}")),
                    "augment.policy[0][1].magnitude: expected a magnitude in [0, 10], got 10.5"));
  EXPECT_TRUE(holds(parse_error(policy("{op: invert, p: 0.5}")),
                    "augment.policy[0][1].magnitude: missing required key"));
  EXPECT_TRUE(holds(parse_error(policy("{p: 0.5, magnitude: 1}")),
                    "a.yaml:14:44: augment.policy[0][1].op: missing required key 'op'"));
  EXPECT_TRUE(holds(parse_error(image_experiment("augment: {policy: []}\n")),
                    "a.yaml:12:19: augment.policy: expected a non-empty list of sub-policies"));
  EXPECT_TRUE(holds(parse_error(image_experiment("augment: {kind: randaugment, m: 11}\n")),
                    "a.yaml:12:33: augment.m: expected a magnitude in [0, 10], got 11"));
  EXPECT_TRUE(holds(parse_error(image_experiment("augment: {kind: randaugment, n: 0}\n")),
                    "augment.n: expected a positive number"));
  EXPECT_TRUE(holds(parse_error(image_experiment("augment: {kind: trivialaugment, m: 3}\n")),
                    "augment.m: only for kind: randaugment"));
  EXPECT_TRUE(holds(parse_error(image_experiment("augment: {kind: autoaugment}\n")),
                    "augment.kind: expected one of policy randaugment trivialaugment"));
  EXPECT_TRUE(holds(
      parse_error(image_experiment("augment: {kind: randaugment, ops: [{op: rotate, p: 1}]}\n")),
      "augment.ops[0].p: the augmentation kind chooses p and magnitude"));
}

TEST(Augment, UnknownOperationNamesItsLineWhenTheTrainerIsBuilt) {
  // The registry decides which operations exist (a user's plugin may add some); the model and
  // data need not be images for this error.
  const auto spec =
      parse_experiment(test::synthetic_experiment(
                           "tiny", "augment:\n  policy: [[{op: rotat, p: 1, magnitude: 2}]]\n"),
                       "a.yaml");
  const PreparedData data = prepare_data(spec.data, test::builtin_host(), spec.seed);
  EXPECT_TRUE(holds(test::error_of([&] { Trainer(spec, data, test::builtin_host()); }),
                    "a.yaml:13:18: augment.policy[0][0].op: unknown augmentation 'rotat'; did "
                    "you mean 'rotate'?"));
}

TEST(Augment, NeedsImagesInAPixelRange) {
  const auto spec = parse_experiment(
      test::synthetic_experiment("tiny", "augment: {kind: trivialaugment}\n"), "a.yaml");
  const PreparedData data = prepare_data(spec.data, test::builtin_host(), spec.seed);
  EXPECT_TRUE(holds(test::error_of([&] { Trainer(spec, data, test::builtin_host()); }),
                    "a.yaml:12:10: augment: augmentation needs images"));
  NEEDS_FASHION_MNIST();
  const auto standardized =
      parse_experiment(image_experiment(), "a.yaml", {"data.scale=standardize"});
  const PreparedData images = prepare_data(standardized.data, test::builtin_host(), 5);
  EXPECT_TRUE(holds(test::error_of([&] { Trainer(standardized, images, test::builtin_host()); }),
                    "data.scale must be minmax or none"));
}

TEST(Augment, EverySlotIsAKeyPath) {
  auto spec = parse_experiment(image_experiment(), "a.yaml",
                               {"augment.policy[0][1].op=solarize", "augment.policy[1][0].p=0.25"});
  EXPECT_EQ(spec.augment->policy[0][1].op.kind, "solarize");
  EXPECT_EQ(spec.augment->policy[1][0].probability, 0.25);
  EXPECT_TRUE(holds(parse_error(image_experiment(), {"augment.policy[0][0].magnitude=12"}),
                    "--set: augment.policy[0][0].magnitude: expected a magnitude in [0, 10]"));
  spec = parse_experiment(image_experiment("augment: {kind: randaugment}\n"), "a.yaml",
                          {"augment.m=4", "augment.n=1"});
  EXPECT_EQ(spec.augment->m, 4);
  EXPECT_EQ(spec.augment->n, 1);
}

std::string sweep(const std::string& space) {
  return image_experiment() +
         "search:\n  kind: random\n  trials: 2\n  objective: {metric: test_acc}\n  space:\n" +
         space;
}

TEST(Augment, SearchedOperationsAndLevelsAreCheckedBeforeAnyTrial) {
  const auto good = parse_experiment(
      sweep("    augment.policy[0][1].op: {values: [invert, solarize, rotate]}\n"
            "    augment.policy[0][0].magnitude: {distribution: int, min: 0, max: 10}\n"),
      "s.yaml");
  EXPECT_NO_THROW(checked_search_space(*good.search, test::builtin_host()));
  DataCache unused(test::builtin_host());
  EXPECT_NO_THROW(TrialRunner(good, unused, test::builtin_host()).check_core_settings());

  const auto unknown = parse_experiment(
      sweep("    augment.policy[0][1].op: {values: [invert, solarise]}\n"), "s.yaml");
  EXPECT_TRUE(
      holds(test::error_of([&] { checked_search_space(*unknown.search, test::builtin_host()); }),
            "search.space.augment.policy[0][1].op: 'solarise' is not a known augmentation; "
            "did you mean 'solarize'?"));
  const auto too_strong = parse_experiment(
      sweep("    augment.policy[1][1].magnitude: {distribution: int, min: 0, max: 11}\n"),
      "s.yaml");
  EXPECT_TRUE(holds(test::error_of([&] {
                      TrialRunner(too_strong, unused, test::builtin_host()).check_core_settings();
                    }),
                    "value '11' for augment.policy[1][1].magnitude: expected a magnitude"));
}

/// A policy search without an `augment:` block: the space entry gives the experiment its slots.
std::string policy_sweep(const std::string& entry, const std::string& augment = "") {
  return image_experiment(augment) +
         "search:\n  kind: autoaugment\n  trials: 4\n  objective: {metric: test_acc}\n"
         "  space:\n    optimizer.lr: {values: [0.001, 0.003]}\n    augment.policy: " +
         entry + "\n";
}

TEST(Augment, APolicySpaceExpandsIntoEverySlotInAutoAugmentsOrder) {
  const auto spec = parse_experiment(
      policy_sweep("{sub_policies: 3, operations: 2, ops: [rotate, invert, equalize]}"), "s.yaml");
  const auto& parameters = spec.search->space.parameters;
  ASSERT_EQ(parameters.size(), 1u + 3 * 2 * 3);
  EXPECT_EQ(parameters[0].name, "optimizer.lr");
  EXPECT_EQ(parameters[1].name, "augment.policy[0][0].op");
  EXPECT_EQ(parameters[2].name, "augment.policy[0][0].p");
  EXPECT_EQ(parameters[3].name, "augment.policy[0][0].magnitude");
  EXPECT_EQ(parameters[4].name, "augment.policy[0][1].op");
  EXPECT_EQ(parameters.back().name, "augment.policy[2][1].magnitude");
  EXPECT_EQ(parameters[1].choices, (std::vector<std::string>{"rotate", "invert", "equalize"}));
  // The paper's 11 probabilities and 10 magnitudes.
  EXPECT_EQ(parameters[2].choices.size(), 11u);
  EXPECT_EQ(parameters[2].choices.front(), "0");
  EXPECT_EQ(parameters[2].choices.back(), "1");
  EXPECT_EQ(parameters[3].choices,
            (std::vector<std::string>{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}));
  for (const auto& p : parameters) EXPECT_EQ(p.kind, SearchParameter::Kind::categorical);
  EXPECT_EQ(spec.search->top_policies, 5);
  // The experiment got a placeholder policy of that shape, which every trial overwrites.
  ASSERT_TRUE(spec.augment);
  ASSERT_EQ(spec.augment->policy.size(), 3u);
  for (const auto& sub : spec.augment->policy) {
    ASSERT_EQ(sub.size(), 2u);
    EXPECT_EQ(sub[0].op.kind, "identity");
    EXPECT_EQ(sub[0].probability, 0);
  }
  // The resolved experiment parses again as itself; a trial sets every slot.
  const auto again = parse_experiment(spec.resolved_yaml, "s.yaml");
  EXPECT_EQ(again.search->space.parameters.size(), parameters.size());
  DataCache unused(test::builtin_host());
  const TrialRunner runner(spec, unused, test::builtin_host());
  EXPECT_NO_THROW(checked_search_space(*spec.search, test::builtin_host()));
  EXPECT_NO_THROW(runner.check_core_settings());
  Assignment a;
  for (const auto& p : parameters) a[p.name] = p.choices[1];
  const auto trial = runner.trial_spec(a, 1);
  EXPECT_EQ(trial.augment->policy[2][1].op.kind, "invert");
  EXPECT_EQ(trial.augment->policy[2][1].probability, 0.1);
  EXPECT_EQ(trial.augment->policy[2][1].magnitude, 1);
  // Defaults: 5 x 2 slots over the paper's operations but sample pairing.
  const auto defaults = parse_experiment(policy_sweep("{top: 3}"), "s.yaml");
  EXPECT_EQ(defaults.search->space.parameters.size(), 1u + 5 * 2 * 3);
  EXPECT_EQ(defaults.search->space.parameters[1].choices.size(), 15u);
  EXPECT_EQ(defaults.search->top_policies, 3);
  EXPECT_NO_THROW(checked_search_space(*defaults.search, test::builtin_host()));
}

TEST(Augment, APolicySpaceRefusesBadInputWithItsLine) {
  // optimizer.lr is line 17 of policy_sweep's text, the policy entry line 18.
  EXPECT_TRUE(holds(parse_error(policy_sweep("{sub_policies: 0}")),
                    "a.yaml:18:36: search.space.augment.policy.sub_policies: expected a positive "
                    "count"));
  EXPECT_TRUE(holds(parse_error(policy_sweep("{operation: 2}")),
                    "search.space.augment.policy.operation: unknown key 'operation'; did you "
                    "mean 'operations'?"));
  EXPECT_TRUE(holds(parse_error(policy_sweep("{p: [0, 0.5, 1.5]}")),
                    "search.space.augment.policy.p: expected numbers in [0, 1], got '1.5'"));
  EXPECT_TRUE(holds(parse_error(policy_sweep("{magnitude: [5, 12]}")),
                    "search.space.augment.policy.magnitude: expected numbers in [0, 10]"));
  EXPECT_TRUE(holds(parse_error(policy_sweep("[rotate]")),
                    "search.space.augment.policy: expected {sub_policies: N, operations: M"));
  // A given augment: must have the searched shape (kPolicy has 2 x 2, the space 5 x 2).
  EXPECT_TRUE(holds(parse_error(policy_sweep("{}", kPolicy)),
                    "a.yaml:13:3: augment: search.space.augment.policy searches 5 sub-policies "
                    "of 2 operations"));
  EXPECT_NO_THROW(parse_experiment(policy_sweep("{sub_policies: 2}", kPolicy), "a.yaml"));
  // A slot searched by the entry and again by hand.
  EXPECT_TRUE(holds(parse_error(policy_sweep("{sub_policies: 2}\n"
                                             "    augment.policy[1][0].p: {values: [0.5]}")),
                    "'augment.policy[1][0].p' is searched twice"));
  // An unknown operation is named before any trial, at the ops list's line.
  const auto unknown = parse_experiment(policy_sweep("{ops: [rotate, rotat]}"), "s.yaml");
  EXPECT_TRUE(
      holds(test::error_of([&] { checked_search_space(*unknown.search, test::builtin_host()); }),
            "s.yaml:18:27: search.space.augment.policy[0][0].op: 'rotat' is not a known "
            "augmentation; did you mean 'rotate'?"));
}

TEST(Augment, E10sExperimentsShareOneSetupAndSearchWhatTheySay) {
  // experiments/learned_augmentation_*.yaml: the same data, model, optimizer and training; only
  // the augmentation (and its search) differ. The shipped learned policy too.
  auto load = [](const std::string& form) {
    return load_experiment(std::string(NNLAB_SOURCE_DIR) + "/experiments/learned_augmentation_" +
                           form + ".yaml");
  };
  const auto none = load("none");
  EXPECT_FALSE(none.augment);
  EXPECT_EQ(none.data.val_size, 1000);
  for (const char* form : {"trivialaugment", "randaugment", "autoaugment", "policy"}) {
    SCOPED_TRACE(form);
    const auto spec = load(form);
    for (const auto& d : experiment_differences(none.resolved_yaml, spec.resolved_yaml)) {
      EXPECT_TRUE(d.starts_with("name:") || d.starts_with("augment") || d.starts_with("search") ||
                  d.starts_with("execution.threads_per_trial"))
          << d;
    }
    ASSERT_TRUE(spec.augment);
  }
  const auto random_grid = load("randaugment");
  EXPECT_EQ(random_grid.search->space.parameters.size(), 2u);
  EXPECT_EQ(random_grid.search->metric.name(), "val_acc");
  const auto learned = load("autoaugment");
  EXPECT_EQ(learned.search->space.parameters.size(), 30u);
  EXPECT_EQ(learned.search->top_policies, 5);
  // Rewarded by val_loss: on 500 images val_acc is mostly seed noise (the README's E10 notes).
  EXPECT_EQ(learned.search->metric.name(), "val_loss");
  EXPECT_FALSE(learned.search->maximize);
  // Every trial on the same seeds, so rewards differ by the policies (the README's E10 notes).
  EXPECT_EQ(learned.search->seeds, TrialSeeds::common);
  EXPECT_EQ(random_grid.search->seeds, TrialSeeds::per_trial);
  EXPECT_EQ(load("policy").augment->policy.size(), 25u);
  EXPECT_NO_THROW(make_strategy(learned, test::builtin_host()));
  EXPECT_NO_THROW(make_strategy(random_grid, test::builtin_host()));
}

struct TrainedRun {
  std::vector<EvalPoint> points;
  EvalPoint initial;
};

TrainedRun train(const std::string& yaml, const std::vector<std::string>& overrides = {},
                 const PreparedData** data_out = nullptr) {
  const auto spec = parse_experiment(yaml, "a.yaml", overrides);
  static std::map<std::string, PreparedData> cache;  // one load per distinct data block
  const std::string key = spec.data.source.kind + std::to_string(static_cast<int>(spec.data.scale));
  if (!cache.count(key))
    cache.emplace(key, prepare_data(spec.data, test::builtin_host(), spec.seed));
  const PreparedData& data = cache.at(key);
  if (data_out) *data_out = &data;
  Trainer trainer(spec, data, test::builtin_host());
  Compute compute = Compute::make();
  TrainedRun run;
  run.initial = trainer.evaluate(compute);
  trainer.run(compute, [&](const EvalPoint& p) {
    run.points.push_back(p);
    return EvalAction::proceed;
  });
  return run;
}

std::vector<double> values(const std::vector<EvalPoint>& points) {
  std::vector<double> out;
  for (const auto& p : points)
    for (const auto& m : p.metrics) out.push_back(m.second);
  return out;
}

TEST(Augment, TrainingWithAPolicyRepeatsAndLearns) {
  NEEDS_FASHION_MNIST();
  const TrainedRun a = train(image_experiment()), b = train(image_experiment());
  EXPECT_EQ(values(a.points), values(b.points)) << "the same seed gives the same curves";
  const TrainedRun plain = train(image_experiment(""));
  EXPECT_NE(values(a.points), values(plain.points)) << "the policy changed what training saw";
  const TrainedRun other = train(image_experiment(), {"seed=6"});
  EXPECT_NE(values(a.points), values(other.points));
  // It learns: train accuracy of the last evaluation well above chance (0.1) and the first.
  const Metric train_acc{Split::train, Measure::accuracy};
  EXPECT_GT(a.points.back().value(train_acc), 0.6);
  EXPECT_GT(a.points.back().value(train_acc), a.points.front().value(train_acc) - 0.02);
}

TEST(Augment, EvaluationSeesUnaugmentedImages) {
  NEEDS_FASHION_MNIST();
  // Before any update the model is the same with or without a policy (same init seed): so must
  // every evaluation of it be. An invert at p = 1 would change each split's loss if evaluation
  // were augmented.
  const PreparedData* data = nullptr;
  const std::string invert = "augment: {policy: [[{op: invert, p: 1, magnitude: 0}]]}\n";
  const TrainedRun with = train(image_experiment(invert), {}, &data);
  const TrainedRun without = train(image_experiment(""));
  EXPECT_EQ(values({with.initial}), values({without.initial}));
  // And the training rows themselves are never touched: the policy works on the gathered batch.
  const auto spec = parse_experiment(image_experiment(""), "a.yaml");
  const PreparedData fresh = prepare_data(spec.data, test::builtin_host(), spec.seed);
  ASSERT_EQ(fresh.train.features.size(), data->train.features.size());
  EXPECT_EQ(std::memcmp(fresh.train.features.data(), data->train.features.data(),
                        static_cast<std::size_t>(fresh.train.features.size()) * sizeof(float)),
            0);
}

TEST(Augment, TheSameImagesOnAnyThreadCount) {
  NEEDS_FASHION_MNIST();
  for (const std::string& augment :
       {std::string(kPolicy), std::string("augment: {kind: randaugment, n: 2, m: 9}\n"),
        std::string("augment: {kind: trivialaugment}\n")}) {
    SCOPED_TRACE(augment);
    std::vector<std::vector<float>> batches;
    for (int threads : {1, 2, 3}) {
      const auto spec =
          parse_experiment(image_experiment(augment), "a.yaml",
                           {"execution.threads_per_trial=" + std::to_string(threads)});
      const PreparedData data = prepare_data(spec.data, test::builtin_host(), spec.seed);
      Augmenter augmenter(spec, data, test::builtin_host());
      std::vector<float> batch(data.train.features.data(),
                               data.train.features.data() + 64 * data.features());
      const std::vector<float> original = batch;
      augmenter.apply(batch.data(), 64, 17);
      EXPECT_NE(batch, original);
      std::vector<float> again = original;
      augmenter.apply(again.data(), 64, 17);
      EXPECT_EQ(again, batch) << "a pure function of (seed, update, row)";
      augmenter.apply(again.data(), 64, 18);
      batches.push_back(batch);
    }
    EXPECT_EQ(batches[0], batches[1]);
    EXPECT_EQ(batches[0], batches[2]);
  }
}

}  // namespace
}  // namespace nnlab
