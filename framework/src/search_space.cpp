// Helpers of the search-space vocabulary shared by the core and the strategy plugins.
#include <algorithm>

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

}  // namespace nnlab
