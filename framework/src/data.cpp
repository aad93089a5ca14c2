#include "data.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

#include "nnlab/random.hpp"
#include "plugin_host.hpp"
#include "whitening.hpp"

namespace nnlab {
namespace {

LabeledSet take_rows(const LabeledSet& from, const std::vector<std::int64_t>& rows) {
  LabeledSet out;
  const std::int64_t cols = from.features.cols();
  out.features = Matrix(static_cast<std::int64_t>(rows.size()), cols);
  out.labels.reserve(rows.size());
  for (std::size_t r = 0; r < rows.size(); ++r) {
    std::memcpy(out.features.data() + static_cast<std::int64_t>(r) * cols,
                from.features.data() + rows[r] * cols,
                static_cast<std::size_t>(cols) * sizeof(float));
    out.labels.push_back(from.labels[static_cast<std::size_t>(rows[r])]);
  }
  return out;
}

void truncate(LabeledSet& set, std::int64_t limit) {
  if (limit < 0 || limit >= set.features.rows()) return;
  std::vector<std::int64_t> rows(static_cast<std::size_t>(limit));
  std::iota(rows.begin(), rows.end(), 0);
  set = take_rows(set, rows);
}

}  // namespace

void Preprocessing::apply(MatrixView rows) const {
  if (!shift.empty()) {
    for (std::int64_t r = 0; r < rows.rows; ++r) {
      float* row = rows.data + r * rows.cols;
      for (std::int64_t c = 0; c < rows.cols; ++c)
        row[c] = (row[c] - shift[static_cast<std::size_t>(c)]) * scale[static_cast<std::size_t>(c)];
    }
  }
  if (whitening) whitening->apply(rows);
}

const DataSplit& PreparedData::split(Split split) const {
  switch (split) {
    case Split::train:
      return train;
    case Split::val:
      return val;
    case Split::test:
      return test;
  }
  return test;
}

void adopt_splits(PreparedData& data, LabeledSet train, LabeledSet val, LabeledSet test) {
  struct Owned {
    LabeledSet train, val, test;
  };
  // Moving a Matrix keeps its buffer, so the views taken after the moves stay valid.
  auto owned = std::make_shared<Owned>(Owned{std::move(train), std::move(val), std::move(test)});
  const auto split_of = [](const LabeledSet& set) {
    return DataSplit{FrozenMatrix(set.features.view()), set.labels};
  };
  data.train = split_of(owned->train);
  data.val = split_of(owned->val);
  data.test = split_of(owned->test);
  data.storage = std::move(owned);
}

PreparedData prepare_data(const DataSpec& spec, const PluginHost& host,
                          std::uint64_t experiment_seed) {
  const std::uint64_t seed = spec.seed.value_or(experiment_seed);
  auto dataset = host.create(host.registries().datasets, spec.source);
  DataRequest request{spec.train_limit, spec.test_limit, derive_seed(seed, "data")};
  DataBundle bundle;
  try {
    bundle = dataset->load(request);
  } catch (const ConfigError&) {
    throw;
  } catch (const Error& e) {
    // Name the experiment line that asked for the data as well as the file that failed.
    throw ConfigError(spec.source.where, "data", e.what());
  } catch (const std::bad_alloc&) {
    // `train: 1e12` rows of a generated dataset: its line, not an anonymous std::bad_alloc.
    throw ConfigError(spec.source.where, "data",
                      "the dataset needs more memory than this machine has");
  }
  // Checks of what the dataset returned name the experiment's `data:` line too.
  const std::string where = "dataset '" + spec.source.kind + "'";
  auto fail = [&](const std::string& message) {
    throw ConfigError(spec.source.where, "data", where + ": " + message);
  };
  if (bundle.train.features.rows() == 0) fail("the dataset has no training rows");
  if (bundle.test.features.cols() != 0 &&
      bundle.test.features.cols() != bundle.train.features.cols()) {
    fail("train and test rows have different feature counts");
  }
  truncate(bundle.train, spec.train_limit);
  truncate(bundle.test, spec.test_limit);

  PreparedData data;
  data.classes = bundle.classes;
  data.description = bundle.description;
  data.sample_shape =
      bundle.sample_shape.dims.empty() ? Shape{bundle.train.features.cols()} : bundle.sample_shape;
  if (data.sample_shape.size() != bundle.train.features.cols()) {
    throw Error(where + ": examples of shape " + data.sample_shape.to_string() + " need " +
                std::to_string(data.sample_shape.size()) + " numbers, the rows have " +
                std::to_string(bundle.train.features.cols()));
  }
  LabeledSet train, val, test;
  const std::int64_t n = bundle.train.features.rows();
  if (spec.val_size > 0) {
    if (spec.val_size >= n) {
      throw ConfigError(spec.source.params.where("val_size"), "data.val_size",
                        "the validation split (" + std::to_string(spec.val_size) +
                            " rows) must leave training rows out of " + std::to_string(n));
    }
    // The book's search: shuffle the first N once, the first val_size rows validate, the rest
    // train.
    std::vector<std::int64_t> order(static_cast<std::size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    if (spec.val_shuffle) {
      Rng rng(derive_seed(seed, "split"));
      std::shuffle(order.begin(), order.end(), rng);
    }
    const auto cut = order.begin() + spec.val_size;
    val = take_rows(bundle.train, {order.begin(), cut});
    train = take_rows(bundle.train, {cut, order.end()});
  } else {
    train = std::move(bundle.train);
  }
  test = std::move(bundle.test);

  // Scaling statistics come from the training rows only, so validation and test stay unseen.
  const std::int64_t cols = train.features.cols();
  std::vector<float> shift(static_cast<std::size_t>(cols), 0.0f),
      scale(static_cast<std::size_t>(cols), 1.0f);
  const float* x = train.features.data();
  const std::int64_t rows = train.features.rows();
  const bool whiten = spec.scale == Scaling::pca || spec.scale == Scaling::zca;
  if (spec.scale == Scaling::minmax || whiten) {
    // One range for all features (pixels share a scale): for 0..255 images this is the book's /255.
    // Whitening starts from it too, so its epsilon means the same for any dataset's raw range.
    const auto [lo, hi] = std::minmax_element(x, x + rows * cols);
    const float range = *hi - *lo;
    std::fill(shift.begin(), shift.end(), *lo);
    std::fill(scale.begin(), scale.end(), range > 0 ? 1.0f / range : 1.0f);
  } else if (spec.scale == Scaling::standardize) {
    for (std::int64_t c = 0; c < cols; ++c) {
      double sum = 0, sum_sq = 0;
      for (std::int64_t r = 0; r < rows; ++r) sum += x[r * cols + c];
      const double mean = sum / static_cast<double>(rows);
      for (std::int64_t r = 0; r < rows; ++r)
        sum_sq += (x[r * cols + c] - mean) * (x[r * cols + c] - mean);
      const double stddev = std::sqrt(sum_sq / static_cast<double>(rows));
      shift[static_cast<std::size_t>(c)] = static_cast<float>(mean);
      scale[static_cast<std::size_t>(c)] = stddev > 1e-12 ? static_cast<float>(1.0 / stddev) : 1.0f;
    }
  }
  // The scaling first (the whitening is fitted on scaled rows), then the whitening.
  Preprocessing& pre = data.preprocessing;
  if (spec.scale != Scaling::none) {
    pre.shift = std::move(shift);
    pre.scale = std::move(scale);
    for (LabeledSet* set : {&train, &val, &test}) pre.apply(set->features);
  }
  if (whiten) {
    Whitening w = fit_whitening(
        train.features, spec.scale == Scaling::pca ? WhiteningKind::pca : WhiteningKind::zca,
        spec.epsilon);
    for (LabeledSet* set : {&train, &val, &test})
      if (set->features.cols() == cols) w.apply(set->features);
    pre.whitening = std::move(w);
  }
  adopt_splits(data, std::move(train), std::move(val), std::move(test));
  for (const DataSplit* set : {&data.train, &data.val, &data.test}) {
    for (auto label : set->labels) {
      if (label < 0 || label >= data.classes) {
        fail("label " + std::to_string(label) + " is outside 0.." +
             std::to_string(data.classes - 1) + " (classes: " + std::to_string(data.classes) + ")");
      }
    }
  }
  return data;
}

}  // namespace nnlab
