#include "yaml_overrides.hpp"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <optional>
#include <sstream>
#include <string_view>

#include "nnlab/error.hpp"

namespace nnlab {
namespace {

[[noreturn]] void bad(const std::string& path, const std::string& message) {
  throw ConfigError({"--set", 0, 0}, path, message);
}

// `~path` deletes the key or list item at path (Hydra's spelling). It walks through const views,
// whose lookups insert nothing, and a path that names nothing is an error, as in Hydra: a typo
// must not pass as a deletion that did nothing.
std::string delete_key(YAML::Node& root, const std::string& path) {
  const std::string shown = "~" + path;
  if (path.find('=') != std::string::npos) bad(shown, "a deletion takes no value: ~key.path");
  const auto steps = parse_key_path(path);
  YAML::Node node;
  node.reset(root);
  for (std::size_t s = 0; s < steps.size(); ++s) {
    const bool last = s + 1 == steps.size();
    const YAML::Node& view = node;
    YAML::Node child;
    if (const auto* key = std::get_if<std::string>(&steps[s])) {
      if (!node.IsMap()) bad(shown, "'" + *key + "' is not inside a mapping");
      const YAML::Node found = view[*key];
      if (!found) bad(shown, "nothing to delete: no key '" + *key + "'");
      if (last) {
        node.remove(*key);
        break;
      }
      child.reset(found);
    } else {
      const std::size_t index = std::get<std::size_t>(steps[s]);
      if (!node.IsSequence()) bad(shown, "[" + std::to_string(index) + "] is not inside a list");
      if (index >= node.size())
        bad(shown, "nothing to delete: index " + std::to_string(index) + " is past the list's " +
                       std::to_string(node.size()) + " items");
      if (last) {
        node.remove(index);
        break;
      }
      child.reset(view[index]);
    }
    node.reset(child);
  }
  return shown;
}

}  // namespace

std::vector<PathStep> parse_key_path(const std::string& path) {
  std::vector<PathStep> steps;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '[') {
      const std::size_t close = path.find(']', i);
      if (close == std::string::npos || close == i + 1)
        bad(path, "expected [index] in the key path");
      const std::string digits = path.substr(i + 1, close - i - 1);
      if (digits.find_first_not_of("0123456789") != std::string::npos)
        bad(path, "expected a list index, got '" + digits + "'");
      // Past 9 digits no list is that long, and std::stoul would throw a bare "stoul".
      if (digits.size() > 9) bad(path, "list index " + digits + " is out of range");
      steps.emplace_back(static_cast<std::size_t>(std::stoul(digits)));
      i = close + 1;
      if (i < path.size() && path[i] == '.') ++i;
      continue;
    }
    const std::size_t end = path.find_first_of(".[", i);
    const std::string key = path.substr(i, end == std::string::npos ? std::string::npos : end - i);
    if (key.empty()) bad(path, "empty key in the key path");
    steps.emplace_back(key);
    i = end == std::string::npos ? path.size() : (path[end] == '.' ? end + 1 : end);
  }
  if (steps.empty()) bad(path, "empty key path");
  return steps;
}

std::string apply_override(YAML::Node& root, const std::string& assignment) {
  if (assignment.starts_with('~')) return delete_key(root, assignment.substr(1));
  const std::size_t eq = assignment.find('=');
  if (eq == std::string::npos) bad(assignment, "expected key.path=value");
  std::string path = assignment.substr(0, eq);
  YAML::Node value;
  if (const auto stray = stray_flow_entry(assignment.substr(eq + 1)))
    bad(path, std::string("the value is not valid YAML: ") + stray->what);
  try {
    value = YAML::Load(assignment.substr(eq + 1));
  } catch (const YAML::DeepRecursion& e) {
    bad(path, "the value is not valid YAML: nested too deeply (the parser stops at " +
                  std::to_string(e.depth()) + " levels)");
  } catch (const YAML::Exception& e) {
    bad(path, "the value is not valid YAML: " + e.msg);
  }
  const auto steps = parse_key_path(path);
  YAML::Node node;
  node.reset(root);
  for (std::size_t s = 0; s < steps.size(); ++s) {
    const bool last = s + 1 == steps.size();
    if (const auto* key = std::get_if<std::string>(&steps[s])) {
      if (!node.IsMap()) bad(path, "'" + *key + "' is not inside a mapping");
      if (last) {
        node[*key] = value;
        return path;
      }
      YAML::Node child = node[*key];
      // A missing section is created (`--set execution.threads_per_trial=2` on a file without
      // `execution:`); the loader still rejects keys that mean nothing.
      if (!child) node[*key] = YAML::Node(YAML::NodeType::Map);
      child.reset(node[*key]);
      node.reset(child);
    } else {
      const std::size_t index = std::get<std::size_t>(steps[s]);
      if (!node.IsSequence()) bad(path, "[" + std::to_string(index) + "] is not inside a list");
      if (index >= node.size())
        bad(path, "index " + std::to_string(index) + " is past the list's " +
                      std::to_string(node.size()) + " items");
      if (last) {
        node[index] = value;
        return path;
      }
      YAML::Node child = node[index];
      node.reset(child);
    }
  }
  return path;
}

namespace {

/// The ',' right after the node properties (tags `!x`, anchors `&x`) that open the line from
/// `first` to `end`, if any: `&a, b` or `!0,1` opening a document made yaml-cpp 0.7 allocate
/// without end like a leading ',' (a fifth fuzz finding), and so did `!0Au,d1#amF,` opening a
/// line after a complex key (a sixth). Refused at the start of any line: what follows such
/// properties is never a valid plain scalar there.
std::optional<std::size_t> comma_after_opening_properties(const std::string& text, std::size_t pos,
                                                          std::size_t end) {
  if (text[pos] != '!' && text[pos] != '&') return std::nullopt;
  while (pos < end && (text[pos] == '!' || text[pos] == '&')) {
    while (pos < end && text[pos] != ' ' && text[pos] != '\t' && text[pos] != ',') ++pos;
    while (pos < end && (text[pos] == ' ' || text[pos] == '\t')) ++pos;
  }
  if (pos < end && text[pos] == ',') return pos;
  return std::nullopt;
}

}  // namespace

std::optional<StrayComma> stray_flow_entry(const std::string& text) {
  // yaml-cpp 0.7 allocates without end on some lines that start with ',' (found by
  // fuzz_experiment: 24 GB on a 714-byte file before the OOM killer; a ',' opening a document,
  // following a top-level list or flow collection, or after an unclosed bracket). Every line
  // that starts with ',' is refused before yaml-cpp sees the text, except inside block scalars
  // (`|`, `>`, skipped by their indentation); brackets are counted to find those.
  int depth = 0;
  std::size_t block_indent = std::string::npos;  // inside a block scalar: its key's indentation
  for (std::size_t line = 0; line < text.size();) {
    const std::size_t end = std::min(text.find('\n', line), text.size());
    const std::size_t first = text.find_first_not_of(" \t\r", line);
    if (first >= end) {
      line = end + 1;
      continue;
    }
    const std::size_t indent = first - line;
    if (block_indent != std::string::npos) {
      if (indent > block_indent) {
        line = end + 1;
        continue;
      }
      block_indent = std::string::npos;
    }
    // Inside an open bracket too: an unclosed '{' in a plain scalar fooled a count-based rule
    // (a fourth fuzz finding), and a line-leading ',' inside a real flow collection is only a
    // style, which the error names.
    if (text[first] == ',')
      return StrayComma{first, "a line starting with ','; end the line before with it instead"};
    if (const auto comma = comma_after_opening_properties(text, first, end))
      return StrayComma{*comma, "a ',' right after the tag or anchor that opens a line"};
    char quote = 0;
    char last = 0;
    for (std::size_t i = first; i < end; ++i) {
      const char c = text[i];
      if (quote) {
        if (c == quote) quote = 0;
        continue;
      }
      if (c == '#' && (i == first || text[i - 1] == ' ' || text[i - 1] == '\t')) break;
      if (c == '"' || c == '\'') {
        quote = c;
      } else if (c == '[' || c == '{') {
        ++depth;
      } else if ((c == ']' || c == '}') && depth > 0) {
        --depth;
      }
      if (c != ' ' && c != '\t' && c != '\r') last = c;
    }
    if (depth == 0 && (last == '|' || last == '>')) block_indent = indent;
    line = end + 1;
  }
  return std::nullopt;
}

namespace {

/// Notes each document's root mark and ignores the rest.
class DocumentStarts final : public YAML::EventHandler {
 public:
  std::optional<YAML::Mark> root;
  void OnDocumentStart(const YAML::Mark&) override { root.reset(); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { note(mark); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { note(mark); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                const std::string&) override {
    note(mark);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {
    note(mark);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {
    note(mark);
  }
  void OnMapEnd() override {}

 private:
  void note(const YAML::Mark& mark) {
    if (!root) root = mark;
  }
};

}  // namespace

std::vector<YAML::Mark> document_starts(const std::string& text, std::size_t limit) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  std::vector<YAML::Mark> starts;
  DocumentStarts handler;
  while (starts.size() < limit && parser.HandleNextDocument(handler)) {
    const YAML::Mark mark = handler.root.value_or(YAML::Mark::null_mark());
    if (!starts.empty() && mark.pos == starts.back().pos)
      throw YAML::ParserException(mark, "cannot read on from here (an unfinished key or tag)");
    starts.push_back(mark);
  }
  return starts;
}

}  // namespace nnlab
