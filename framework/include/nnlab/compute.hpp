#pragma once
/// oneDNN objects shared by the components of one trial.
#include <oneapi/dnnl/dnnl.hpp>

namespace nnlab {

/// The engine is one per process; each trial owns its stream and runs its primitives on one thread.
struct Compute {
  dnnl::engine engine;
  dnnl::stream stream;

  /// The process's CPU engine and a fresh stream on it.
  static Compute make();
};

/// The process-wide CPU engine (created on first use).
const dnnl::engine& cpu_engine();

}  // namespace nnlab
