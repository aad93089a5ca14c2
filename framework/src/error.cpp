#include "nnlab/error.hpp"

namespace nnlab {

std::string SourceLocation::to_string() const {
  if (file.empty()) return "";
  std::string out = file;
  if (line > 0) {
    out += ':';
    out += std::to_string(line);
  }
  if (line > 0 && column > 0) {
    out += ':';
    out += std::to_string(column);
  }
  return out;
}

namespace {
std::string located(const SourceLocation& where, const std::string& key_path,
                    const std::string& message) {
  std::string out = where.to_string();
  if (!out.empty()) out += ": ";
  if (!key_path.empty()) out += key_path + ": ";
  return out + message;
}
}  // namespace

Error::Error(const std::string& message) : std::runtime_error(message) {}
Error::~Error() = default;

ConfigError::ConfigError(const SourceLocation& where, const std::string& key_path,
                         const std::string& message)
    : Error(located(where, key_path, message)) {}
ConfigError::~ConfigError() = default;

PluginError::PluginError(const std::string& plugin_path, const std::string& message)
    : Error("plugin " + plugin_path + ": " + message) {}
PluginError::~PluginError() = default;

}  // namespace nnlab
