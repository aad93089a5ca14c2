#pragma once
/// Parameter schemas. Every component declares its parameters once, with their type, default,
/// range and a line of help. The core uses the schema to
///  - check a component's YAML before it is built (unknown keys, types, ranges, choices) and fill
///  in
///    the defaults, so a component reads every parameter with the required-form getters;
///  - check a sweep's search space before any trial runs (a searched range must fit the range);
///  - make a parameter conditional on a searched `kind` by itself (`optimizer.momentum` only when
///    the searched optimizer has a `momentum` parameter);
///  - document components: `nnlab plugins --describe KIND`.
///
///   nnlab::Schema("SGD, W -= lr g")
///       .number("lr", 0.01, "learning rate").greater_than(0)
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "nnlab/params.hpp"

namespace nnlab {

enum class ParamType {
  number,   ///< a real number
  integer,  ///< a whole number
  boolean,  ///< true/false
  string,   ///< any text
  choice,   ///< one of `choices`
  list,     ///< a YAML list of values
  text,  ///< a scalar with more than one form (e.g. `init: he` or `init: 0.01`); `forms` says which
};

/// One declared parameter.
struct ParamSpec {
  std::string name;
  ParamType type = ParamType::number;
  // Class members get `{}` so designated initializers may leave them out without a warning.
  std::optional<std::string> default_text{};  ///< the default as YAML text; none: required/optional
  bool required = false;                      ///< must be given (no default)
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool min_exclusive = false, max_exclusive = false;
  std::vector<std::string> choices{};  ///< for choice: the allowed values
  std::string forms{};                 ///< for text: its forms, for help ("he | xavier | a number")
  std::string help{};                  ///< one line

  /// "number", "integer", "choice" ... as shown to users.
  std::string type_name() const;
  /// "(0, inf)", "[0, 1)", or empty for an unbounded number.
  std::string range_text() const;
  /// Whether a real value satisfies the range (always true when unbounded).
  bool in_range(double value) const;
  /// Checks one value as written against the type, range and choices; an error message, or empty
  /// if it fits.
  std::string check(const ParamValue& value) const;
};

/// A component's summary and parameters, in the order they are documented.
class Schema {
 public:
  Schema() = default;
  /// @param summary one line: what the component computes
  explicit Schema(std::string summary) : summary_(std::move(summary)) {}

  /// Parameters with a default.
  Schema& number(std::string name, double default_value, std::string help);
  Schema& integer(std::string name, std::int64_t default_value, std::string help);
  Schema& boolean(std::string name, bool default_value, std::string help);
  Schema& string(std::string name, std::string default_value, std::string help);
  Schema& choice(std::string name, std::string default_value, std::vector<std::string> choices,
                 std::string help);
  /// A scalar with several forms (`init: he` or `init: 0.01`); the component parses it.
  Schema& text(std::string name, std::string default_value, std::string forms, std::string help);
  /// A parameter that must be given.
  Schema& required(ParamType type, std::string name, std::string help);
  /// A parameter that may be left out, with no single default (the help says what happens then).
  Schema& optional(ParamType type, std::string name, std::string help);
  /// For a `text` or `choice` parameter just added: its forms, for help.
  Schema& forms(std::string forms);
  /// Range of the number or integer parameter just added.
  Schema& min(double v);
  Schema& max(double v);
  Schema& greater_than(double v);
  Schema& less_than(double v);

  const std::string& summary() const { return summary_; }
  const std::vector<ParamSpec>& params() const { return params_; }
  /// The parameter called `name`, or nullptr.
  const ParamSpec* find(const std::string& name) const;

  /// Checks `params` against the schema and fills in defaults (marked `defaulted`). Throws
  /// ConfigError at the offending key: an unknown key (with the nearest known one), a value of the
  /// wrong type or out of range, a missing required key.
  /// @param component e.g. "optimizer 'sgd'", for messages
  void apply(Params& params, const std::string& component) const;

 private:
  ParamSpec& last(const char* modifier);
  Schema& add(ParamSpec spec);

  std::string summary_;
  std::vector<ParamSpec> params_;
};

}  // namespace nnlab
