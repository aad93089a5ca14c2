#pragma once
// What L1 and L2 share: a strength lambda and the rule that only weights decay (never biases,
// batch-norm gamma or beta), as the book applies weight decay.
#include <cmath>
#include <span>

#include "nnlab/registry.hpp"

namespace nnlab::regularizers {

class WeightDecay : public Regularizer {
 public:
  explicit WeightDecay(const Params& params) : lambda_(params.number("lambda")) {
    if (!(lambda_ >= 0) || !std::isfinite(lambda_))
      params.fail("lambda", "expected a non-negative strength");
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

void register_l2(Registries& r);
void register_l1(Registries& r);

}  // namespace nnlab::regularizers
