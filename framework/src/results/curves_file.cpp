#include "results/curves_file.hpp"

#include <filesystem>

#include "nnlab/error.hpp"

namespace nnlab {

namespace {
const std::vector<std::string> kColumns = {"trial", "epoch", "metric", "value"};

std::string rows_of(std::int64_t trial, const EvalPoint& point) {
  std::string rows;
  for (const auto& [metric, value] : point.metrics) {
    rows += std::to_string(trial) + "," + std::to_string(point.epoch) + "," + metric.name() + "," +
            csv_number(value) + "\n";
  }
  return rows;
}
}  // namespace

CurvesWriter::CurvesWriter(const std::string& path, bool append)
    : csv_(path, join_csv(kColumns), append) {}

void CurvesWriter::write(std::int64_t trial, const EvalPoint& point) {
  csv_.write(rows_of(trial, point));
}

void CurvesWriter::write(std::int64_t trial, const std::vector<EvalPoint>& points) {
  std::string rows;
  for (const EvalPoint& point : points) rows += rows_of(trial, point);
  csv_.write(rows);
}

Curves read_curves(const std::string& path) {
  const CsvReader csv(path, kColumns, "an nnlab curves file");
  Curves curves;
  for (std::size_t i = 0; i < csv.rows(); ++i) {
    const CsvRow row = csv.row(i);
    const auto metric = parse_metric(row.text(2));
    if (!metric) row.fail(2, "expected a metric such as val_acc, got '" + row.text(2) + "'");
    curves[row.integer(0)][*metric].push_back({static_cast<double>(row.integer(1)), row.number(3)});
  }
  return curves;
}

namespace {

/// Rewrites a CSV keeping the rows `keep` accepts (and dropping a cut-short last line).
template <class Keep>
void keep_rows(const std::string& path, const Keep& keep) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return;
  const CsvReader csv(path, {}, "a results file");
  std::string kept = join_csv(csv.columns()) + "\n";
  for (std::size_t i = 0; i < csv.rows(); ++i) {
    const CsvRow row = csv.row(i);
    if (keep(row)) {
      std::vector<std::string> fields;
      for (std::size_t c = 0; c < row.size(); ++c) fields.push_back(csv_field(row.text(c)));
      kept += join_csv(fields) + "\n";
    }
  }
  write_file_atomically(path, kept);
}

}  // namespace

void keep_trial_rows(const std::string& path, const std::set<std::int64_t>& trials) {
  keep_rows(path, [&](const CsvRow& row) { return trials.count(row.integer(0)) > 0; });
}

void keep_rows_through(const std::string& path, std::size_t column, std::int64_t last) {
  keep_rows(path, [&](const CsvRow& row) { return row.integer(column) <= last; });
}

}  // namespace nnlab
