#pragma once
/// The Dataset interface: a source of labelled examples. The core subsets, scales and splits what a
/// dataset returns, so every dataset gets the same preprocessing.
#include <cstdint>
#include <string>
#include <vector>

#include "nnlab/shape.hpp"
#include "nnlab/tensor.hpp"

namespace nnlab {

/// Examples as rows of raw features (e.g. pixel values 0..255) and integer labels 0..classes-1.
struct LabeledSet {
  Matrix features;
  std::vector<std::int32_t> labels;
};

struct DataRequest {
  std::int64_t train_limit = -1;  ///< keep only the first N training rows (-1: all)
  std::int64_t test_limit = -1;   ///< keep only the first N test rows (-1: all)
  std::uint64_t seed = 0;         ///< for datasets that generate or sample
};

struct DataBundle {
  LabeledSet train;
  LabeledSet test;
  std::int32_t classes = 0;
  std::string description;  ///< one line for the log, e.g. the files read
  /// One example's shape, e.g. 1 x 28 x 28 for grey images (rows hold C-H-W order); empty: a
  /// vector of features.
  Shape sample_shape;
};

class Dataset {
 public:
  virtual ~Dataset();
  /// Loads the data. Throws nnlab::Error naming the file on unreadable or malformed input.
  virtual DataBundle load(const DataRequest& request) = 0;
};

}  // namespace nnlab
