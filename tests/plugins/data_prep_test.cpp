// The core's preprocessing of any dataset: subsets, the seeded validation split, scaling.
#include <gtest/gtest.h>

#include <numeric>
#include <set>

#include "data.hpp"
#include "test_support.hpp"

namespace nnlab {
namespace {

DataSpec spec(const std::string& data_yaml) {
  const std::string yaml = "name: d\ndata: " + data_yaml +
                           "\nmodel: {layers: [{kind: dense, units: 3}], loss: {kind: "
                           "mse}}\noptimizer: {kind: sgd}\ntrain: {epochs: 1}\n";
  return parse_experiment(yaml, "d.yaml").data;
}

TEST(PrepareData, SyntheticDataIsSeeded) {
  const auto s = spec("{kind: synthetic, train: 50, test: 10, features: 4}");
  const auto a = prepare_data(s, test::builtin_host(), 1),
             b = prepare_data(s, test::builtin_host(), 1),
             c = prepare_data(s, test::builtin_host(), 2);
  EXPECT_TRUE(std::equal(a.train.features.data(), a.train.features.data() + a.train.features.size(),
                         b.train.features.data()));
  EXPECT_FALSE(std::equal(a.train.features.data(),
                          a.train.features.data() + a.train.features.size(),
                          c.train.features.data()));
}

TEST(PrepareData, MinMaxScalesTrainingDataToTheUnitInterval) {
  const auto data = prepare_data(spec("{kind: synthetic, train: 200, test: 50, scale: minmax}"),
                                 test::builtin_host(), 4);
  const auto [lo, hi] = std::minmax_element(
      data.train.features.data(), data.train.features.data() + data.train.features.size());
  EXPECT_FLOAT_EQ(*lo, 0.0f);
  EXPECT_FLOAT_EQ(*hi, 1.0f);
}

TEST(PrepareData, StandardizeGivesZeroMeanUnitStdPerFeature) {
  const auto data =
      prepare_data(spec("{kind: synthetic, train: 300, test: 50, features: 5, scale: standardize}"),
                   test::builtin_host(), 4);
  const FrozenMatrix& x = data.train.features;
  for (std::int64_t c = 0; c < x.cols(); ++c) {
    double sum = 0, sq = 0;
    for (std::int64_t r = 0; r < x.rows(); ++r) sum += x.at(r, c);
    const double mean = sum / static_cast<double>(x.rows());
    for (std::int64_t r = 0; r < x.rows(); ++r) sq += (x.at(r, c) - mean) * (x.at(r, c) - mean);
    EXPECT_NEAR(mean, 0.0, 1e-5);
    EXPECT_NEAR(std::sqrt(sq / static_cast<double>(x.rows())), 1.0, 1e-4);
  }
}

TEST(PrepareData, ValidationSplitTakesShuffledRowsOfTheFirstN) {
  const auto unsplit =
      prepare_data(spec("{kind: synthetic, train: 500, scale: none}"), test::builtin_host(), 9);
  const auto data = prepare_data(
      spec("{kind: synthetic, train: 500, train_limit: 50, val_size: 10, scale: none}"),
      test::builtin_host(), 9);
  ASSERT_EQ(data.val.features.rows(), 10);
  ASSERT_EQ(data.train.features.rows(), 40);
  // Every row of val and train is one of the first 50 rows, each used exactly once.
  std::set<std::int64_t> used;
  auto find_row = [&](const float* row) {
    for (std::int64_t r = 0; r < 50; ++r) {
      if (std::equal(row, row + unsplit.train.features.cols(),
                     unsplit.train.features.data() + r * unsplit.train.features.cols()))
        return r;
    }
    return std::int64_t{-1};
  };
  for (const DataSplit* set : {&data.val, &data.train}) {
    for (std::int64_t r = 0; r < set->features.rows(); ++r) {
      const auto original = find_row(set->features.data() + r * set->features.cols());
      ASSERT_GE(original, 0);
      EXPECT_TRUE(used.insert(original).second);
    }
  }
  // Shuffled: validation is not simply the first 10 rows.
  std::set<std::int64_t> val_rows(used.begin(), used.end());
  EXPECT_NE(find_row(data.val.features.data()), 0);
}

TEST(PrepareData, AValidationSplitAsLargeAsTheDataIsAnError) {
  const auto message = test::error_of([] {
    prepare_data(spec("{kind: synthetic, train: 30, val_size: 30}"), test::builtin_host(), 1);
  });
  EXPECT_NE(message.find(
                "data.val_size: the validation split (30 rows) must leave training rows out of 30"),
            std::string::npos)
      << message;
}

}  // namespace
}  // namespace nnlab
