#include "nnlab/schema.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "nnlab/text.hpp"

namespace nnlab {

namespace {

const std::vector<std::string> kTrue = {"true", "True", "TRUE", "yes", "on"};
const std::vector<std::string> kFalse = {"false", "False", "FALSE", "no", "off"};

bool contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

std::string bound_text(double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  return format_value(v);
}

}  // namespace

std::string ParamSpec::type_name() const {
  switch (type) {
    case ParamType::number:
      return "number";
    case ParamType::integer:
      return "integer";
    case ParamType::boolean:
      return "boolean";
    case ParamType::string:
      return "string";
    case ParamType::choice:
      return "choice";
    case ParamType::list:
      return "list";
    case ParamType::text:
      return "text";
  }
  return "?";
}

std::string ParamSpec::range_text() const {
  if (type == ParamType::choice) {
    std::string out;
    for (const auto& c : choices) out += (out.empty() ? "" : " | ") + c;
    return out;
  }
  if (type == ParamType::text) return forms;
  if (type != ParamType::number && type != ParamType::integer) return "";
  if (std::isinf(min) && std::isinf(max)) return "";
  return std::string(min_exclusive || std::isinf(min) ? "(" : "[") + bound_text(min) + ", " +
         bound_text(max) + (max_exclusive || std::isinf(max) ? ")" : "]");
}

bool ParamSpec::in_range(double value) const {
  if (std::isnan(value)) return false;
  // An infinite bound is open: no parameter takes an infinite value.
  if (min_exclusive || std::isinf(min) ? !(value > min) : value < min) return false;
  if (max_exclusive || std::isinf(max) ? !(value < max) : value > max) return false;
  return true;
}

std::string ParamSpec::check(const ParamValue& value) const {
  const std::string shown = value.is_list ? "a list" : "'" + value.text + "'";
  if (type == ParamType::list) return value.is_list ? "" : "expected a list, got " + shown;
  if (value.is_list) return "expected a single " + type_name() + ", got a list";
  switch (type) {
    case ParamType::number:
    case ParamType::integer: {
      const auto n = parse_number(value.text);
      if (!n)
        return "expected " + std::string(type == ParamType::integer ? "an integer" : "a number") +
               ", got " + shown;
      if (type == ParamType::integer && (!std::isfinite(*n) || std::floor(*n) != *n))
        return "expected an integer, got " + shown;
      if (!in_range(*n)) return "expected a value in " + range_text() + ", got " + shown;
      return "";
    }
    case ParamType::boolean:
      if (contains(kTrue, value.text) || contains(kFalse, value.text)) return "";
      return "expected true or false, got " + shown;
    case ParamType::choice: {
      if (contains(choices, value.text)) return "";
      std::string message = "expected one of";
      for (const auto& c : choices) message += " " + c;
      message += ", got " + shown;
      message += did_you_mean(value.text, choices);
      return message;
    }
    default:
      return "";
  }
}

Schema& Schema::add(ParamSpec spec) {
  for (const auto& p : params_) {
    if (p.name == spec.name) throw std::logic_error("schema declares '" + spec.name + "' twice");
  }
  params_.push_back(std::move(spec));
  return *this;
}

Schema& Schema::number(std::string name, double default_value, std::string help) {
  return add({.name = std::move(name),
              .type = ParamType::number,
              .default_text = format_value(default_value),
              .help = std::move(help)});
}

Schema& Schema::integer(std::string name, std::int64_t default_value, std::string help) {
  return add({.name = std::move(name),
              .type = ParamType::integer,
              .default_text = std::to_string(default_value),
              .help = std::move(help)});
}

Schema& Schema::boolean(std::string name, bool default_value, std::string help) {
  return add({.name = std::move(name),
              .type = ParamType::boolean,
              .default_text = default_value ? "true" : "false",
              .help = std::move(help)});
}

Schema& Schema::string(std::string name, std::string default_value, std::string help) {
  return add({.name = std::move(name),
              .type = ParamType::string,
              .default_text = std::move(default_value),
              .help = std::move(help)});
}

Schema& Schema::choice(std::string name, std::string default_value,
                       std::vector<std::string> choices, std::string help) {
  if (!contains(choices, default_value))
    throw std::logic_error("schema: default of '" + name + "' is not one of its choices");
  return add({.name = std::move(name),
              .type = ParamType::choice,
              .default_text = std::move(default_value),
              .choices = std::move(choices),
              .help = std::move(help)});
}

Schema& Schema::text(std::string name, std::string default_value, std::string forms,
                     std::string help) {
  return add({.name = std::move(name),
              .type = ParamType::text,
              .default_text = std::move(default_value),
              .forms = std::move(forms),
              .help = std::move(help)});
}

Schema& Schema::required(ParamType type, std::string name, std::string help) {
  return add({.name = std::move(name), .type = type, .required = true, .help = std::move(help)});
}

Schema& Schema::optional(ParamType type, std::string name, std::string help) {
  return add({.name = std::move(name), .type = type, .help = std::move(help)});
}

ParamSpec& Schema::last(const char* modifier) {
  if (params_.empty())
    throw std::logic_error(std::string("schema: ") + modifier + "() before any parameter");
  return params_.back();
}

Schema& Schema::forms(std::string forms) {
  last("forms").forms = std::move(forms);
  return *this;
}

Schema& Schema::min(double v) {
  auto& p = last("min");
  p.min = v;
  p.min_exclusive = false;
  return *this;
}

Schema& Schema::max(double v) {
  auto& p = last("max");
  p.max = v;
  p.max_exclusive = false;
  return *this;
}

Schema& Schema::greater_than(double v) {
  auto& p = last("greater_than");
  p.min = v;
  p.min_exclusive = true;
  return *this;
}

Schema& Schema::less_than(double v) {
  auto& p = last("less_than");
  p.max = v;
  p.max_exclusive = true;
  return *this;
}

const ParamSpec* Schema::find(const std::string& name) const {
  for (const auto& p : params_) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

void Schema::apply(Params& params, const std::string& component) const {
  std::vector<std::string> known;
  for (const auto& p : params_) known.push_back(p.name);
  for (const auto& [key, value] : params.values()) {
    if (find(key)) continue;
    std::string message = "unknown key '" + key + "' for " + component;
    message += did_you_mean(key, known);
    if (known.empty()) {
      message += ", which takes no parameters";
    } else {
      message += " (expected one of:";
      for (const auto& k : known) message += " " + k;
      message += ")";
    }
    params.fail(key, message);
  }
  for (const auto& spec : params_) {
    const auto& values = params.values();
    if (auto it = values.find(spec.name); it != values.end()) {
      if (auto problem = spec.check(it->second); !problem.empty()) params.fail(spec.name, problem);
    } else if (spec.required) {
      params.fail(spec.name, "missing required key '" + spec.name + "' for " + component + " (" +
                                 spec.type_name() + ": " + spec.help + ")");
    } else if (spec.default_text) {
      ParamValue v;
      v.text = *spec.default_text;
      v.where = params.where(spec.name);
      v.defaulted = true;
      params.set(spec.name, std::move(v));
    }
  }
}

}  // namespace nnlab
