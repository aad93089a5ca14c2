#pragma once
/// Errors carry their context (file, line, key path, plugin) in a single line, so the CLI can print
/// what() once and exit non-zero. Library code throws; it never calls exit() or abort().
#include <stdexcept>
#include <string>

namespace nnlab {

/// Where a value came from: a YAML file and 1-based line/column, or a command-line override.
struct SourceLocation {
  std::string file;  ///< YAML file path, or "--set" for command-line overrides; empty if unknown
  int line = 0;      ///< 1-based line; 0 if unknown
  int column = 0;    ///< 1-based column; 0 if unknown

  /// "file:line:column", omitting what is unknown.
  std::string to_string() const;
};

/// Base of every error nnlab reports.
class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message);
  ~Error() override;
};

/// A bad experiment: names the file, line, key path, and what was expected.
class ConfigError : public Error {
 public:
  /// @param where    the offending value's location
  /// @param key_path dotted path into the experiment, e.g. "model.layers[3].units"
  /// @param message  what is wrong and what was expected
  ConfigError(const SourceLocation& where, const std::string& key_path, const std::string& message);
  ~ConfigError() override;
};

/// A plugin that cannot be loaded or registered: names the plugin file.
class PluginError : public Error {
 public:
  PluginError(const std::string& plugin_path, const std::string& message);
  ~PluginError() override;
};

}  // namespace nnlab
