#pragma once
// What L1 and L2 share: a strength lambda and the rule that only weights decay (never biases,
// batch-norm gamma or beta), as the book applies weight decay.
#include <cmath>
#include <span>

#include "nnlab/registrar.hpp"
#include "nnlab/regularizer.hpp"
#include "nnlab/vectorize.hpp"

namespace nnlab::regularizers {

/// sum of w^2 (or of |w|) in float64; the simd reduction lets the compiler use vector lanes.
NNLAB_MULTIVERSION inline double sum_of_squares(const float* w, std::int64_t n) {
  double sum = 0;
#pragma omp simd reduction(+ : sum)
  for (std::int64_t i = 0; i < n; ++i) sum += static_cast<double>(w[i]) * w[i];
  return sum;
}

NNLAB_MULTIVERSION inline double sum_of_magnitudes(const float* w, std::int64_t n) {
  double sum = 0;
#pragma omp simd reduction(+ : sum)
  for (std::int64_t i = 0; i < n; ++i) sum += std::fabs(static_cast<double>(w[i]));
  return sum;
}

class WeightDecay : public Regularizer {
 public:
  explicit WeightDecay(const Params& params) : lambda_(params.number("lambda")) {}

  /// Both weight decays take one required strength.
  static Schema schema(std::string summary) {
    return Schema(std::move(summary))
        .required(ParamType::number, "lambda", "strength (the book's weight_decay_lambda)")
        .min(0);
  }

 protected:
  /// Calls fn(parameter) for each parameter that is a weight.
  template <class Fn>
  static void for_each_weight(std::span<Parameter* const> params, Fn&& fn) {
    for (Parameter* p : params) {
      if (p->role == ParameterRole::weight) fn(*p);
    }
  }
  double lambda_;
};

void register_l2(Registrar& r);
void register_l1(Registrar& r);

}  // namespace nnlab::regularizers
