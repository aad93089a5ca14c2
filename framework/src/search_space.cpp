// Helpers of the search-space vocabulary shared by the core and the strategy plugins.
#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "nnlab/search_strategy.hpp"

namespace nnlab {

bool is_active(const SearchParameter& parameter, const Assignment& assignment) {
  for (const auto& [name, values] : parameter.when) {
    auto it = assignment.find(name);
    if (it == assignment.end() ||
        std::find(values.begin(), values.end(), it->second) == values.end())
      return false;
  }
  return true;
}

std::string format_value(double value) {
  // %.17g reads back to the same double; shorter forms first, so 0.5 stays "0.5".
  char buffer[32];
  for (int digits = 6; digits <= 17; ++digits) {
    std::snprintf(buffer, sizeof buffer, "%.*g", digits, value);
    if (std::strtod(buffer, nullptr) == value) break;
  }
  return buffer;
}

}  // namespace nnlab
