#include "init.hpp"

#include <cmath>
#include <random>

namespace nnlab::layers {

WeightInit WeightInit::from(const Params& params, const char* key) {
  const ParamValue* value = params.find(key);
  if (!value) return {};
  if (value->is_list) params.fail(key, "expected he, xavier, glorot or a number, got a list");
  if (value->text == "he") return {Kind::he, 0};
  if (value->text == "xavier") return {Kind::xavier, 0};
  if (value->text == "glorot") return {Kind::glorot, 0};
  const auto stddev = parse_number(value->text);
  if (!stddev || !(*stddev >= 0) || !std::isfinite(*stddev)) {
    params.fail(key,
                "expected he, xavier, glorot or a non-negative std, got '" + value->text + "'");
  }
  return {Kind::fixed, *stddev};
}

double WeightInit::stddev(std::int64_t fan_in, std::int64_t fan_out) const {
  switch (kind) {
    case Kind::he:
      return std::sqrt(2.0 / static_cast<double>(fan_in));
    case Kind::xavier:
      return std::sqrt(1.0 / static_cast<double>(fan_in));
    case Kind::glorot:
      return std::sqrt(2.0 / static_cast<double>(fan_in + fan_out));
    case Kind::fixed:
      return fixed_std;
  }
  return fixed_std;
}

void WeightInit::fill(Matrix& weights, std::int64_t fan_in, std::int64_t fan_out, Rng& rng) const {
  const double s = stddev(fan_in, fan_out);
  std::normal_distribution<double> normal(0.0, 1.0);
  for (std::int64_t i = 0; i < weights.size(); ++i)
    weights.data()[i] = static_cast<float>(normal(rng) * s);
}

}  // namespace nnlab::layers
