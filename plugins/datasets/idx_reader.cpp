#include "idx_reader.hpp"

#include <zlib.h>

#include <array>
#include <memory>

#include "nnlab/error.hpp"

namespace nnlab::datasets {
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

/// Up to `bytes` bytes, fewer when the file ends first. The buffer grows with the data that is
/// there, not with what the header promises: a corrupt count must not allocate gigabytes before
/// the file turns out to be short.
std::vector<unsigned char> read_up_to(GzFile& file, std::uint64_t bytes) {
  constexpr std::uint64_t kChunk = std::uint64_t{1} << 24;
  std::vector<unsigned char> out;
  while (out.size() < bytes) {
    const std::size_t at = out.size();
    const auto want = static_cast<std::size_t>(std::min(bytes - at, kChunk));
    out.resize(at + want);
    const std::size_t got = file.read(out.data() + at, want);
    out.resize(at + got);
    if (got < want) break;
  }
  return out;
}

}  // namespace

Matrix read_idx_images(const std::string& path, std::int64_t limit) {
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
  const std::vector<unsigned char> bytes = read_up_to(file, static_cast<std::uint64_t>(n * pixels));
  if (bytes.size() != static_cast<std::uint64_t>(n * pixels)) {
    throw Error(path + ": truncated: the header promises " + std::to_string(count) +
                " images, but only " +
                std::to_string(bytes.size() / static_cast<std::size_t>(pixels)) + " are present");
  }
  Matrix images(n, pixels);
  for (std::size_t i = 0; i < bytes.size(); ++i) images.data()[i] = bytes[i];
  return images;
}

std::vector<std::int32_t> read_idx_labels(const std::string& path, std::int64_t limit) {
  GzFile file(path);
  expect_magic(file, 0x00000801, "label");
  const std::uint32_t count = file.read_u32("label count");
  const std::int64_t n = take(count, limit);
  const std::vector<unsigned char> bytes = read_up_to(file, static_cast<std::uint64_t>(n));
  if (bytes.size() != static_cast<std::uint64_t>(n)) {
    throw Error(path + ": truncated: the header promises " + std::to_string(count) +
                " labels, but only " + std::to_string(bytes.size()) + " are present");
  }
  return {bytes.begin(), bytes.end()};
}

}  // namespace nnlab::datasets
