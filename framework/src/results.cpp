#include "results.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace nnlab {

namespace {
/// Opens a CSV file for writing (or appending), with `header` when the file is new or empty.
std::FILE* open_csv(const std::string& path, bool append, const char* header) {
  std::error_code ec;
  const bool fresh =
      !append || !std::filesystem::exists(path, ec) || std::filesystem::file_size(path, ec) == 0;
  std::FILE* file = std::fopen(path.c_str(), append ? "a" : "w");
  if (!file) throw Error(path + ": cannot write: " + std::strerror(errno));
  if (fresh) {
    std::fputs(header, file);
    std::fflush(file);
  }
  return file;
}
}  // namespace

CurvesWriter::CurvesWriter(const std::string& path, bool append)
    : path_(path), file_(open_csv(path, append, "trial,epoch,metric,value\n")) {}

StepsWriter::StepsWriter(const std::string& path, bool append)
    : path_(path), file_(open_csv(path, append, "trial,iteration,loss\n")) {}

StepsWriter::~StepsWriter() {
  if (file_) std::fclose(file_);
}

void StepsWriter::write(std::int64_t trial,
                        const std::vector<std::pair<std::int64_t, double>>& steps) {
  for (const auto& [iteration, loss] : steps) {
    std::fprintf(file_, "%lld,%lld,%.9g\n", static_cast<long long>(trial),
                 static_cast<long long>(iteration), loss);
  }
  if (std::fflush(file_) != 0) throw Error(path_ + ": write failed: " + std::strerror(errno));
}

Curves read_curves(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(path + ": cannot read (is this a results folder?)");
  Curves curves;
  std::string line;
  std::getline(in, line);
  if (line != "trial,epoch,metric,value")
    throw Error(path + ": not an nnlab curves file (header '" + line + "')");
  while (std::getline(in, line)) {
    std::stringstream row(line);
    std::string trial, epoch, metric, value;
    if (!std::getline(row, trial, ',') || !std::getline(row, epoch, ',') ||
        !std::getline(row, metric, ',') || !std::getline(row, value))
      continue;  // a cut-short last line
    curves[std::stoll(trial)][metric].push_back({std::stod(epoch), std::stod(value)});
  }
  return curves;
}

CurvesWriter::~CurvesWriter() {
  if (file_) std::fclose(file_);
}

namespace {
void put_rows(std::FILE* file, std::int64_t trial, const EvalPoint& point) {
  for (const auto& [metric, value] : point.metrics) {
    std::fprintf(file, "%lld,%lld,%s,%.9g\n", static_cast<long long>(trial),
                 static_cast<long long>(point.epoch), metric.c_str(), value);
  }
}
}  // namespace

void CurvesWriter::write(std::int64_t trial, const EvalPoint& point) {
  put_rows(file_, trial, point);
  if (std::fflush(file_) != 0) throw Error(path_ + ": write failed: " + std::strerror(errno));
}

void CurvesWriter::write(std::int64_t trial, const std::vector<EvalPoint>& points) {
  for (const EvalPoint& point : points) put_rows(file_, trial, point);
  if (std::fflush(file_) != 0) throw Error(path_ + ": write failed: " + std::strerror(errno));
}

void write_file_atomically(const std::string& path, const std::string& text) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << text;
    out.flush();
    if (!out) throw Error(temporary + ": cannot write");
  }
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  if (ec) throw Error(path + ": cannot write: " + ec.message());
}

}  // namespace nnlab
