#pragma once
/// `--set key.path=value` and `--set ~key.path` (delete) overrides, applied to the YAML tree before
/// it is validated. Paths use the same spelling as error messages and search spaces:
/// `optimizer.lr`, `regularizers[0].lambda`.
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include <yaml-cpp/mark.h>

namespace YAML {
class Node;
}

namespace nnlab {

/// One step of a key path: a mapping key or a list index.
using PathStep = std::variant<std::string, std::size_t>;

/// Splits "a.b[2].c" into steps. Throws ConfigError on a malformed path.
std::vector<PathStep> parse_key_path(const std::string& path);

/// Applies "path=value" (value parsed as YAML, so lists work) to `root`, creating a missing last
/// mapping key. Returns the path. Throws ConfigError naming the override if the path leads nowhere.
///
/// "~path" (Hydra's spelling) deletes the mapping key or list item at path instead; later list
/// items move up one. Deleting what is not there is an error naming the path. Returns "~path",
/// which names no key: nothing left in the tree came from this override, so errors about it keep
/// pointing into the file.
std::string apply_override(YAML::Node& root, const std::string& assignment);

/// A ',' on which yaml-cpp 0.7 never returns (it allocates without end), and why it is refused.
struct StrayComma {
  std::size_t offset;
  const char* what;  ///< e.g. "a line starting with ','; end the line before with it instead"
};

/// The first ',' of `text` that yaml-cpp 0.7 would hang on, if any: every YAML text nnlab parses
/// is checked for one first.
std::optional<StrayComma> stray_flow_entry(const std::string& text);

/// Where each document of `text` starts (its root node's mark), at most `limit` of them, without
/// YAML::LoadAll: its loop never ends in yaml-cpp 0.7 on some invalid texts (`! a` then `? b`),
/// where the parser "finds" an empty document again and again without reading anything. A
/// document whose root is where the previous one's was is that: a YAML::ParserException there.
/// Throws what the parser throws for invalid YAML.
std::vector<YAML::Mark> document_starts(const std::string& text, std::size_t limit);

}  // namespace nnlab
