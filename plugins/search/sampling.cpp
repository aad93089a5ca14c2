#include "sampling.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <random>

#include "nnlab/error.hpp"
#include "nnlab/text.hpp"

namespace nnlab::search {
namespace {

/// Rounds `x` to the nearest multiple of `step` above `low`, kept inside [low, high].
double quantize(double x, double low, double high, double step) {
  if (step <= 0) return x;
  double q = low + std::round((x - low) / step) * step;
  while (q > high + 1e-12 * std::fabs(high)) q -= step;
  return q < low ? low : q;
}

std::string integer_text(double v) {
  return std::to_string(static_cast<long long>(std::llround(v)));
}

}  // namespace

std::string sample(const SearchParameter& p, Rng& rng) {
  switch (p.kind) {
    case SearchParameter::Kind::categorical: {
      std::uniform_int_distribution<std::size_t> pick(0, p.choices.size() - 1);
      return p.choices[pick(rng)];
    }
    case SearchParameter::Kind::integer: {
      const auto steps = static_cast<long long>(std::floor((p.high - p.low) / p.step + 1e-9));
      std::uniform_int_distribution<long long> pick(0, steps);
      return integer_text(p.low + static_cast<double>(pick(rng)) * p.step);
    }
    case SearchParameter::Kind::log_uniform: {
      std::uniform_real_distribution<double> u(std::log(p.low), std::log(p.high));
      return format_value(quantize(std::exp(u(rng)), p.low, p.high, p.step));
    }
    case SearchParameter::Kind::uniform: {
      std::uniform_real_distribution<double> u(p.low, p.high);
      return format_value(quantize(u(rng), p.low, p.high, p.step));
    }
  }
  return "";
}

namespace {
double cells(const SearchParameter& p) {
  if (p.kind == SearchParameter::Kind::categorical) return static_cast<double>(p.choices.size());
  return std::floor((p.high - p.low) / p.step + 1e-9) + 1;
}
}  // namespace

std::string value_at(const SearchParameter& p, double u) {
  u = std::clamp(u, 0.0, 1.0);
  switch (p.kind) {
    case SearchParameter::Kind::categorical:
    case SearchParameter::Kind::integer: {
      const double n = cells(p);
      const auto cell = static_cast<std::size_t>(std::min(std::floor(u * n), n - 1));
      if (p.kind == SearchParameter::Kind::categorical) return p.choices[cell];
      return integer_text(p.low + static_cast<double>(cell) * p.step);
    }
    case SearchParameter::Kind::log_uniform: {
      const double v = std::exp(std::log(p.low) + u * (std::log(p.high) - std::log(p.low)));
      return format_value(quantize(std::clamp(v, p.low, p.high), p.low, p.high, p.step));
    }
    case SearchParameter::Kind::uniform:
      return format_value(quantize(p.low + u * (p.high - p.low), p.low, p.high, p.step));
  }
  return "";
}

double position_of(const SearchParameter& p, const std::string& value) {
  if (p.kind == SearchParameter::Kind::categorical) {
    for (std::size_t i = 0; i < p.choices.size(); ++i) {
      if (p.choices[i] == value) return (static_cast<double>(i) + 0.5) / cells(p);
    }
    throw Error("search.space." + p.name + ": '" + value + "' is not one of its values");
  }
  const double v = std::strtod(value.c_str(), nullptr);
  if (p.kind == SearchParameter::Kind::integer)
    return (std::round((v - p.low) / p.step) + 0.5) / cells(p);
  if (p.kind == SearchParameter::Kind::log_uniform)
    return std::clamp((std::log(v) - std::log(p.low)) / (std::log(p.high) - std::log(p.low)), 0.0,
                      1.0);
  return std::clamp((v - p.low) / (p.high - p.low), 0.0, 1.0);
}

std::size_t choice_at(const SearchParameter& p, double u) {
  const double n = cells(p);
  const auto cell =
      static_cast<std::size_t>(std::min(std::floor(std::clamp(u, 0.0, 1.0) * n), n - 1));
  // position_of finds a value by its text: the first of equal choices.
  return static_cast<std::size_t>(std::find(p.choices.begin(), p.choices.end(), p.choices[cell]) -
                                  p.choices.begin());
}

double coordinate_at(const SearchParameter& p, double u) {
  u = std::clamp(u, 0.0, 1.0);
  switch (p.kind) {
    case SearchParameter::Kind::categorical:
      return (static_cast<double>(choice_at(p, u)) + 0.5) / cells(p);
    case SearchParameter::Kind::integer: {
      const double n = cells(p);
      const double cell = std::min(std::floor(u * n), n - 1);
      const auto v = static_cast<double>(std::llround(p.low + cell * p.step));
      return (std::round((v - p.low) / p.step) + 0.5) / n;
    }
    case SearchParameter::Kind::log_uniform: {
      // format_value prints the shortest text that reads back as the same double, so the text
      // round trip of value_at is the identity on v.
      const double v =
          quantize(std::clamp(std::exp(std::log(p.low) + u * (std::log(p.high) - std::log(p.low))),
                              p.low, p.high),
                   p.low, p.high, p.step);
      return std::clamp((std::log(v) - std::log(p.low)) / (std::log(p.high) - std::log(p.low)), 0.0,
                        1.0);
    }
    case SearchParameter::Kind::uniform: {
      const double v = quantize(p.low + u * (p.high - p.low), p.low, p.high, p.step);
      return std::clamp((v - p.low) / (p.high - p.low), 0.0, 1.0);
    }
  }
  return 0;
}

void require_budget(const SearchSetup& setup, const std::string& strategy) {
  if (setup.trials <= 0)
    throw Error("search.trials: " + strategy + " needs a trial budget (trials: N)");
}

std::vector<std::string> grid_values(const SearchParameter& p) {
  std::vector<std::string> values;
  if (p.kind == SearchParameter::Kind::categorical) return p.choices;
  // `int` from 1 to 1e15: counted before it is listed, not listed until memory runs out.
  if (p.grid_points == 0 && p.step > 0 && (p.high - p.low) / p.step >= double(kMaxGridValues)) {
    throw Error("search.space." + p.name + ": a grid of " +
                format_value((p.high - p.low) / p.step + 1) + " values; expected at most " +
                std::to_string(kMaxGridValues) + " (a larger step, or grid: N points)");
  }
  if (p.kind == SearchParameter::Kind::integer && p.grid_points == 0) {
    for (double v = p.low; v <= p.high + 1e-9; v += p.step) values.push_back(integer_text(v));
    return values;
  }
  if (p.grid_points == 0 && p.step > 0) {
    for (double v = p.low; v <= p.high + 1e-9 * std::fabs(p.high); v += p.step)
      values.push_back(format_value(v));
    return values;
  }
  if (p.grid_points < 2) {
    throw Error("search.space." + p.name +
                ": a grid over a continuous range needs `grid: N` points or a `step`");
  }
  const bool log = p.kind == SearchParameter::Kind::log_uniform;
  const double a = log ? std::log(p.low) : p.low, b = log ? std::log(p.high) : p.high;
  for (int i = 0; i < p.grid_points; ++i) {
    const double t = a + (b - a) * i / (p.grid_points - 1);
    // The ends exactly as written: exp(log(0.01)) is 0.010000000000000004.
    const double raw = i == 0 ? p.low : (i == p.grid_points - 1 ? p.high : (log ? std::exp(t) : t));
    const double v = quantize(raw, p.low, p.high, p.step);
    values.push_back(p.kind == SearchParameter::Kind::integer ? integer_text(v) : format_value(v));
  }
  return values;
}

std::string key_of(const Assignment& assignment) {
  std::string key;
  for (const auto& [name, value] : assignment) key += name + "=" + value + "\n";
  return key;
}

}  // namespace nnlab::search
