#pragma once
/// Text helpers for messages and YAML values, shared by every layer of the SDK and the core. They
/// depend on nothing else in nnlab, so the low layers (params, schema) need not include the
/// registry or the search vocabulary to word an error.
#include <string>
#include <vector>

namespace nnlab {

/// Finds the key nearest to `key` by edit distance (empty if none is close).
std::string nearest_key(const std::string& key, const std::vector<std::string>& known);

/// The hint for an unknown `key`: "; did you mean 'x'?" with the nearest of `known`, or empty when
/// none is close. Appended to the message that names the unknown key.
std::string did_you_mean(const std::string& key, const std::vector<std::string>& known);

/// Formats a real value as YAML text that reads back to the same double.
std::string format_value(double value);

}  // namespace nnlab
