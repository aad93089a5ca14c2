#include "results/importance_file.hpp"

#include "results/csv.hpp"

namespace nnlab {

std::vector<std::string> importance_columns() {
  return {"rank", "parameter", "importance", "trials", "conditional", "method"};
}

void write_importance(const std::string& path, const std::vector<ImportanceRecord>& records) {
  std::string text = join_csv(importance_columns()) + "\n";
  for (const auto& r : records) {
    text += join_csv({std::to_string(r.rank), csv_field(r.parameter), csv_number(r.importance),
                      std::to_string(r.trials), r.conditional ? "true" : "false",
                      csv_field(r.method)}) +
            "\n";
  }
  write_file_atomically(path, text);
}

std::vector<ImportanceRecord> read_importance(const std::string& path) {
  const CsvReader csv(path, importance_columns(), "an nnlab importance file");
  std::vector<ImportanceRecord> records;
  for (std::size_t i = 0; i < csv.rows(); ++i) {
    const CsvRow row = csv.row(i);
    ImportanceRecord r;
    r.rank = row.integer(0);
    r.parameter = row.text(1);
    r.importance = row.number(2);
    r.trials = row.integer(3);
    if (row.text(4) != "true" && row.text(4) != "false") {
      row.fail(4, "expected true or false, got '" + row.text(4) + "'");
    }
    r.conditional = row.text(4) == "true";
    r.method = row.text(5);
    records.push_back(std::move(r));
  }
  return records;
}

}  // namespace nnlab
