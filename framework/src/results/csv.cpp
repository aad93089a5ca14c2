#include "csv.hpp"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "nnlab/error.hpp"

namespace nnlab {

namespace fs = std::filesystem;

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c == '\n' || c == '\r' ? ' ' : c;
  }
  return out + "\"";
}

std::vector<std::string> parse_csv_line(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

std::string join_csv(const std::vector<std::string>& fields) {
  std::string line;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) line += ',';
    line += fields[i];
  }
  return line;
}

std::string csv_number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.9g", value);
  return text;
}

CsvWriter::CsvWriter(std::string path, const std::string& header, bool append)
    : path_(std::move(path)) {
  std::error_code ec;
  const bool fresh = !append || !fs::exists(path_, ec) || fs::file_size(path_, ec) == 0;
  file_ = std::fopen(path_.c_str(), append ? "a" : "w");
  if (!file_) throw Error(path_ + ": cannot write: " + std::strerror(errno));
  if (fresh) write(header + "\n");
}

CsvWriter::~CsvWriter() {
  if (file_) std::fclose(file_);
}

void CsvWriter::write(const std::string& rows) {
  // One write of whole rows, then a flush: a kill leaves at most one cut-short last line.
  if (std::fputs(rows.c_str(), file_) < 0 || std::fflush(file_) != 0)
    throw Error(path_ + ": write failed: " + std::strerror(errno));
}

CsvRow::CsvRow(const std::string& path, std::int64_t line, const std::vector<std::string>& columns,
               std::vector<std::string> fields)
    : path_(path), line_(line), columns_(columns), fields_(std::move(fields)) {}

std::string CsvRow::where() const { return path_ + ":" + std::to_string(line_); }

void CsvRow::fail(std::size_t column, const std::string& message) const {
  const std::string name = column < columns_.size() ? columns_[column] : std::to_string(column + 1);
  throw Error(where() + ": column '" + name + "': " + message);
}

const std::string& CsvRow::text(std::size_t column) const { return fields_.at(column); }

double CsvRow::number(std::size_t column) const {
  const std::string& t = fields_.at(column);
  // strtod takes nan and inf, which results files write for diverged values.
  char* end = nullptr;
  errno = 0;
  const double value = std::strtod(t.c_str(), &end);
  if (t.empty() || end != t.c_str() + t.size() || errno == ERANGE)
    fail(column, "expected a number, got '" + t + "'");
  return value;
}

template <class Integer>
Integer CsvRow::parse_integer(std::size_t column, const char* expected) const {
  const std::string& t = fields_.at(column);
  Integer value = 0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
  if (t.empty() || ec != std::errc() || end != t.data() + t.size())
    fail(column, std::string("expected ") + expected + ", got '" + t + "'");
  return value;
}

std::int64_t CsvRow::integer(std::size_t column) const {
  return parse_integer<std::int64_t>(column, "an integer");
}

std::uint64_t CsvRow::unsigned_integer(std::size_t column) const {
  return parse_integer<std::uint64_t>(column, "a non-negative integer");
}

std::int64_t CsvRow::integer_or(std::size_t column, std::int64_t empty) const {
  return fields_.at(column).empty() ? empty : integer(column);
}

CsvReader::CsvReader(std::string path, std::vector<std::string> columns, const std::string& what)
    : path_(std::move(path)), columns_(std::move(columns)) {
  std::ifstream in(path_, std::ios::binary);
  if (!in) throw Error(path_ + ": cannot read (is this a results folder?)");
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text = buffer.str();
  total_bytes_ = text.size();
  const std::size_t end = text.rfind('\n');
  complete_bytes_ = end == std::string::npos ? 0 : end + 1;
  std::size_t start = 0;
  while (start < complete_bytes_) {
    const std::size_t nl = text.find('\n', start);
    lines_.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  if (lines_.empty()) {
    if (columns_.empty()) throw Error(path_ + ": empty, not " + what);
    return;  // a file created but not yet written: no rows
  }
  const std::string header = lines_.front();
  lines_.erase(lines_.begin());
  if (columns_.empty()) {
    columns_ = parse_csv_line(header);
  } else if (parse_csv_line(header) != columns_) {
    std::vector<std::string> expected;
    for (const auto& c : columns_) expected.push_back(csv_field(c));
    throw Error(path_ + ":1: not " + what + " (header '" + header + "', expected '" +
                join_csv(expected) + "')");
  }
}

CsvRow CsvReader::row(std::size_t i) const {
  auto fields = parse_csv_line(lines_.at(i));
  const auto line = static_cast<std::int64_t>(i) + 2;
  if (fields.size() != columns_.size()) {
    throw Error(path_ + ":" + std::to_string(line) + ": expected " +
                std::to_string(columns_.size()) + " fields, got " + std::to_string(fields.size()));
  }
  return CsvRow(path_, line, columns_, std::move(fields));
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(path + ": cannot read: " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_file_atomically(const std::string& path, const std::string& text) {
  // The temporary sits beside the file (rename is atomic only within one file system) and is
  // removed again when anything fails, so a full disk leaves neither half a file nor litter.
  const std::string temporary = path + ".tmp";
  std::FILE* out = std::fopen(temporary.c_str(), "wb");
  if (!out) throw Error(path + ": cannot write: " + std::strerror(errno));
  const bool written =
      std::fwrite(text.data(), 1, text.size(), out) == text.size() && std::fflush(out) == 0;
  const int write_errno = errno;
  const bool closed = std::fclose(out) == 0;
  if (!written || !closed) {
    const int reason = written ? errno : write_errno;
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw Error(path + ": cannot write: " + std::strerror(reason));
  }
  std::error_code ec;
  fs::rename(temporary, path, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw Error(path + ": cannot write: " + ec.message());
  }
}

}  // namespace nnlab
