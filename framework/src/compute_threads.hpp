#pragma once
/// How many threads oneDNN may use on the calling thread: a run's or a sweep slot's budget.

namespace nnlab {

/// Sets the OpenMP thread count oneDNN uses on the calling thread.
void set_compute_threads(int threads);

}  // namespace nnlab
