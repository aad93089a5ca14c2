// Parameter schemas: how they check and fill Params, and that every built-in component's schema
// agrees with what its code reads.
#include "nnlab/schema.hpp"

#include <cmath>

#include "nnlab/text.hpp"
#include "test_support.hpp"

namespace nnlab {
namespace {

ParamValue scalar(const std::string& text, int line = 4) {
  ParamValue v;
  v.text = text;
  v.where = {"exp.yaml", line, 7};
  return v;
}

Schema sample() {
  return Schema("test component")
      .number("lr", 0.01, "learning rate")
      .greater_than(0)
      .integer("units", 8, "units")
      .min(1)
      .max(64)
      .choice("mode", "book", {"book", "inverted"}, "mode")
      .required(ParamType::number, "lambda", "strength")
      .min(0)
      .optional(ParamType::number, "eps", "no single default");
}

std::string apply_error(Params params) {
  return test::error_of([&] { sample().apply(params, "optimizer 'x'"); });
}

TEST(Schema, FillsDefaultsAndMarksThem) {
  Params p("optimizer", {"exp.yaml", 3, 1});
  p.set("lambda", scalar("0.5"));
  sample().apply(p, "optimizer 'x'");
  EXPECT_DOUBLE_EQ(p.number("lr"), 0.01);
  EXPECT_EQ(p.integer("units"), 8);
  EXPECT_EQ(p.string("mode"), "book");
  EXPECT_TRUE(p.values().at("lr").defaulted);
  EXPECT_FALSE(p.values().at("lambda").defaulted);
  EXPECT_FALSE(p.has("eps"));  // optional without a default stays absent
  // Defaults the component never reads are not "unknown keys".
  Params q("optimizer", {"exp.yaml", 3, 1});
  q.set("lambda", scalar("0.5"));
  sample().apply(q, "optimizer 'x'");
  (void)q.number("lambda");
  EXPECT_NO_THROW(q.reject_unread("optimizer 'x'"));
}

TEST(Schema, RejectsWithTheKeyAndLine) {
  Params p("optimizer", {"exp.yaml", 3, 1});
  p.set("lambda", scalar("1"));
  p.set("lr", scalar("-1", 9));
  EXPECT_EQ(apply_error(p), "exp.yaml:9:7: optimizer.lr: expected a value in (0, inf), got '-1'");
  p.set("lr", scalar("fast", 9));
  EXPECT_EQ(apply_error(p), "exp.yaml:9:7: optimizer.lr: expected a number, got 'fast'");
  p.set("lr", scalar(".inf", 9));
  EXPECT_NE(apply_error(p).find("expected a value in (0, inf)"), std::string::npos);
  p.set("lr", scalar("0.1"));
  p.set("units", scalar("65", 5));
  EXPECT_EQ(apply_error(p), "exp.yaml:5:7: optimizer.units: expected a value in [1, 64], got '65'");
  p.set("units", scalar("2.5", 5));
  EXPECT_NE(apply_error(p).find("expected an integer, got '2.5'"), std::string::npos);
  p.set("units", scalar("2"));
  p.set("mode", scalar("invertd", 6));
  EXPECT_NE(apply_error(p).find("optimizer.mode: expected one of book inverted, got 'invertd'; "
                                "did you mean 'inverted'?"),
            std::string::npos);
  p.set("mode", scalar("book"));
  p.set("lamda", scalar("1", 7));
  EXPECT_NE(apply_error(p).find("exp.yaml:7:7: optimizer.lamda: unknown key 'lamda' for optimizer "
                                "'x'; did you mean 'lambda'?"),
            std::string::npos);
}

TEST(Schema, RequiredKeyMissingSaysWhatItIs) {
  Params p("regularizers[0]", {"exp.yaml", 3, 1});
  EXPECT_EQ(apply_error(p),
            "exp.yaml:3:1: regularizers[0].lambda: missing required key 'lambda' for optimizer "
            "'x' (number: strength)");
}

TEST(Schema, RangeText) {
  const Schema s = sample();
  EXPECT_EQ(s.find("lr")->range_text(), "(0, inf)");
  EXPECT_EQ(s.find("units")->range_text(), "[1, 64]");
  EXPECT_EQ(s.find("mode")->range_text(), "book | inverted");
  EXPECT_EQ(s.find("eps")->range_text(), "");
  EXPECT_FALSE(s.find("lr")->in_range(0));
  EXPECT_TRUE(s.find("lr")->in_range(1e-9));
  EXPECT_FALSE(s.find("lr")->in_range(std::nan("")));
}

TEST(Schema, DeclaringAParameterTwiceIsAPluginBug) {
  EXPECT_THROW(Schema("x").number("a", 1, "").number("a", 2, ""), std::logic_error);
  EXPECT_THROW(Schema("x").choice("m", "c", {"a", "b"}, ""), std::logic_error);
  EXPECT_THROW(Schema("x").min(0), std::logic_error);
}

/// A value that satisfies `spec`, for required parameters.
std::string some_value(const ParamSpec& spec) {
  if (spec.default_text) return *spec.default_text;
  switch (spec.type) {
    case ParamType::integer:
      return std::isinf(spec.min) ? "4" : format_value(spec.min + 3);
    case ParamType::number:
      return std::isinf(spec.min) ? "0.5" : format_value(spec.min + 0.5);
    case ParamType::boolean:
      return "true";
    case ParamType::choice:
      return spec.choices.front();
    default:
      return "x";
  }
}

/// Builds every component of `registry` with every schema parameter that has a default or is
/// required written out explicitly: the component must read each one (else the schema documents a
/// key the code ignores), and each default must pass its own schema.
template <class T>
void check_registry(const Registry<T>& registry,
                    const std::map<std::string, std::map<std::string, std::string>>& extra) {
  for (const auto& [key, entry] : registry.entries()) {
    SCOPED_TRACE(std::string(slot_of<T>().kind_name) + " " + key);
    EXPECT_FALSE(entry.schema.summary().empty());
    ComponentSpec spec;
    spec.kind = key;
    spec.params = Params("c", {"exp.yaml", 1, 1});
    spec.path = "c";
    for (const auto& p : entry.schema.params()) {
      EXPECT_FALSE(p.help.empty()) << p.name;
      if (p.default_text) {
        EXPECT_EQ(p.check(scalar(*p.default_text)), "") << p.name;
      }
      if (p.default_text || p.required) spec.params.set(p.name, scalar(some_value(p)));
    }
    if (auto it = extra.find(key); it != extra.end()) {
      for (const auto& [k, v] : it->second) spec.params.set(k, scalar(v));
    }
    EXPECT_NO_THROW(test::builtin_host().create(registry, spec));
  }
}

TEST(Schema, EveryBuiltinComponentReadsWhatItsSchemaDeclares) {
  const Registries& r = test::builtin_host().registries();
  check_registry(r.layers, {});
  check_registry(r.losses, {});
  check_registry(r.regularizers, {});
  check_registry(r.optimizers, {{"adam", {{"eps", "1e-8"}}}});
  check_registry(r.datasets, {{"idx", {{"dataset", "fashion-mnist"}}}});
  check_registry(r.strategies, {});
  check_registry(r.pruners, {});
  check_registry(r.objectives, {});
  EXPECT_GE(r.layers.entries().size(), 8u);
}

}  // namespace
}  // namespace nnlab
