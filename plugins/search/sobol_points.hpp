#pragma once
// Sobol' points with a seeded digital shift, for the sobol strategy and bayes's initial design.
// Boost.Random's engine (Joe & Kuo direction numbers, Gray-code order) skips the all-zero first
// point; it is put back here as point 0, so the first 2^m points are a complete net: one point in
// each of the 2^m equal slices of every axis. The shift (each coordinate's bits XORed with a
// seeded mask) keeps that property and makes different seeds give different points.
#include <boost/random/sobol.hpp>

#include <cstdint>
#include <memory>
#include <vector>

#include "nnlab/random.hpp"

namespace nnlab::search {

class SobolPoints {
 public:
  SobolPoints(std::size_t dimensions, std::uint64_t seed)
      : dimensions_(dimensions), engine_(std::make_unique<boost::random::sobol>(dimensions)) {
    Rng rng(seed);
    for (std::size_t d = 0; d < dimensions; ++d) shift_.push_back(rng());
  }

  /// Point k in [0, 1)^dimensions; k must not decrease from one call to the next.
  std::vector<double> point(std::int64_t k) {
    std::vector<double> u(dimensions_);
    while (next_ < k) {
      if (next_ > 0) engine_->discard(dimensions_);
      ++next_;
    }
    for (std::size_t d = 0; d < dimensions_; ++d) {
      const std::uint64_t bits = (k == 0 ? 0 : (*engine_)()) ^ shift_[d];
      u[d] = static_cast<double>(bits >> 11) * 0x1.0p-53;  // the top 53 bits
    }
    ++next_;
    return u;
  }

 private:
  std::size_t dimensions_;
  std::unique_ptr<boost::random::sobol> engine_;
  std::vector<std::uint64_t> shift_;
  std::int64_t next_ = 0;  ///< the point the next call would return without skipping
};

}  // namespace nnlab::search
