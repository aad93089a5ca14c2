#pragma once
/// Small images for `nnlab report` as PNG data: URIs, so a page shows training images without
/// files beside it or a network. Deflate's stored (uncompressed) blocks: a 28 × 28 image is under
/// 1 kB either way, and the page needs no zlib.
#include <cstdint>
#include <string>

namespace nnlab::png {

/// A `data:image/png;base64,...` URI of a C×H×W float image (C 1: grey, 3: RGB), each value
/// mapped linearly from [low, high] to 0..255 (clamped).
std::string data_uri(const float* chw, int channels, int height, int width, float low, float high);

/// RFC 4648 base64 of `bytes`.
std::string base64(const std::string& bytes);

}  // namespace nnlab::png
