#include "results/pbt_schedule_file.hpp"

namespace nnlab {

namespace {

std::vector<std::string> columns(const std::vector<std::string>& parameters) {
  std::vector<std::string> all = {"member",      "interval",  "epoch",
                                  "copied_from", "objective", "seed"};
  all.insert(all.end(), parameters.begin(), parameters.end());
  return all;
}

std::string header(const std::vector<std::string>& parameters) {
  std::vector<std::string> fields;
  for (const auto& c : columns(parameters)) fields.push_back(csv_field(c));
  return join_csv(fields);
}

}  // namespace

PbtScheduleWriter::PbtScheduleWriter(const std::string& path, std::vector<std::string> parameters,
                                     const std::vector<PbtScheduleRow>& kept)
    : parameters_(std::move(parameters)), csv_(path, header(parameters_), false) {
  if (!kept.empty()) write(kept);
}

void PbtScheduleWriter::write(const std::vector<PbtScheduleRow>& rows) {
  std::string text;
  for (const PbtScheduleRow& r : rows) {
    std::vector<std::string> fields = {std::to_string(r.member),
                                       std::to_string(r.interval),
                                       std::to_string(r.epoch),
                                       std::to_string(r.copied_from),
                                       r.objective ? csv_number(*r.objective) : "",
                                       std::to_string(r.seed)};
    for (const auto& name : parameters_) {
      auto it = r.assignment.find(name);
      fields.push_back(csv_field(it == r.assignment.end() ? "" : it->second));
    }
    text += join_csv(fields) + "\n";
  }
  csv_.write(text);
}

std::vector<PbtScheduleRow> read_pbt_schedule(const std::string& path,
                                              const std::vector<std::string>& parameters) {
  const CsvReader csv(path, columns(parameters), "an nnlab pbt_schedule file");
  std::vector<PbtScheduleRow> rows;
  for (std::size_t i = 0; i < csv.rows(); ++i) {
    const CsvRow row = csv.row(i);
    PbtScheduleRow r;
    r.member = row.integer(0);
    r.interval = row.integer(1);
    r.epoch = row.integer(2);
    r.copied_from = row.integer(3);
    if (!row.text(4).empty()) r.objective = row.number(4);
    r.seed = row.unsigned_integer(5);
    for (std::size_t p = 0; p < parameters.size(); ++p) {
      if (!row.text(6 + p).empty()) r.assignment[parameters[p]] = row.text(6 + p);
    }
    if (r.member < 0) row.fail(0, "expected a member number (0 or more)");
    if (r.interval < 0) row.fail(1, "expected an interval number (0 or more)");
    if (r.copied_from < 0) row.fail(3, "expected a member number (0 or more)");
    rows.push_back(std::move(r));
  }
  return rows;
}

}  // namespace nnlab
