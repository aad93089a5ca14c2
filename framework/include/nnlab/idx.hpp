#pragma once
/// Reader for the IDX format of MNIST and Fashion-MNIST (LeCun et al.), gzip'd or not: a big-endian
/// header (magic 0x00000803 for uint8 N x rows x cols images, 0x00000801 for uint8 labels), then
/// bytes. Part of the SDK: the `idx` dataset reads MNIST-style files with it, `nnlab predict` reads
/// its IDX input with it, and a user's dataset plugin may too.
#include <cstdint>
#include <string>
#include <vector>

#include "nnlab/shape.hpp"
#include "nnlab/tensor.hpp"

namespace nnlab {

/// Reads up to `limit` images (-1: all) as rows of rows*cols float pixel values 0..255; with
/// `sample_shape`, stores the images' shape there (1 x rows x cols: one channel).
/// Throws nnlab::Error naming the file on a missing file, a wrong magic number or truncated data.
Matrix read_idx_images(const std::string& path, std::int64_t limit, Shape* sample_shape = nullptr);

/// Reads up to `limit` labels (-1: all).
std::vector<std::int32_t> read_idx_labels(const std::string& path, std::int64_t limit);

}  // namespace nnlab
