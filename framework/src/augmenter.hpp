#pragma once
/// The trainer's data augmentation: the experiment's `augment:` policy applied to each training
/// image of a minibatch, in place, on the trial's threads.
///
/// Its randomness is a pure function of (experiment seed, update index, row in the minibatch):
/// each image gets its own engine, seeded from those three. So the numbers do not depend on the
/// thread count or on which thread takes which image, and a run resumed at update k augments
/// exactly as the uninterrupted run did, with no generator state to save.
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "data.hpp"
#include "experiment.hpp"
#include "nnlab/augmentation.hpp"

namespace nnlab {

class PluginHost;

class Augmenter {
 public:
  /// Builds the operations `spec.augment` names through `host` and sizes every buffer once.
  /// Throws ConfigError (at the `augment:` line, or the op's) when the data are not images in a
  /// pixel range (data.scale minmax or none), or an operation is unknown or misconfigured.
  Augmenter(const ExperimentSpec& spec, const PreparedData& data, const PluginHost& host);
  ~Augmenter();

  /// Augments the `rows` images of `batch` (rows × C·H·W, C-H-W order) in place, for update
  /// `update` (0-based). Allocates nothing.
  void apply(float* batch, std::int64_t rows, std::int64_t update);

  /// The operations RandAugment and TrivialAugment draw from when `ops:` is not given:
  /// RandAugment's 14 (Cubuk et al. 2020, section 3).
  static const std::vector<std::string>& default_ops();

 private:
  /// One image's operations, drawn and applied with `rng`.
  void augment(const ImageView& image, Rng& rng, std::span<float> scratch) const;

  struct Step {
    std::unique_ptr<Augmentation> op;
    double probability = 1.0;
    double magnitude = 0.0;
  };
  AugmentKind kind_ = AugmentKind::policy;
  std::vector<std::vector<Step>> policy_;  ///< policy: sub-policies; otherwise one list, the ops
  std::int64_t n_ = 2;
  double m_ = 9.0;
  Shape shape_;
  float low_ = 0.0f, high_ = 1.0f;  ///< the training images' value range
  std::uint64_t seed_ = 0;
  int threads_ = 1;
  std::int64_t scratch_per_thread_ = 0;
  std::vector<float> scratch_;  ///< threads × scratch_per_thread_
  std::vector<Rng> engines_;    ///< one per thread, reseeded per image
};

}  // namespace nnlab
