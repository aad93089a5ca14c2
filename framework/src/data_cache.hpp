#pragma once
/// The prepared data a sweep's trials train on. A sweep may search the data's preprocessing
/// (`data.scale`, `data.epsilon`); the dataset itself (`data.kind` and its own keys, the limits,
/// the split) is the sweep's. Trials share one prepared copy per distinct preprocessing, made by
/// the first trial that needs it while the others that need it wait, and read-only afterwards.
/// A grid over minmax, standardize and zca holds three copies of the data.
#include <cstdint>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

#include "data.hpp"

namespace nnlab {

/// Where a cache's preparations live, for a sweep whose trials run in worker processes.
enum class DataSharing {
  none,     ///< on this process's heap
  publish,  ///< prepared here, into shared memory the workers attach to (the coordinator)
  attach,   ///< never prepared here: mapped from the coordinator's segments (a worker)
};

class DataCache {
 public:
  /// `host` loads the dataset plugin and must outlive the cache. With `publish` or `attach`,
  /// `segments` is the shared-memory names' prefix (shared_data.hpp).
  explicit DataCache(const PluginHost& host, DataSharing sharing = DataSharing::none,
                     std::string segments = {})
      : host_(host), sharing_(sharing), segments_(std::move(segments)) {}

  /// The data for `spec` (its seed already resolved), prepared once. Throws what prepare_data
  /// throws, to every caller that asked for that preprocessing.
  std::shared_ptr<const PreparedData> get(const DataSpec& spec, std::uint64_t experiment_seed);

  /// How many distinct preparations have been asked for.
  std::size_t size() const;

 private:
  const PluginHost& host_;
  DataSharing sharing_;
  std::string segments_;
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_future<std::shared_ptr<const PreparedData>>> prepared_;
};

}  // namespace nnlab
