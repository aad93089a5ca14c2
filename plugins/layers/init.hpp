#pragma once
// Weight initialisation for dense layers: he, the book's xavier, Glorot's, or a fixed std.
#include "nnlab/params.hpp"
#include "nnlab/random.hpp"
#include "nnlab/tensor.hpp"

namespace nnlab::layers {

/// How initial weights are drawn: N(0, 1) * std, with std from the fan-in n:
/// he = sqrt(2/n) (He et al. 2015); xavier = sqrt(1/n) (the book's); glorot = sqrt(2/(n_in +
/// n_out)) (Glorot & Bengio 2010); or a fixed number.
struct WeightInit {
  enum class Kind { he, xavier, glorot, fixed } kind = Kind::he;
  double fixed_std = 0;

  /// Reads `key` (default he). Throws ConfigError on anything else.
  static WeightInit from(const Params& params, const char* key);
  double stddev(std::int64_t fan_in, std::int64_t fan_out) const;
  /// Fills `weights` with N(0,1) * stddev draws from `rng`.
  void fill(Matrix& weights, std::int64_t fan_in, std::int64_t fan_out, Rng& rng) const;
};

}  // namespace nnlab::layers
