#pragma once
/// The memory this process may use: the machine's physical memory, or less under a ulimit
/// (RLIMIT_AS, RLIMIT_DATA). Sizes a user gives (units, rows, a batch) are checked against it
/// before anything is allocated: a zero-filled matrix the kernel's overcommit grants is touched
/// page by page until the OOM killer stops the process, and a sanitizer's allocator aborts
/// instead of throwing std::bad_alloc.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>

namespace nnlab {

inline double memory_limit_bytes() {
  double limit =
      static_cast<double>(sysconf(_SC_PHYS_PAGES)) * static_cast<double>(sysconf(_SC_PAGE_SIZE));
  for (const int resource : {RLIMIT_AS, RLIMIT_DATA}) {
    rlimit r{};
    if (getrlimit(resource, &r) == 0 && r.rlim_cur != RLIM_INFINITY)
      limit = std::min(limit, static_cast<double>(r.rlim_cur));
  }
  return limit;
}

}  // namespace nnlab
