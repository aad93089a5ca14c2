#pragma once
/// The safetensors file format (Hugging Face's): an 8-byte little-endian header length N, N bytes
/// of JSON naming each tensor's dtype, shape and byte range, then the raw little-endian tensor
/// bytes. Python reads it with numpy alone (README, "Trained models"). nnlab writes and reads F32
/// tensors only. Reading checks everything before returning anything and executes nothing: a
/// truncated or tampered file, a header that lies about sizes or offsets, overlapping or
/// uncovered bytes are each one Error naming the file (and the tensor).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace nnlab {

struct SafeTensor {
  std::vector<std::int64_t> shape;
  std::vector<float> values;  ///< shape's product of them, row-major
};

struct SafeTensors {
  std::map<std::string, std::string> metadata;  ///< the header's "__metadata__"
  std::map<std::string, SafeTensor> tensors;
};

/// The file's bytes (written with write_file_atomically by callers). Tensors are laid out in name
/// order; the header is padded with spaces to a multiple of 8 bytes, as the reference writer does.
std::string encode_safetensors(const SafeTensors& file);

/// Parses and checks the bytes of `path` (named in errors).
SafeTensors decode_safetensors(const std::string& bytes, const std::string& path);

/// Reads and decodes `path`.
SafeTensors read_safetensors(const std::string& path);

}  // namespace nnlab
