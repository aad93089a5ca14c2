#include "results/steps_file.hpp"

#include <filesystem>

namespace nnlab {

namespace {
const std::vector<std::string> kColumns = {"trial", "iteration", "loss"};
}  // namespace

StepsWriter::StepsWriter(const std::string& path, bool append)
    : csv_(path, join_csv(kColumns), append) {}

void StepsWriter::write(std::int64_t trial, const StepLosses& steps) {
  std::string rows;
  for (const auto& [iteration, loss] : steps)
    rows += std::to_string(trial) + "," + std::to_string(iteration) + "," + csv_number(loss) + "\n";
  csv_.write(rows);
}

std::map<std::int64_t, StepLosses> read_steps(const std::string& path) {
  std::map<std::int64_t, StepLosses> steps;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return steps;
  const CsvReader csv(path, kColumns, "an nnlab steps file");
  for (std::size_t i = 0; i < csv.rows(); ++i) {
    const CsvRow row = csv.row(i);
    steps[row.integer(0)].push_back({row.integer(1), row.number(2)});
  }
  return steps;
}

}  // namespace nnlab
