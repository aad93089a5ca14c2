#include "compute_threads.hpp"

#include <omp.h>

namespace nnlab {

void set_compute_threads(int threads) {
  // Debian's oneDNN runs on OpenMP, whose team size is per calling thread: set it for this thread.
  omp_set_num_threads(threads);
}

}  // namespace nnlab
