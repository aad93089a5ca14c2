// libFuzzer target: the results-file readers (framework/src/results). The first input byte picks
// the reader; the rest is the file. trials.csv's parameter columns are taken from the input's own
// header (the columns between seed and objective), as a sweep's --resume knows them from its
// experiment, so rows are reached rather than every input failing at the header. nnlab::Error
// (not the file's kind, a bad row, file:line and column) is expected; anything else is a finding.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_support.hpp"
#include "results/csv.hpp"
#include "results/curves_file.hpp"
#include "results/paths_file.hpp"
#include "results/probe_files.hpp"
#include "results/steps_file.hpp"
#include "results/trials_file.hpp"

namespace {

/// The parameter columns a trials.csv header names, or none when it is not one.
std::vector<std::string> trial_parameters(const std::string& text) {
  const std::vector<std::string> header = nnlab::parse_csv_line(text.substr(0, text.find('\n')));
  const std::vector<std::string> fixed = nnlab::trials_columns({});
  if (header.size() < fixed.size() || !std::equal(fixed.begin(), fixed.begin() + 4, header.begin()))
    return {};
  return {header.begin() + 4,
          header.begin() + static_cast<std::ptrdiff_t>(header.size() - (fixed.size() - 4))};
}

/// Every typed getter on every field, as the report and the sweep read them.
void read_csv(const std::string& path) {
  const nnlab::CsvReader csv(path, {}, "a CSV file");
  for (std::size_t i = 0; i < csv.rows(); ++i) {
    const nnlab::CsvRow row = csv.row(i);
    for (std::size_t c = 0; c < row.size(); ++c) {
      try {
        row.text(c);
        row.number(c);
      } catch (const nnlab::Error&) {
      }
      try {
        row.integer_or(c, -1);
      } catch (const nnlab::Error&) {
      }
      try {
        row.unsigned_integer(c);
      } catch (const nnlab::Error&) {
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static nnlab::fuzz::MemFile file;
  file.assign(data + 1, size - 1);
  const std::string path = file.path();
  try {
    switch (data[0] % 8) {
      case 0:
      case 1: {  // 1: as --resume does, cutting a cut-short last line from the file
        const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
        nnlab::read_trials(path, trial_parameters(text), data[0] % 8 == 1);
        break;
      }
      case 2:
        nnlab::read_curves(path);
        break;
      case 3:
        nnlab::read_steps(path);
        break;
      case 4:
        nnlab::read_probe_stats(path);
        break;
      case 5:
        nnlab::read_histograms(path);
        break;
      case 6:
        nnlab::read_paths(path);
        break;
      default:
        read_csv(path);
    }
  } catch (const nnlab::Error&) {
    // Not a results file of that kind, or a bad row: one line naming file:line. Expected.
  }
  return 0;
}
