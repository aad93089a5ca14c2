#pragma once
// Refusing a layer whose parameters cannot fit before allocating them: a zero-initialised matrix
// of `units: 1e7` x 784 inputs is 31 GB of pages touched, which the kernel's overcommit may grant
// and the OOM killer then collects. Each weight costs at least 16 bytes: its float32 value and
// gradient and the optimizer's float64 master copy.
#include "nnlab/error.hpp"
#include "nnlab/memory.hpp"

namespace nnlab::layers {

inline void check_parameters_fit(double weights) {
  if (weights * 16.0 > memory_limit_bytes())
    throw Error("its parameters need more memory than this machine has");
}

}  // namespace nnlab::layers
