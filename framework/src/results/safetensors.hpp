#pragma once
/// The safetensors file format (Hugging Face's): an 8-byte little-endian header length N, N bytes
/// of JSON naming each tensor's dtype, shape and byte range, then the raw little-endian tensor
/// bytes. Python reads it with numpy alone (README, "Trained models"). nnlab writes and reads F32
/// (parameters), and F64, I64 and U8 (a checkpoint's optimizer state, counters and random
/// engines). Reading checks everything before returning anything and executes nothing: a
/// truncated or tampered file, a header that lies about sizes or offsets, overlapping or
/// uncovered bytes are each one Error naming the file (and the tensor).
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace nnlab {

enum class DType { f32, f64, i64, u8 };

/// "F32", "F64", "I64", "U8": the header's names.
std::string_view dtype_name(DType dtype);
std::size_t dtype_size(DType dtype);

template <class T>
constexpr DType dtype_of();
template <>
constexpr DType dtype_of<float>() {
  return DType::f32;
}
template <>
constexpr DType dtype_of<double>() {
  return DType::f64;
}
template <>
constexpr DType dtype_of<std::int64_t>() {
  return DType::i64;
}
template <>
constexpr DType dtype_of<std::uint8_t>() {
  return DType::u8;
}

struct SafeTensor {
  DType dtype = DType::f32;
  std::vector<std::int64_t> shape;
  std::string data;  ///< shape's product of elements, row-major, as little-endian bytes

  template <class T>
  static SafeTensor of(std::vector<std::int64_t> shape, std::span<const T> values) {
    SafeTensor t;
    t.dtype = dtype_of<T>();
    t.shape = std::move(shape);
    t.data.assign(reinterpret_cast<const char*>(values.data()), values.size_bytes());
    return t;
  }
  std::int64_t elements() const;
  /// Copies the elements into `out`, which the caller sized to them and typed as the tensor's
  /// dtype (both checked before: see model_file.cpp, checkpoint.cpp).
  template <class T>
  void copy_to(std::span<T> out) const {
    if (!data.empty())
      std::memcpy(out.data(), data.data(), std::min(out.size_bytes(), data.size()));
  }
  /// The elements as a vector of T (the tensor's dtype).
  template <class T>
  std::vector<T> values() const {
    std::vector<T> out(data.size() / sizeof(T));
    copy_to(std::span<T>(out));
    return out;
  }
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
