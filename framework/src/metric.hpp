#pragma once
/// What an evaluation measures: a split of the data and a measure on it (`val_acc` is {val,
/// accuracy}). The core works with these types; the text form exists only where YAML and CSV are
/// read and written.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
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

/// A quantity of a whole trial rather than of one evaluation: what a multi-objective search trades
/// against accuracy. Each is the mean over the trial's repeats.
enum class RunMeasure {
  train_seconds,  ///< wall time of training (evaluations included, model building not)
  params,         ///< trainable parameters of the model (weights, biases, scales, shifts)
  updates,        ///< optimizer steps taken
};

/// What one objective of a multi-objective search measures: an evaluation metric at the last
/// evaluation, or a measure of the whole run.
struct ObjectiveMeasure {
  std::variant<Metric, RunMeasure> what;

  /// The column text: "val_acc", "train_seconds", "params", "updates".
  std::string name() const;
  friend bool operator==(const ObjectiveMeasure&, const ObjectiveMeasure&) = default;
};
/// The measure named `text` (a metric's name, or a run measure's), or nullopt.
std::optional<ObjectiveMeasure> parse_objective_measure(std::string_view text);

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
