// libFuzzer target: the IDX reader (nnlab/idx.hpp) the datasets plugin and `nnlab predict` use
// (MNIST-format images and labels, gzip'd or not). The first input byte picks what to read and how;
// the rest is the file:
//   bit 0: images (0) or labels (1)
//   bit 1: the file as given (plain, or the fuzzer's own gzip bytes, corrupt ones included), or
//          gzip-compressed by the target first, so the mutations reach the reader through zlib
//   bits 2-3: the row limit: all (-1), 0, 1 or 3
// nnlab::Error (missing, not IDX, implausible, truncated, corrupt gzip) is expected; anything else
// is a finding.
#include <zlib.h>

#include <array>
#include <cstdint>
#include <vector>

#include "fuzz_support.hpp"
#include "nnlab/error.hpp"
#include "nnlab/idx.hpp"

namespace {

/// `size` bytes at `data` as a gzip stream.
std::vector<std::uint8_t> gzip(const std::uint8_t* data, std::size_t size) {
  z_stream stream{};
  // windowBits 15 + 16: a gzip header and trailer instead of zlib's.
  if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK)
    return {};
  std::vector<std::uint8_t> out(deflateBound(&stream, static_cast<uLong>(size)));
  stream.next_in = const_cast<Bytef*>(data);
  stream.avail_in = static_cast<uInt>(size);
  stream.next_out = out.data();
  stream.avail_out = static_cast<uInt>(out.size());
  deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static nnlab::fuzz::MemFile file;
  const std::uint8_t mode = data[0];
  const bool labels = (mode & 1) != 0;
  const bool compress = (mode & 2) != 0;
  constexpr std::array<std::int64_t, 4> kLimits = {-1, 0, 1, 3};
  const std::int64_t limit = kLimits[(mode >> 2) & 3];
  if (compress) {
    const std::vector<std::uint8_t> packed = gzip(data + 1, size - 1);
    file.assign(packed.data(), packed.size());
  } else {
    file.assign(data + 1, size - 1);
  }
  try {
    if (labels) {
      const auto read = nnlab::read_idx_labels(file.path(), limit);
      if (limit >= 0 && static_cast<std::int64_t>(read.size()) > limit) __builtin_trap();
    } else {
      const nnlab::Matrix read = nnlab::read_idx_images(file.path(), limit);
      if (limit >= 0 && read.rows() > limit) __builtin_trap();  // the limit is a promise
    }
  } catch (const nnlab::Error&) {
    // Not an IDX file, or a bad one: one line naming the file. Expected.
  }
  return 0;
}
