#include "nnlab/params.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "nnlab/text.hpp"

namespace nnlab {

std::optional<double> parse_number(std::string_view text) {
  std::string s(text);
  if (s.empty()) return std::nullopt;
  // YAML's special floats.
  if (s == ".inf" || s == "+.inf" || s == ".Inf") return HUGE_VAL;
  if (s == "-.inf" || s == "-.Inf") return -HUGE_VAL;
  if (s == ".nan" || s == ".NaN") return std::nan("");
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || errno == ERANGE) return std::nullopt;
  // strtod also takes hex floats, "inf" and "nan"; YAML does not.
  if (s.find_first_of("xXnN") != std::string::npos) return std::nullopt;
  return v;
}

Params::Params(std::string key_path, SourceLocation where)
    : key_path_(std::move(key_path)), where_(std::move(where)) {}

void Params::set(const std::string& key, ParamValue value) { values_[key] = std::move(value); }

bool Params::has(std::string_view key) const { return values_.find(key) != values_.end(); }

const ParamValue* Params::find(std::string_view key) const { return read(key); }

const ParamValue* Params::read(std::string_view key) const {
  read_.emplace(key);
  auto it = values_.find(key);
  return it == values_.end() ? nullptr : &it->second;
}

SourceLocation Params::where(std::string_view key) const {
  auto it = values_.find(key);
  return it == values_.end() ? where_ : it->second.where;
}

std::string Params::path(std::string_view key) const {
  return key_path_.empty() ? std::string(key) : key_path_ + "." + std::string(key);
}

void Params::fail(std::string_view key, const std::string& message) const {
  throw ConfigError(where(key), path(key), message);
}

const ParamValue& Params::require(std::string_view key, std::string_view expected) const {
  const ParamValue* v = read(key);
  if (!v)
    fail(key, "missing required key '" + std::string(key) + "' (" + std::string(expected) + ")");
  return *v;
}

namespace {
std::string shown(const ParamValue& v) { return v.is_list ? "a list" : "'" + v.text + "'"; }
}  // namespace

double Params::number(std::string_view key, double fallback) const {
  const ParamValue* v = read(key);
  return v ? number(key) : fallback;
}

double Params::number(std::string_view key) const {
  const ParamValue& v = require(key, "a number");
  const auto n = v.is_list ? std::nullopt : parse_number(v.text);
  if (!n) fail(key, "expected a number, got " + shown(v));
  return *n;
}

std::int64_t Params::integer(std::string_view key, std::int64_t fallback) const {
  const ParamValue* v = read(key);
  return v ? integer(key) : fallback;
}

std::int64_t Params::integer(std::string_view key) const {
  const ParamValue& v = require(key, "an integer");
  const auto n = v.is_list ? std::nullopt : parse_number(v.text);
  if (!n || !std::isfinite(*n) || std::floor(*n) != *n || std::fabs(*n) > 9.0e15) {
    fail(key, "expected an integer, got " + shown(v));
  }
  return static_cast<std::int64_t>(*n);
}

bool Params::boolean(std::string_view key, bool fallback) const {
  const ParamValue* v = read(key);
  if (!v) return fallback;
  static const std::vector<std::string> yes = {"true", "True", "TRUE", "yes", "on"};
  static const std::vector<std::string> no = {"false", "False", "FALSE", "no", "off"};
  if (!v->is_list && std::find(yes.begin(), yes.end(), v->text) != yes.end()) return true;
  if (!v->is_list && std::find(no.begin(), no.end(), v->text) != no.end()) return false;
  fail(key, "expected true or false, got " + shown(*v));
}

bool Params::boolean(std::string_view key) const {
  require(key, "true or false");
  return boolean(key, false);
}

std::string Params::string(std::string_view key, std::string_view fallback) const {
  const ParamValue* v = read(key);
  return v ? string(key) : std::string(fallback);
}

std::string Params::string(std::string_view key) const {
  const ParamValue& v = require(key, "a string");
  if (v.is_list) fail(key, "expected a single value, got a list");
  return v.text;
}

std::string Params::choice(std::string_view key, std::string_view fallback,
                           const std::vector<std::string>& allowed) const {
  std::string value = string(key, fallback);
  if (std::find(allowed.begin(), allowed.end(), value) != allowed.end()) return value;
  std::string message = "expected one of";
  for (const auto& a : allowed) message += " " + a;
  message += ", got '" + value + "'";
  message += did_you_mean(value, allowed);
  fail(key, message);
}

void Params::reject_unread(const std::string& component_kind) const {
  for (const auto& [key, value] : values_) {
    if (read_.count(key) || value.defaulted) continue;
    std::vector<std::string> known(read_.begin(), read_.end());
    std::string message = "unknown key '" + key + "' for " + component_kind;
    message += did_you_mean(key, known);
    if (!known.empty()) {
      message += " (expected one of:";
      for (const auto& k : known) message += " " + k;
      message += ")";
    }
    fail(key, message);
  }
}

}  // namespace nnlab
