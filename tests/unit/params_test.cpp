#include "nnlab/params.hpp"

#include <gtest/gtest.h>

#include "test_support.hpp"

namespace nnlab {
namespace {

ParamValue scalar(const std::string& text, int line) {
  return ParamValue{text, {}, false, {"exp.yaml", line, 5}};
}

Params sample() {
  Params p("optimizer", {"exp.yaml", 3, 1});
  p.set("lr", scalar("1e-3", 4));
  p.set("steps", scalar("12", 5));
  p.set("name", scalar("abc", 6));
  p.set("flag", scalar("true", 7));
  return p;
}

TEST(Params, ReadsTypedValuesAndDefaults) {
  const Params p = sample();
  EXPECT_DOUBLE_EQ(p.number("lr"), 1e-3);
  EXPECT_EQ(p.integer("steps"), 12);
  EXPECT_EQ(p.string("name"), "abc");
  EXPECT_TRUE(p.boolean("flag", false));
  EXPECT_DOUBLE_EQ(p.number("missing", 0.5), 0.5);
}

TEST(Params, WrongTypeNamesFileLineAndKeyPath) {
  const Params p = sample();
  EXPECT_EQ(test::error_of([&] { p.integer("name"); }),
            "exp.yaml:6:5: optimizer.name: expected an integer, got 'abc'");
  EXPECT_EQ(test::error_of([&] { p.integer("lr"); }),
            "exp.yaml:4:5: optimizer.lr: expected an integer, got '1e-3'");
  EXPECT_EQ(test::error_of([&] { p.boolean("steps", false); }),
            "exp.yaml:5:5: optimizer.steps: expected true or false, got '12'");
}

TEST(Params, MissingRequiredKeyPointsAtTheComponent) {
  const Params p = sample();
  const std::string message = test::error_of([&] { p.number("momentum"); });
  EXPECT_EQ(message.rfind("exp.yaml:3:1: optimizer.momentum: missing required key 'momentum'", 0),
            0u)
      << message;
}

TEST(Params, UnreadKeyIsRejectedWithNearestMatch) {
  Params p("optimizer", {"exp.yaml", 3, 1});
  p.set("lr", scalar("0.1", 4));
  p.set("momentun", scalar("0.9", 5));
  p.number("lr");
  p.number("momentum", 0.9);
  const std::string message = test::error_of([&] { p.reject_unread("optimizer 'momentum'"); });
  EXPECT_NE(message.find("exp.yaml:5:5: optimizer.momentun: unknown key 'momentun'"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("did you mean 'momentum'"), std::string::npos) << message;
}

TEST(Params, AllReadKeysPassTheUnknownKeyCheck) {
  const Params p = sample();
  p.number("lr");
  p.integer("steps");
  p.string("name");
  p.boolean("flag", false);
  EXPECT_NO_THROW(p.reject_unread("x"));
}

TEST(Params, ChoiceRejectsValuesOutsideTheList) {
  Params p("layer", {"f.yaml", 1, 1});
  p.set("mode", scalar("inverse", 2));
  const std::string message = test::error_of([&] {
    p.choice("mode", "book", {"book", "inverted"});
  });
  EXPECT_NE(message.find("expected one of book inverted, got 'inverse'; did you mean 'inverted'?"),
            std::string::npos)
      << message;
}

TEST(ParseNumber, AcceptsYamlNumbersOnly) {
  EXPECT_DOUBLE_EQ(*parse_number("1.0e-6"), 1e-6);
  EXPECT_DOUBLE_EQ(*parse_number("-2"), -2.0);
  EXPECT_FALSE(parse_number("0x10").has_value());
  EXPECT_FALSE(parse_number("1e-3x").has_value());
  EXPECT_FALSE(parse_number("").has_value());
  EXPECT_FALSE(parse_number("nan").has_value());
}

}  // namespace
}  // namespace nnlab
