#pragma once
/// Loads a dataset through its plugin and applies the core's preprocessing: first-N subsets, a
/// seeded validation split, and scaling. The result is loaded once and only read afterwards, so
/// every trial of a sweep can share it without copies, and so can a sweep's worker processes: the
/// rows are views into storage the PreparedData keeps alive, its own heap copy or a shared-memory
/// mapping (shared_data.hpp).
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
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

/// Read-only rows with Matrix's accessors, in storage that is not its own: readers need not care
/// whether the rows live on this process's heap or in a mapping shared with other processes.
class FrozenMatrix {
 public:
  FrozenMatrix() = default;
  explicit FrozenMatrix(ConstMatrixView rows) : rows_(rows) {}

  const float* data() const { return rows_.data; }
  std::int64_t rows() const { return rows_.rows; }
  std::int64_t cols() const { return rows_.cols; }
  std::int64_t size() const { return rows_.size(); }
  bool empty() const { return size() == 0; }
  float at(std::int64_t r, std::int64_t c) const { return rows_.at(r, c); }
  ConstMatrixView view() const { return rows_; }
  operator ConstMatrixView() const { return rows_; }  // NOLINT: views are the currency

 private:
  ConstMatrixView rows_;
};

/// One split's examples, read-only.
struct DataSplit {
  FrozenMatrix features;
  std::span<const std::int32_t> labels;
};

struct PreparedData {
  DataSplit train;
  DataSplit val;  ///< empty unless data.val_size > 0
  DataSplit test;
  std::int32_t classes = 0;
  std::string description;
  Shape sample_shape;           ///< one example's shape; its size() is features()
  Preprocessing preprocessing;  ///< what the splits went through after loading

  std::int64_t features() const { return train.features.cols(); }
  /// The rows of `split`.
  const DataSplit& split(Split split) const;

  /// What the splits' views point into; shared, so copies of a PreparedData are cheap views of
  /// the same rows.
  std::shared_ptr<const void> storage;
};

/// `train`, `val` and `test` as a PreparedData that owns them (moves them to the heap; the views
/// point there). `data`'s other fields are kept.
void adopt_splits(PreparedData& data, LabeledSet train, LabeledSet val, LabeledSet test);

/// @param experiment_seed seeds generation and the split unless the data names its own seed
PreparedData prepare_data(const DataSpec& spec, const PluginHost& host,
                          std::uint64_t experiment_seed);

}  // namespace nnlab
