#pragma once
/// Loads a dataset through its plugin and applies the core's preprocessing: first-N subsets, a
/// seeded validation split, and scaling. The result is loaded once and only read afterwards, so
/// every trial of a sweep can share it without copies.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "experiment.hpp"
#include "nnlab/dataset.hpp"
#include "whitening.hpp"

namespace nnlab {

class PluginHost;

/// The map data.scale fitted on the training rows, kept so that new rows (`nnlab predict`'s input)
/// get exactly what the run's splits got: x -> (x - shift) * scale per feature, then the whitening.
struct Preprocessing {
  std::vector<float> shift, scale;     ///< empty for `scale: none`
  std::optional<Whitening> whitening;  ///< pca and zca
  /// Maps every row of `rows` (raw features, in the dataset's units) in place.
  void apply(MatrixView rows) const;
};

struct PreparedData {
  LabeledSet train;
  LabeledSet val;  ///< empty unless data.val_size > 0
  LabeledSet test;
  std::int32_t classes = 0;
  std::string description;
  Shape sample_shape;           ///< one example's shape; its size() is features()
  Preprocessing preprocessing;  ///< what the splits went through after loading

  std::int64_t features() const { return train.features.cols(); }
  /// The rows of `split`.
  const LabeledSet& split(Split split) const;
};

/// @param experiment_seed seeds generation and the split unless the data names its own seed
PreparedData prepare_data(const DataSpec& spec, const PluginHost& host,
                          std::uint64_t experiment_seed);

}  // namespace nnlab
