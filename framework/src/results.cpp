#include "results.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace nnlab {

CurvesWriter::CurvesWriter(const std::string& path) : path_(path) {
  file_ = std::fopen(path.c_str(), "w");
  if (!file_) throw Error(path + ": cannot write: " + std::strerror(errno));
  std::fputs("trial,epoch,metric,value\n", file_);
  std::fflush(file_);
}

CurvesWriter::~CurvesWriter() {
  if (file_) std::fclose(file_);
}

void CurvesWriter::write(std::int64_t trial, const EvalPoint& point) {
  for (const auto& [metric, value] : point.metrics) {
    std::fprintf(file_, "%lld,%lld,%s,%.9g\n", static_cast<long long>(trial),
                 static_cast<long long>(point.epoch), metric.c_str(), value);
  }
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
