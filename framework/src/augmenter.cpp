#include "augmenter.hpp"

#include <omp.h>

#include <algorithm>
#include <random>

#include "plugin_host.hpp"

namespace nnlab {

namespace {

/// The seed of one image's engine: SplitMix64's finaliser over (stream, update, row), so nearby
/// updates and rows get unrelated engines.
std::uint64_t image_seed(std::uint64_t stream, std::int64_t update, std::int64_t row) {
  std::uint64_t z = stream;
  for (const auto part : {static_cast<std::uint64_t>(update), static_cast<std::uint64_t>(row)}) {
    z += 0x9E3779B97F4A7C15ULL + part;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
  }
  return z;
}

/// TrivialAugment's magnitude: one of 31 levels (TrivialAugmentWide's bins 0..30) spread over
/// 0..10, drawn uniformly.
constexpr int kTrivialLevels = 31;

}  // namespace

const std::vector<std::string>& Augmenter::default_ops() {
  static const std::vector<std::string> ops = {
      "identity", "auto_contrast", "equalize",    "rotate",     "solarize",
      "color",    "posterize",     "contrast",    "brightness", "sharpness",
      "shear_x",  "shear_y",       "translate_x", "translate_y"};
  return ops;
}

Augmenter::Augmenter(const ExperimentSpec& spec, const PreparedData& data, const PluginHost& host)
    : kind_(spec.augment->kind),
      n_(spec.augment->n),
      m_(spec.augment->m),
      shape_(data.sample_shape),
      seed_(derive_seed(spec.seed, "augment")),
      threads_(std::max(1, spec.execution.threads_per_trial)) {
  const AugmentSpec& augment = *spec.augment;
  const Registry<Augmentation>& registry = host.registries().augmentations;
  auto make = [&](const ComponentSpec& op, double probability, double magnitude) {
    return Step{host.create(registry, op, "op"), probability, magnitude};
  };
  if (kind_ == AugmentKind::policy) {
    for (const auto& sub : augment.policy) {
      std::vector<Step> steps;
      for (const AugmentOpSpec& op : sub)
        steps.push_back(make(op.op, op.probability, op.magnitude));
      policy_.push_back(std::move(steps));
    }
  } else {
    std::vector<Step> steps;
    if (augment.ops.empty()) {
      for (const std::string& name : default_ops()) {
        ComponentSpec op;
        op.kind = name;
        op.path = "augment.ops";
        op.where = augment.where;
        op.params = Params(op.path, op.where);
        steps.push_back(make(op, 1.0, 0.0));
      }
    } else {
      for (const ComponentSpec& op : augment.ops) steps.push_back(make(op, 1.0, 0.0));
    }
    policy_.push_back(std::move(steps));
  }
  // Checked after the operations, so an unknown one is named whatever the data.
  if (!shape_.is_image()) {
    throw ConfigError(augment.where, "augment",
                      "augmentation needs images (channels x height x width); the data's "
                      "examples are " +
                          shape_.to_string() + " features");
  }
  if (spec.data.scale != Scaling::minmax && spec.data.scale != Scaling::none) {
    throw ConfigError(augment.where, "augment",
                      "augmentation works on pixels: data.scale must be minmax or none "
                      "(standardized or whitened features are not an image's values)");
  }
  // The value range every photometric operation works in: the training images' own (0..1 after
  // minmax scaling).
  const float* x = data.train.features.data();
  const auto [lo, hi] = std::minmax_element(x, x + data.train.features.size());
  low_ = *lo;
  high_ = *hi;
  for (const auto& sub : policy_)
    for (const Step& step : sub)
      scratch_per_thread_ = std::max(scratch_per_thread_, step.op->scratch_floats(shape_));
  scratch_.resize(static_cast<std::size_t>(scratch_per_thread_ * threads_));
  engines_.resize(static_cast<std::size_t>(threads_));
}

Augmenter::~Augmenter() = default;

void Augmenter::augment(const ImageView& image, Rng& rng, std::span<float> scratch) const {
  switch (kind_) {
    case AugmentKind::policy: {
      const auto& sub =
          policy_[std::uniform_int_distribution<std::size_t>(0, policy_.size() - 1)(rng)];
      for (const Step& step : sub) {
        // Drawn for every step, so whether one applies never shifts another's numbers.
        const bool applies =
            std::uniform_real_distribution<double>(0.0, 1.0)(rng) < step.probability;
        if (applies) step.op->apply(image, step.magnitude, rng, scratch);
      }
      return;
    }
    case AugmentKind::randaugment: {
      const auto& ops = policy_.front();
      std::uniform_int_distribution<std::size_t> pick(0, ops.size() - 1);
      for (std::int64_t k = 0; k < n_; ++k) ops[pick(rng)].op->apply(image, m_, rng, scratch);
      return;
    }
    case AugmentKind::trivialaugment: {
      const auto& ops = policy_.front();
      const Step& step = ops[std::uniform_int_distribution<std::size_t>(0, ops.size() - 1)(rng)];
      const int bin = std::uniform_int_distribution<int>(0, kTrivialLevels - 1)(rng);
      step.op->apply(image, Augmentation::kMaxMagnitude * bin / (kTrivialLevels - 1), rng, scratch);
      return;
    }
  }
}

void Augmenter::apply(float* batch, std::int64_t rows, std::int64_t update) {
  const std::int64_t features = shape_.size();
#pragma omp parallel for num_threads(threads_) schedule(static) if (threads_ > 1)
  for (std::int64_t r = 0; r < rows; ++r) {
    const auto thread = static_cast<std::size_t>(omp_get_thread_num());
    Rng& rng = engines_[thread];
    rng.seed(image_seed(seed_, update, r));
    const ImageView image{
        batch + r * features, shape_.channels(), shape_.height(), shape_.width(), low_, high_};
    augment(
        image, rng,
        std::span<float>(scratch_.data() + static_cast<std::int64_t>(thread) * scratch_per_thread_,
                         static_cast<std::size_t>(scratch_per_thread_)));
  }
}

}  // namespace nnlab
