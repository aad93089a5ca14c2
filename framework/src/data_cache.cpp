#include "data_cache.hpp"

#include <cstdio>

#include "shared_data.hpp"

namespace nnlab {
namespace {

/// What tells two trials' data apart. Everything but the preprocessing is refused as a searched
/// key, so these fields are the whole difference; the rest are listed so a future searchable key
/// cannot silently share data it should not.
std::string preparation_key(const DataSpec& spec, std::uint64_t experiment_seed) {
  char epsilon[32];
  std::snprintf(epsilon, sizeof epsilon, "%.17g", spec.epsilon);
  return std::to_string(static_cast<int>(spec.scale)) + "/" + epsilon + "/" +
         std::to_string(spec.seed.value_or(experiment_seed)) + "/" +
         std::to_string(spec.train_limit) + "/" + std::to_string(spec.test_limit) + "/" +
         std::to_string(spec.val_size) + "/" + (spec.val_shuffle ? "shuffled" : "ordered");
}

}  // namespace

std::shared_ptr<const PreparedData> DataCache::get(const DataSpec& spec,
                                                   std::uint64_t experiment_seed) {
  const std::string key = preparation_key(spec, experiment_seed);
  std::promise<std::shared_ptr<const PreparedData>> promise;
  std::shared_future<std::shared_ptr<const PreparedData>> ready;
  bool prepare = false;
  {
    std::lock_guard lock(mutex_);
    auto [it, added] = prepared_.try_emplace(key);
    if (added) it->second = promise.get_future().share();
    ready = it->second;
    prepare = added;
  }
  // The first caller for a key prepares (outside the lock: other keys need not wait); the others
  // wait on its future and get the same copy, or the same exception.
  if (prepare) {
    try {
      switch (sharing_) {
        case DataSharing::none:
          promise.set_value(
              std::make_shared<const PreparedData>(prepare_data(spec, host_, experiment_seed)));
          break;
        case DataSharing::publish:
          promise.set_value(std::make_shared<const PreparedData>(publish_shared(
              prepare_data(spec, host_, experiment_seed), segment_name(segments_, key))));
          break;
        case DataSharing::attach:
          promise.set_value(
              std::make_shared<const PreparedData>(attach_shared(segment_name(segments_, key))));
          break;
      }
    } catch (...) {
      promise.set_exception(std::current_exception());
    }
  }
  return ready.get();
}

std::size_t DataCache::size() const {
  std::lock_guard lock(mutex_);
  return prepared_.size();
}

}  // namespace nnlab
