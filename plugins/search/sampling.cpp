#include "sampling.hpp"

#include <cmath>
#include <random>

#include "nnlab/error.hpp"

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

std::vector<std::string> grid_values(const SearchParameter& p) {
  std::vector<std::string> values;
  if (p.kind == SearchParameter::Kind::categorical) return p.choices;
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
