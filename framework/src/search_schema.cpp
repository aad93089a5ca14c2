#include "search_schema.hpp"

#include <algorithm>
#include <cmath>

#include "component_slots.hpp"
#include "nnlab/text.hpp"

namespace nnlab {

namespace {

/// The schema of `kind` in the registry of `slot`, or nullptr; `known` gets the registry's keys.
const Schema* find_schema(const Registries& r, ComponentSlot slot, const std::string& kind,
                          std::vector<std::string>* known = nullptr) {
  const Schema* schema = nullptr;
  for_each_slot([&](const auto& row) {
    if (row.info.slot != slot) return;
    const auto& registry = r.*row.registry;
    if (known) *known = registry.keys();
    const auto* entry = registry.find(kind);
    schema = entry ? &entry->schema : nullptr;
  });
  return schema;
}

std::string join(const std::vector<std::string>& items, const char* separator = ", ") {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

/// The values a parameter can take that decide whether it fits a key: every choice, or the bounds.
std::vector<std::string> extreme_values(const SearchParameter& p) {
  if (p.kind == SearchParameter::Kind::categorical) return p.choices;
  return {format_value(p.low), format_value(p.high)};
}

/// Why `p`'s values do not fit `spec`, or empty.
std::string misfit(const SearchParameter& p, const ParamSpec& spec) {
  if (spec.type == ParamType::integer && p.kind != SearchParameter::Kind::integer &&
      p.kind != SearchParameter::Kind::categorical && std::floor(p.step) != p.step) {
    return "it is an integer: use distribution: int";
  }
  if (spec.type == ParamType::integer && p.kind != SearchParameter::Kind::integer &&
      p.kind != SearchParameter::Kind::categorical && p.step == 0) {
    return "it is an integer: use distribution: int";
  }
  if (spec.type == ParamType::list && p.kind != SearchParameter::Kind::categorical)
    return "it is a list: search it with values: [...]";
  for (const auto& value : extreme_values(p)) {
    ParamValue v;
    v.text = value;
    if (auto problem = spec.check(v); !problem.empty()) return problem;
  }
  return "";
}

}  // namespace

SearchSpace checked_search_space(const SearchSpec& search, const PluginHost& host) {
  SearchSpace space = search.space;
  const Registries& r = host.registries();
  for (const SearchTarget& t : search.targets) {
    // A policy's operation (augment.policy[0][1].op) names an augmentation: each searched name
    // must be registered. Its p and magnitude are core settings, checked by a trial's parse.
    if (t.path.starts_with("augment.") && t.key == "op") {
      const SearchParameter& p = space.parameters[t.parameter];
      const auto& registry = r.augmentations;
      for (const auto& value : extreme_values(p)) {
        if (!registry.contains(value)) {
          const auto known = registry.keys();
          throw ConfigError(t.where, "search.space." + p.name,
                            "'" + value + "' is not a known augmentation" +
                                did_you_mean(value, known) + " (known: " + join(known, " ") + ")");
        }
      }
      continue;
    }
    if (!t.slot) continue;  // a core setting (train.epochs): the trial's parse checks it
    const std::string kind_name(slot_info(*t.slot).kind_name);
    SearchParameter& p = space.parameters[t.parameter];
    const std::string at = "search.space." + p.name;
    auto fail = [&](const std::string& message) { throw ConfigError(t.where, at, message); };

    if (t.key == "kind") {
      std::vector<std::string> known;
      for (const auto& value : extreme_values(p)) {
        if (!find_schema(r, *t.slot, value, &known)) {
          fail("'" + value + "' is not a known " + kind_name + did_you_mean(value, known) +
               " (known: " + join(known, " ") + ")");
        }
      }
      continue;
    }

    // The kinds this key may meet: the searched ones (and the parameter that searches them), or
    // the one in the file.
    const SearchParameter* kind_param = nullptr;
    for (const SearchTarget& other : search.targets) {
      if (other.component == t.component && other.key == "kind")
        kind_param = &search.space.parameters[other.parameter];
    }
    std::vector<std::string> kinds;
    if (kind_param) {
      kinds = kind_param->choices;
      if (auto it = p.when.find(kind_param->name); it != p.when.end()) kinds = it->second;
    } else {
      kinds = {t.kind};
    }

    std::vector<std::string> declaring;
    for (const auto& kind : kinds) {
      const Schema* schema = find_schema(r, *t.slot, kind);
      if (!schema) continue;  // an unknown kind is reported where the component is built
      const ParamSpec* spec = schema->find(t.key);
      if (!spec) {
        if (!kind_param || p.when.count(kind_param->name)) {
          std::vector<std::string> names;
          for (const auto& s : schema->params()) names.push_back(s.name);
          fail("'" + t.path + "': " + kind_name + " '" + kind + "' has no parameter '" + t.key +
               "'" + did_you_mean(t.key, names) +
               (names.empty() ? " (it takes none)" : " (it has: " + join(names) + ")"));
        }
        continue;
      }
      if (auto problem = misfit(p, *spec); !problem.empty())
        fail("'" + t.path + "' for " + kind_name + " '" + kind + "': " + problem);
      declaring.push_back(kind);
    }
    if (kind_param && !p.when.count(kind_param->name)) {
      if (declaring.empty()) {
        fail("'" + t.path + "': none of the searched " + kind_name + "s (" + join(kinds) +
             ") has a parameter '" + t.key + "'");
      }
      // Derived condition: set the key only for the kinds that have it.
      if (declaring.size() < kinds.size()) p.when[kind_param->name] = declaring;
    }
  }
  return space;
}

}  // namespace nnlab
