#include "nnlab/idx.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <memory>

#include "nnlab/error.hpp"
#include "nnlab/memory.hpp"

namespace nnlab {
namespace {

/// A gzip stream; zlib reads uncompressed files through the same calls.
class GzFile {
 public:
  explicit GzFile(const std::string& path) : path_(path), file_(gzopen(path.c_str(), "rb")) {
    if (!file_) throw Error(path + ": cannot open (no such file, or not readable)");
    gzbuffer(file_, 1 << 17);
  }
  ~GzFile() { gzclose(file_); }
  GzFile(const GzFile&) = delete;
  GzFile& operator=(const GzFile&) = delete;

  /// Reads up to `bytes`; returns how many were read. Throws on a corrupt gzip stream.
  std::size_t read(void* into, std::size_t bytes) {
    std::size_t done = 0;
    auto* out = static_cast<unsigned char*>(into);
    while (done < bytes) {
      const auto chunk = static_cast<unsigned>(std::min<std::size_t>(bytes - done, 1u << 30));
      const int got = gzread(file_, out + done, chunk);
      if (got < 0) {
        int code = 0;
        throw Error(path_ + ": corrupt gzip data: " + gzerror(file_, &code));
      }
      if (got == 0) break;
      done += static_cast<std::size_t>(got);
    }
    return done;
  }

  std::uint32_t read_u32(const char* what) {
    std::array<unsigned char, 4> b{};
    if (read(b.data(), 4) != 4) throw Error(path_ + ": truncated header: no " + what);
    return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) |
           b[3];
  }

  const std::string& path() const { return path_; }

  /// The most body bytes the file can hold after a header of `header` bytes: its size for a plain
  /// file; for gzip, deflate's limit of 1032 output bytes per input byte. A header that declares
  /// more is refused before anything is allocated or inflated (a truncated file, or a gzip bomb).
  std::uint64_t capacity(std::uint64_t header) const {
    std::error_code ec;
    const std::uint64_t size = std::filesystem::file_size(path_, ec);
    if (ec) return UINT64_MAX;
    if (plain()) return size > header ? size - header : 0;
    return size * 1032;
  }

  bool plain() const { return gzdirect(file_) == 1; }

  /// Whether anything follows what has been read (one byte is inflated, no more).
  bool has_more() {
    unsigned char byte = 0;
    return read(&byte, 1) == 1;
  }

 private:
  std::string path_;
  gzFile file_;
};

std::string hex(std::uint32_t v) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "0x%08X", v);
  return buffer;
}

void expect_magic(GzFile& file, std::uint32_t expected, const char* kind) {
  const std::uint32_t magic = file.read_u32("magic number");
  if (magic != expected) {
    throw Error(file.path() + ": not an IDX " + kind + " file (magic number " + hex(magic) +
                ", expected " + hex(expected) + ")");
  }
}

std::int64_t take(std::uint32_t count, std::int64_t limit) {
  return limit < 0 ? std::int64_t{count} : std::min<std::int64_t>(limit, count);
}

std::string gib(double bytes) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f GiB", bytes / double(1u << 30));
  return buffer;
}

/// Refuses, before reading the body, a header that declares more than the file holds, or rows
/// that could not be held in memory as floats: the declared dimensions are checked, never trusted
/// with an allocation.
void check_declared(GzFile& file, std::uint64_t header, std::uint32_t count,
                    std::uint64_t item_bytes, std::int64_t n, const std::string& items) {
  const std::uint64_t declared = std::uint64_t{count} * item_bytes;
  const std::uint64_t capacity = file.capacity(header);
  if (declared > capacity && file.plain()) {
    throw Error(file.path() + ": truncated: the header promises " + std::to_string(count) + " " +
                items.substr(0, items.find(' ')) + ", but only " +
                std::to_string(capacity / item_bytes) + " are present");
  }
  if (declared > capacity) {
    throw Error(file.path() + ": the header declares " + std::to_string(count) + " " + items +
                " (" + std::to_string(declared) +
                " bytes), more than a gzip file of this size can hold (" +
                std::to_string(capacity) + " bytes at most): truncated, or a gzip bomb");
  }
  const double needed = double(n) * double(item_bytes) * (sizeof(float) + 1);
  if (needed > memory_limit_bytes()) {
    throw Error(file.path() + ": " + std::to_string(n) + " " + items + " need " + gib(needed) +
                " of memory, more than this process may use (" + gib(memory_limit_bytes()) +
                "); set train_limit/test_limit");
  }
}

void refuse_trailing_data(GzFile& file, std::uint32_t count, std::int64_t n,
                          const std::string& items) {
  // Only a whole file is checked: with a limit, the rest of the file is rows not asked for.
  if (n == std::int64_t{count} && file.has_more()) {
    throw Error(file.path() + ": more data follows the " + std::to_string(count) + " " + items +
                " its header declares: wrong dimensions, or not an IDX file");
  }
}

}  // namespace

Matrix read_idx_images(const std::string& path, std::int64_t limit, Shape* sample_shape) {
  GzFile file(path);
  expect_magic(file, 0x00000803, "image");
  const std::uint32_t count = file.read_u32("image count");
  const std::uint32_t rows = file.read_u32("row count");
  const std::uint32_t cols = file.read_u32("column count");
  if (rows == 0 || cols == 0 || std::uint64_t{rows} * cols > (1u << 24)) {
    throw Error(path + ": implausible image size " + std::to_string(rows) + "x" +
                std::to_string(cols));
  }
  const std::int64_t n = take(count, limit);
  const std::int64_t pixels = std::int64_t{rows} * cols;
  check_declared(file, 16, count, static_cast<std::uint64_t>(pixels), n,
                 "images of " + std::to_string(rows) + "x" + std::to_string(cols));
  std::vector<unsigned char> bytes(static_cast<std::size_t>(n * pixels));
  const std::size_t got = file.read(bytes.data(), bytes.size());
  if (got != bytes.size()) {
    throw Error(path + ": truncated: the header promises " + std::to_string(count) +
                " images, but only " + std::to_string(got / static_cast<std::size_t>(pixels)) +
                " are present");
  }
  refuse_trailing_data(file, count, n, "images");
  if (sample_shape) *sample_shape = Shape{1, std::int64_t{rows}, std::int64_t{cols}};
  Matrix images(n, pixels);
  for (std::size_t i = 0; i < bytes.size(); ++i) images.data()[i] = bytes[i];
  return images;
}

std::vector<std::int32_t> read_idx_labels(const std::string& path, std::int64_t limit) {
  GzFile file(path);
  expect_magic(file, 0x00000801, "label");
  const std::uint32_t count = file.read_u32("label count");
  const std::int64_t n = take(count, limit);
  check_declared(file, 8, count, 1, n, "labels");
  std::vector<unsigned char> bytes(static_cast<std::size_t>(n));
  const std::size_t got = file.read(bytes.data(), bytes.size());
  if (got != bytes.size()) {
    throw Error(path + ": truncated: the header promises " + std::to_string(count) +
                " labels, but only " + std::to_string(got) + " are present");
  }
  refuse_trailing_data(file, count, n, "labels");
  return {bytes.begin(), bytes.end()};
}

}  // namespace nnlab
