#include "metric.hpp"

#include <array>
#include <cmath>

namespace nnlab {

namespace {
constexpr std::array<std::pair<Split, std::string_view>, 3> kSplits = {
    {{Split::train, "train"}, {Split::val, "val"}, {Split::test, "test"}}};
constexpr std::array<std::pair<Measure, std::string_view>, 2> kMeasures = {
    {{Measure::accuracy, "acc"}, {Measure::loss, "loss"}}};
constexpr std::array<std::pair<RunMeasure, std::string_view>, 3> kRunMeasures = {
    {{RunMeasure::train_seconds, "train_seconds"},
     {RunMeasure::params, "params"},
     {RunMeasure::updates, "updates"}}};
}  // namespace

std::string_view split_name(Split split) {
  for (const auto& [value, name] : kSplits) {
    if (value == split) return name;
  }
  return "?";
}

std::optional<Split> parse_split(std::string_view text) {
  for (const auto& [value, name] : kSplits) {
    if (name == text) return value;
  }
  return std::nullopt;
}

std::string Metric::name() const {
  std::string text(split_name(split));
  text += '_';
  for (const auto& [value, suffix] : kMeasures) {
    if (value == measure) text += suffix;
  }
  return text;
}

std::optional<Metric> parse_metric(std::string_view text) {
  const auto underscore = text.find('_');
  if (underscore == std::string_view::npos) return std::nullopt;
  const auto split = parse_split(text.substr(0, underscore));
  if (!split) return std::nullopt;
  for (const auto& [value, suffix] : kMeasures) {
    if (suffix == text.substr(underscore + 1)) return Metric{*split, value};
  }
  return std::nullopt;
}

std::string ObjectiveMeasure::name() const {
  if (const auto* metric = std::get_if<Metric>(&what)) return metric->name();
  for (const auto& [value, text] : kRunMeasures) {
    if (value == std::get<RunMeasure>(what)) return std::string(text);
  }
  return "?";
}

std::optional<ObjectiveMeasure> parse_objective_measure(std::string_view text) {
  for (const auto& [value, name] : kRunMeasures) {
    if (name == text) return ObjectiveMeasure{value};
  }
  if (const auto metric = parse_metric(text)) return ObjectiveMeasure{*metric};
  return std::nullopt;
}

double EvalPoint::value(const Metric& metric) const {
  for (const auto& [m, v] : metrics) {
    if (m == metric) return v;
  }
  return std::nan("");
}

}  // namespace nnlab
