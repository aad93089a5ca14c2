#pragma once
/// Typed component parameters. The core's experiment loader turns each component's YAML mapping
/// into Params; plugins read typed values and never see YAML. Every read is recorded, so after a
/// component is built the core rejects the keys it never read (typos) with their file and line.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "nnlab/error.hpp"

namespace nnlab {

/// One parameter value as written: a scalar's text, or a list of values.
struct ParamValue {
  std::string text;               ///< a scalar's text as written (unquoted)
  std::vector<ParamValue> items;  ///< the elements, when is_list
  bool is_list = false;
  SourceLocation where;
  bool defaulted = false;  ///< filled in from the component's schema, not written by the user
};

/// The parameters of one component (`{kind: ..., key: value, ...}` minus the keys the core reads).
class Params {
 public:
  Params() = default;
  /// @param key_path the component's path in the experiment, e.g. "optimizer" or "model.layers[2]"
  /// @param where    the component's own location (used for "missing key" errors)
  Params(std::string key_path, SourceLocation where);

  /// Adds or replaces a value.
  void set(const std::string& key, ParamValue value);
  /// True if the key was given.
  bool has(std::string_view key) const;

  /// A real number; `fallback` when absent. Throws ConfigError on a non-number.
  double number(std::string_view key, double fallback) const;
  /// A required real number.
  double number(std::string_view key) const;
  /// An integer (no fraction); `fallback` when absent.
  std::int64_t integer(std::string_view key, std::int64_t fallback) const;
  /// A required integer.
  std::int64_t integer(std::string_view key) const;
  /// true/false (also yes/no, on/off); `fallback` when absent.
  bool boolean(std::string_view key, bool fallback) const;
  /// A required true/false.
  bool boolean(std::string_view key) const;
  /// A string; `fallback` when absent.
  std::string string(std::string_view key, std::string_view fallback) const;
  /// A required string.
  std::string string(std::string_view key) const;
  /// One of `allowed`; `fallback` when absent.
  std::string choice(std::string_view key, std::string_view fallback,
                     const std::vector<std::string>& allowed) const;
  /// The raw value, for parameters with more than one form (e.g. `init: he` or `init: 0.01`).
  const ParamValue* find(std::string_view key) const;

  /// Throws ConfigError naming the first key that no getter read: an unknown key for this
  /// component.
  /// @param component_kind the component, for the message (e.g. "dense layer")
  void reject_unread(const std::string& component_kind) const;

  /// Location and path of a key (the component's own if the key is absent), for errors.
  SourceLocation where(std::string_view key) const;
  std::string path(std::string_view key) const;
  const std::string& key_path() const { return key_path_; }
  /// Throws a ConfigError about `key`.
  [[noreturn]] void fail(std::string_view key, const std::string& message) const;

  const std::map<std::string, ParamValue, std::less<>>& values() const { return values_; }

 private:
  const ParamValue* read(std::string_view key) const;
  const ParamValue& require(std::string_view key, std::string_view expected) const;

  std::string key_path_;
  SourceLocation where_;
  std::map<std::string, ParamValue, std::less<>> values_;
  mutable std::set<std::string, std::less<>> read_;
};

/// Parses a real number the way YAML writes it (1e-3, 1.0e-6, .5, -2); nullopt if it is not one.
std::optional<double> parse_number(std::string_view text);

}  // namespace nnlab
