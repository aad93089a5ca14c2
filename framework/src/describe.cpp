#include "describe.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <sstream>

namespace nnlab {

namespace {

/// Where a component of each registry goes in an experiment, for the example line.
std::string example(const std::string& kind_name, const std::string& key, const Schema& schema) {
  std::string fields = "kind: " + key;
  for (const auto& p : schema.params()) {
    if (p.required) fields += ", " + p.name + ": <" + p.type_name() + ">";
  }
  const std::string map = "{" + fields + "}";
  if (kind_name == "layer") return "model:\n  layers:\n    - " + map;
  if (kind_name == "loss") return "model:\n  loss: " + map;
  if (kind_name == "regularizer") return "regularizers: [" + map + "]";
  if (kind_name == "optimizer") return "optimizer: " + map;
  if (kind_name == "dataset") return "data: " + map;
  if (kind_name == "pruner") return "search:\n  pruner: " + map;
  if (kind_name == "objective") return "objective: " + map;
  return "search:\n  " + fields + "\n  trials: 20\n  objective: {metric: val_acc, mode: max}";
}

template <class T>
void describe(const Registry<T>& registry, const PluginHost& host, const std::string& key,
              std::ostringstream& out) {
  const auto* entry = registry.find(key);
  if (!entry) return;
  if (out.tellp() > 0) out << "\n";
  out << registry.kind_name() << " '" << key << "': " << entry->schema.summary() << "\n";
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
  std::istringstream lines(example(registry.kind_name(), key, entry->schema));
  for (std::string line; std::getline(lines, line);) out << "    " << line << "\n";
}

template <class T>
void list(const Registry<T>& registry, std::ostringstream& out) {
  for (const auto& [key, entry] : registry.entries()) {
    char line[512];
    std::snprintf(line, sizeof line, "%-16s %-22s %s\n", registry.kind_name().c_str(), key.c_str(),
                  entry.schema.summary().c_str());
    out << line << std::string(40, ' ') << "(" << entry.plugin << ")\n";
  }
}

}  // namespace

std::string list_components(const PluginHost& host) {
  std::ostringstream out;
  const Registries& r = host.registries();
  list(r.layers, out);
  list(r.losses, out);
  list(r.regularizers, out);
  list(r.optimizers, out);
  list(r.datasets, out);
  list(r.strategies, out);
  list(r.pruners, out);
  list(r.objectives, out);
  return out.str();
}

std::string describe_component(const PluginHost& host, const std::string& key) {
  std::ostringstream out;
  const Registries& r = host.registries();
  describe(r.layers, host, key, out);
  describe(r.losses, host, key, out);
  describe(r.regularizers, host, key, out);
  describe(r.optimizers, host, key, out);
  describe(r.datasets, host, key, out);
  describe(r.strategies, host, key, out);
  describe(r.pruners, host, key, out);
  describe(r.objectives, host, key, out);
  if (out.tellp() > 0) return out.str();
  std::vector<std::string> known;
  auto add = [&](const auto& registry) {
    for (const auto& k : registry.keys()) known.push_back(k);
  };
  add(r.layers);
  add(r.losses);
  add(r.regularizers);
  add(r.optimizers);
  add(r.datasets);
  add(r.strategies);
  add(r.pruners);
  add(r.objectives);
  std::string message = "no component '" + key + "' is registered";
  if (auto near = nearest_key(key, known); !near.empty()) message += "; did you mean '" + near + "'?";
  message += " ('nnlab plugins' lists them all)";
  throw Error(message);
}

}  // namespace nnlab
