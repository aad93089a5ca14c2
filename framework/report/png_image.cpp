#include "png_image.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "nnlab/error.hpp"

namespace nnlab::png {
namespace {

std::uint32_t crc32(const std::string& bytes) {
  static const std::array<std::uint32_t, 256> table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t n = 0; n < 256; ++n) {
      std::uint32_t c = n;
      for (int k = 0; k < 8; ++k) c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
      t[n] = c;
    }
    return t;
  }();
  std::uint32_t c = 0xffffffffu;
  for (unsigned char b : bytes) c = table[(c ^ b) & 0xff] ^ (c >> 8);
  return c ^ 0xffffffffu;
}

void big_endian(std::string& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xff);
}

/// A chunk: length, type, data, CRC of type and data.
void chunk(std::string& out, const char* type, const std::string& data) {
  big_endian(out, static_cast<std::uint32_t>(data.size()));
  const std::string typed = std::string(type, 4) + data;
  out += typed;
  big_endian(out, crc32(typed));
}

/// A zlib stream of stored deflate blocks (RFC 1950, 1951 sec. 3.2.4).
std::string zlib_stored(const std::string& raw) {
  std::string out = "\x78\x01";
  std::size_t at = 0;
  do {
    const std::size_t n = std::min<std::size_t>(raw.size() - at, 65535);
    const bool last = at + n == raw.size();
    out += static_cast<char>(last ? 1 : 0);
    out += static_cast<char>(n & 0xff);
    out += static_cast<char>(n >> 8);
    out += static_cast<char>(~n & 0xff);
    out += static_cast<char>((~n >> 8) & 0xff);
    out.append(raw, at, n);
    at += n;
  } while (at < raw.size());
  std::uint32_t a = 1, b = 0;  // Adler-32
  for (unsigned char byte : raw) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  big_endian(out, (b << 16) | a);
  return out;
}

}  // namespace

std::string base64(const std::string& bytes) {
  static const char* digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::size_t left = bytes.size() - i;
    std::uint32_t v = static_cast<unsigned char>(bytes[i]) << 16;
    if (left > 1) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    if (left > 2) v |= static_cast<unsigned char>(bytes[i + 2]);
    out += digits[(v >> 18) & 63];
    out += digits[(v >> 12) & 63];
    out += left > 1 ? digits[(v >> 6) & 63] : '=';
    out += left > 2 ? digits[v & 63] : '=';
  }
  return out;
}

std::string data_uri(const float* chw, int channels, int height, int width, float low, float high) {
  if (channels != 1 && channels != 3)
    throw Error("a PNG of " + std::to_string(channels) + " channels; expected 1 or 3");
  const float range = high > low ? high - low : 1.0f;
  // Each row: filter type 0 (none), then its pixels, channels interleaved.
  std::string raw;
  raw.reserve(static_cast<std::size_t>(height) * (1 + static_cast<std::size_t>(width) * 3));
  const std::size_t plane = static_cast<std::size_t>(height) * static_cast<std::size_t>(width);
  for (int y = 0; y < height; ++y) {
    raw += '\0';
    for (int x = 0; x < width; ++x) {
      for (int c = 0; c < channels; ++c) {
        const float v = chw[static_cast<std::size_t>(c) * plane +
                            static_cast<std::size_t>(y) * static_cast<std::size_t>(width) +
                            static_cast<std::size_t>(x)];
        const float level = std::clamp((v - low) / range * 255.0f, 0.0f, 255.0f);
        raw += static_cast<char>(static_cast<unsigned char>(std::lround(level)));
      }
    }
  }
  std::string header;
  big_endian(header, static_cast<std::uint32_t>(width));
  big_endian(header, static_cast<std::uint32_t>(height));
  header += '\x08';                           // 8 bits per sample
  header += channels == 1 ? '\x00' : '\x02';  // grey or RGB
  header += std::string("\0\0\0", 3);         // deflate, adaptive filtering, no interlace
  std::string file = "\x89PNG\r\n\x1a\n";
  chunk(file, "IHDR", header);
  chunk(file, "IDAT", zlib_stored(raw));
  chunk(file, "IEND", "");
  return "data:image/png;base64," + base64(file);
}

}  // namespace nnlab::png
