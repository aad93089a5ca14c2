#include "describe.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <sstream>
#include <utility>

#include "component_slots.hpp"
#include "nnlab/text.hpp"

namespace nnlab {

namespace {

/// Where a component of `slot` goes in an experiment, for the example lines.
std::string example(const SlotInfo& slot, const std::string& key, const Schema& schema) {
  std::string fields = "kind: " + key;
  for (const auto& p : schema.params()) {
    if (p.required) fields += ", " + p.name + ": <" + p.type_name() + ">";
  }
  std::string text(slot.example);
  for (const auto& [placeholder, value] :
       {std::pair<std::string, std::string>{"{map}", "{" + fields + "}"},
        {"{fields}", fields},
        {"{key}", key}}) {
    if (auto at = text.find(placeholder); at != std::string::npos)
      text.replace(at, placeholder.size(), value);
  }
  return text;
}

template <class T>
void describe(const SlotInfo& slot, const Registry<T>& registry, const PluginHost& host,
              const std::string& key, std::ostringstream& out) {
  const auto* entry = registry.find(key);
  if (!entry) return;
  if (out.tellp() > 0) out << "\n";
  out << slot.kind_name << " '" << key << "': " << entry->schema.summary() << "\n";
  out << "  plugin: " << entry->plugin;
  for (const auto& p : host.plugins()) {
    if (p.path == entry->plugin) out << " (" << p.name << " " << p.version << ")";
  }
  out << "\n";
  const auto& params = entry->schema.params();
  if (params.empty()) {
    out << "  no parameters\n";
  } else {
    std::vector<std::array<std::string, 5>> rows = {{"name", "type", "default", "range", "help"}};
    for (const auto& p : params) {
      const std::string fallback = p.default_text ? *p.default_text
                                   : p.required   ? "(required)"
                                                  : "(none)";
      rows.push_back({p.name, p.type_name(), fallback, p.range_text(), p.help});
    }
    std::array<std::size_t, 4> width{};
    for (const auto& row : rows) {
      for (std::size_t c = 0; c < width.size(); ++c) width[c] = std::max(width[c], row[c].size());
    }
    for (const auto& row : rows) {
      out << " ";
      for (std::size_t c = 0; c < width.size(); ++c) {
        out << " " << row[c] << std::string(width[c] - row[c].size() + 1, ' ');
        if (c + 1 == width.size()) out << " ";
      }
      out << row[4] << "\n";
    }
  }
  out << "  example:\n";
  std::istringstream lines(example(slot, key, entry->schema));
  for (std::string line; std::getline(lines, line);) out << "    " << line << "\n";
}

template <class T>
void list(const SlotInfo& slot, const Registry<T>& registry, std::ostringstream& out) {
  const std::string kind_name(slot.kind_name);
  for (const auto& [key, entry] : registry.entries()) {
    char line[512];
    std::snprintf(line, sizeof line, "%-16s %-22s %s\n", kind_name.c_str(), key.c_str(),
                  entry.schema.summary().c_str());
    out << line << std::string(40, ' ') << "(" << entry.plugin << ")\n";
  }
}

}  // namespace

std::string list_components(const PluginHost& host) {
  std::ostringstream out;
  for_each_slot([&](const auto& row) { list(row.info, host.registries().*row.registry, out); });
  return out.str();
}

std::string describe_component(const PluginHost& host, const std::string& key) {
  std::ostringstream out;
  for_each_slot([&](const auto& row) {
    describe(row.info, host.registries().*row.registry, host, key, out);
  });
  if (out.tellp() > 0) return out.str();
  std::vector<std::string> known;
  for_each_slot([&](const auto& row) {
    for (const auto& k : (host.registries().*row.registry).keys()) known.push_back(k);
  });
  throw Error("no component '" + key + "' is registered" + did_you_mean(key, known) +
              " ('nnlab plugins' lists them all)");
}

}  // namespace nnlab
