#include "nnlab/compute.hpp"

namespace nnlab {

const dnnl::engine& cpu_engine() {
  static const dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  return engine;
}

Compute Compute::make() {
  Compute c;
  c.engine = cpu_engine();
  c.stream = dnnl::stream(c.engine);
  return c;
}

}  // namespace nnlab
