#include "results/paths_file.hpp"

#include "nnlab/error.hpp"
#include "results/csv.hpp"

namespace nnlab {

namespace {
constexpr std::size_t kFixedColumns = 4;  // path, optimizer, step, value
}  // namespace

void write_paths(const std::string& path, const std::vector<OptimizerPath>& paths) {
  std::string text = "path,optimizer,step,value";
  const std::size_t dimensions = paths.empty() ? 0 : paths.front().points.front().x.size();
  for (std::size_t i = 0; i < dimensions; ++i) {
    text += ",x";  // appended apart: `"literal" + std::string&&` trips GCC 12's -Wrestrict
    text += std::to_string(i + 1);
  }
  text += "\n";
  for (std::size_t p = 0; p < paths.size(); ++p) {
    for (const PathPoint& point : paths[p].points) {
      // Labels hold spaces and '=': always quoted, as earlier files were.
      text += std::to_string(p) + ",\"" + paths[p].label + "\"," + std::to_string(point.step) +
              "," + csv_number(point.value);
      for (double x : point.x) {
        text += ',';
        text += csv_number(x);  // float32 points: 9 digits are exact
      }
      text += "\n";
    }
  }
  write_file_atomically(path, text);
}

std::vector<OptimizerPath> read_paths(const std::string& path) {
  const CsvReader csv(path, {}, "an nnlab paths file");
  const auto& columns = csv.columns();
  if (columns.size() < kFixedColumns || columns[0] != "path" || columns[1] != "optimizer" ||
      columns[2] != "step" || columns[3] != "value") {
    throw Error(path + ":1: not an nnlab paths file (expected path,optimizer,step,value,x1,...)");
  }
  std::vector<OptimizerPath> paths;
  for (std::size_t i = 0; i < csv.rows(); ++i) {
    const CsvRow row = csv.row(i);
    const std::int64_t index = row.integer(0);
    if (index == static_cast<std::int64_t>(paths.size())) {
      paths.push_back({row.text(1), {}});
    } else if (index != static_cast<std::int64_t>(paths.size()) - 1) {
      row.fail(0, "expected path " + std::to_string(paths.size()) + " (paths come in order)");
    }
    PathPoint point;
    point.step = row.integer(2);
    point.value = row.number(3);
    for (std::size_t c = kFixedColumns; c < row.size(); ++c) point.x.push_back(row.number(c));
    paths.back().points.push_back(std::move(point));
  }
  return paths;
}

}  // namespace nnlab
