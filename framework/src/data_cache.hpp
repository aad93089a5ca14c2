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

#include "data.hpp"

namespace nnlab {

class DataCache {
 public:
  /// `host` loads the dataset plugin and must outlive the cache.
  explicit DataCache(const PluginHost& host) : host_(host) {}

  /// The data for `spec` (its seed already resolved), prepared once. Throws what prepare_data
  /// throws, to every caller that asked for that preprocessing.
  std::shared_ptr<const PreparedData> get(const DataSpec& spec, std::uint64_t experiment_seed);

  /// How many distinct preparations have been asked for.
  std::size_t size() const;

 private:
  const PluginHost& host_;
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_future<std::shared_ptr<const PreparedData>>> prepared_;
};

}  // namespace nnlab
