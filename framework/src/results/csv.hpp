#pragma once
/// The CSV underneath every results file: RFC 4180 fields, a writer that appends whole rows and
/// flushes each (a kill leaves at most one cut-short last line), and a reader that checks the
/// header and turns a bad field into an error naming the file, line and column.
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace nnlab {

/// One CSV field, quoted when it holds a comma, a quote or a line break (which becomes a space).
std::string csv_field(const std::string& text);
/// Splits one CSV line (RFC 4180 quoting).
std::vector<std::string> parse_csv_line(const std::string& line);
/// Joins already-quoted fields with commas.
std::string join_csv(const std::vector<std::string>& fields);

/// Appends rows to a CSV file, writing `header` first when the file is new or empty.
class CsvWriter {
 public:
  /// With `append` false the file is truncated first.
  CsvWriter(std::string path, const std::string& header, bool append);
  ~CsvWriter();
  CsvWriter(const CsvWriter&) = delete;
  CsvWriter& operator=(const CsvWriter&) = delete;

  /// Adds `rows` (each ending in '\n') with one write and one flush.
  void write(const std::string& rows);
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
};

/// One row of a CsvReader: typed access to its fields; a bad one throws Error with file:line and
/// the column's name.
class CsvRow {
 public:
  CsvRow(const std::string& path, std::int64_t line, const std::vector<std::string>& columns,
         std::vector<std::string> fields);

  std::size_t size() const { return fields_.size(); }
  const std::string& text(std::size_t column) const;
  double number(std::size_t column) const;
  std::int64_t integer(std::size_t column) const;
  std::uint64_t unsigned_integer(std::size_t column) const;
  /// An empty field reads as `empty`.
  std::int64_t integer_or(std::size_t column, std::int64_t empty) const;
  /// The row's place, "path:line".
  std::string where() const;
  /// Throws Error "path:line: column 'name': <message>".
  [[noreturn]] void fail(std::size_t column, const std::string& message) const;

 private:
  template <class Integer>
  Integer parse_integer(std::size_t column, const char* expected) const;

  const std::string& path_;
  std::int64_t line_;
  const std::vector<std::string>& columns_;
  std::vector<std::string> fields_;
};

/// Reads a whole CSV file. The header must be `columns` (or, with `columns` empty, is taken as
/// is); every complete row must have as many fields. A last line without its '\n' is a row being
/// written (a live run) or cut short by a kill: it is skipped.
class CsvReader {
 public:
  /// Throws Error naming the file when it cannot be read or its header differs. `what` names the
  /// file's kind in that message ("an nnlab curves file").
  CsvReader(std::string path, std::vector<std::string> columns, const std::string& what);

  const std::vector<std::string>& columns() const { return columns_; }
  std::size_t rows() const { return lines_.size(); }
  /// Row i (0-based, after the header); throws when its field count is wrong.
  CsvRow row(std::size_t i) const;
  /// Whether the file ended in a cut-short line.
  bool cut_short() const { return complete_bytes_ != total_bytes_; }
  /// The length of the file up to its last complete line.
  std::uintmax_t complete_bytes() const { return complete_bytes_; }

 private:
  std::string path_;
  std::vector<std::string> columns_;
  std::vector<std::string> lines_;
  std::uintmax_t complete_bytes_ = 0, total_bytes_ = 0;
};

/// A whole file as text; throws Error naming it when it cannot be read.
std::string read_text(const std::string& path);

/// Writes `text` to `path` atomically (a temporary file, then rename), so a reader never sees half.
void write_file_atomically(const std::string& path, const std::string& text);

/// A double as CSV text with 9 significant digits (what every results file writes).
std::string csv_number(double value);

}  // namespace nnlab
