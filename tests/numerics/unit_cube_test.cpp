// The unit-cube coordinates the model-based strategies work in: coordinate_at, the fast path bayes
// scores candidates with, is position_of(value_at(...)) bit for bit for every kind of parameter.
#include <gtest/gtest.h>

#include <random>

#include "sampling.hpp"

namespace nnlab::search {
namespace {

SearchParameter parameter(SearchParameter::Kind kind, double low, double high, double step) {
  SearchParameter p;
  p.name = "p";
  p.kind = kind;
  p.low = low;
  p.high = high;
  p.step = step;
  return p;
}

TEST(UnitCube, CoordinateAtIsTheTextRoundTripBitForBit) {
  using Kind = SearchParameter::Kind;
  SearchParameter choice = parameter(Kind::categorical, 0, 0, 0);
  choice.choices = {"sgd", "adam", "sgd", "momentum"};  // a repeated value: its first cell counts
  const std::vector<SearchParameter> parameters = {parameter(Kind::uniform, -5, 10, 0),
                                                   parameter(Kind::uniform, 0.5, 0.99, 0.01),
                                                   parameter(Kind::log_uniform, 1e-6, 1e-2, 0),
                                                   parameter(Kind::log_uniform, 1, 1000, 5),
                                                   parameter(Kind::integer, 16, 64, 16),
                                                   parameter(Kind::integer, -3, 7, 1),
                                                   choice};
  Rng rng(1);
  std::uniform_real_distribution<double> unit(-0.05, 1.05);  // outside [0, 1] too: clamped
  for (const auto& p : parameters) {
    for (int i = 0; i < 2000; ++i) {
      const double u = i < 3 ? i * 0.5 : unit(rng);
      const double text = position_of(p, value_at(p, u));
      // EXPECT_EQ on doubles: bit for bit, not within a tolerance.
      EXPECT_EQ(coordinate_at(p, u), text) << static_cast<int>(p.kind) << " at " << u;
    }
  }
  EXPECT_EQ(choice_at(choice, 0.6), 0u);  // cell 2 holds "sgd", first seen in cell 0
  EXPECT_EQ(choice_at(choice, 0.3), 1u);
}

}  // namespace
}  // namespace nnlab::search
