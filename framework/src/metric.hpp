#pragma once
/// What an evaluation measures: a split of the data and a measure on it (`val_acc` is {val,
/// accuracy}). The core works with these types; the text form exists only where YAML and CSV are
/// read and written.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nnlab {

/// A part of the data: the rows trained on, the held-out validation rows, the test set.
enum class Split { train, val, test };
/// Fraction classified right, or the mean loss (with the regularizers' penalty).
enum class Measure { accuracy, loss };

struct Metric {
  Split split = Split::train;
  Measure measure = Measure::accuracy;

  /// The column text: "train_acc", "val_loss".
  std::string name() const;
  friend auto operator<=>(const Metric&, const Metric&) = default;
};

/// "train", "val", "test".
std::string_view split_name(Split split);
/// The split named `text`, or nullopt.
std::optional<Split> parse_split(std::string_view text);
/// The metric named `text` ("val_acc"), or nullopt.
std::optional<Metric> parse_metric(std::string_view text);

/// The metrics of one evaluation, in the order the splits were evaluated.
struct EvalPoint {
  std::int64_t epoch = 0;
  std::int64_t iteration = 0;  ///< updates done so far
  std::vector<std::pair<Metric, double>> metrics;

  /// The value of `metric` at this evaluation (NaN when it was not evaluated).
  double value(const Metric& metric) const;
};

}  // namespace nnlab
