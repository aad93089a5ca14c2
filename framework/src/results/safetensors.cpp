#include "results/safetensors.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>

#include "nnlab/error.hpp"
#include "results/csv.hpp"

namespace nnlab {
namespace {

static_assert(std::endian::native == std::endian::little,
              "safetensors is little-endian; nnlab writes the bytes as they are in memory");

// The reference implementation refuses headers above 100 MB; so do we, before parsing.
constexpr std::uint64_t kMaxHeader = 100'000'000;

std::int64_t element_count(const std::vector<std::int64_t>& shape) {
  std::int64_t n = 1;
  for (auto d : shape) n *= d;
  return n;
}

std::optional<DType> parse_dtype(const std::string& name) {
  for (DType d : {DType::f32, DType::f64, DType::i64, DType::u8})
    if (dtype_name(d) == name) return d;
  return std::nullopt;
}

}  // namespace

std::string_view dtype_name(DType dtype) {
  switch (dtype) {
    case DType::f32:
      return "F32";
    case DType::f64:
      return "F64";
    case DType::i64:
      return "I64";
    case DType::u8:
      return "U8";
  }
  return "?";
}

std::size_t dtype_size(DType dtype) {
  switch (dtype) {
    case DType::f32:
      return 4;
    case DType::f64:
    case DType::i64:
      return 8;
    case DType::u8:
      return 1;
  }
  return 1;
}

std::int64_t SafeTensor::elements() const { return element_count(shape); }

std::string encode_safetensors(const SafeTensors& file) {
  nlohmann::ordered_json header = nlohmann::ordered_json::object();
  if (!file.metadata.empty()) header["__metadata__"] = file.metadata;
  std::uint64_t offset = 0;
  for (const auto& [name, tensor] : file.tensors) {
    const std::uint64_t bytes = tensor.data.size();
    if (static_cast<std::uint64_t>(element_count(tensor.shape)) * dtype_size(tensor.dtype) != bytes)
      throw Error("safetensors: tensor '" + name + "' has " + std::to_string(bytes) +
                  " bytes for its shape and dtype");
    header[name] = {{"dtype", std::string(dtype_name(tensor.dtype))},
                    {"shape", tensor.shape},
                    {"data_offsets", {offset, offset + bytes}}};
    offset += bytes;
  }
  std::string json = header.dump();
  json.append((8 - json.size() % 8) % 8, ' ');
  std::string out(8, '\0');
  const std::uint64_t length = json.size();
  std::memcpy(out.data(), &length, 8);
  out += json;
  out.reserve(out.size() + offset);
  for (const auto& [name, tensor] : file.tensors) out += tensor.data;
  return out;
}

SafeTensors decode_safetensors(const std::string& bytes, const std::string& path) {
  const auto fail = [&](const std::string& what) { return Error(path + ": " + what); };
  if (bytes.size() < 8) throw fail("not a safetensors file: shorter than its 8-byte header length");
  std::uint64_t length = 0;
  std::memcpy(&length, bytes.data(), 8);
  if (length > kMaxHeader || length > bytes.size() - 8)
    throw fail("not a safetensors file: its header claims " + std::to_string(length) +
               " bytes, the file has " + std::to_string(bytes.size() - 8) + " after the length");
  nlohmann::json header;
  try {
    header =
        nlohmann::json::parse(bytes.begin() + 8, bytes.begin() + 8 + static_cast<long>(length));
  } catch (const nlohmann::json::exception& e) {
    throw fail(std::string("the safetensors header is not valid JSON: ") + e.what());
  }
  if (!header.is_object()) throw fail("the safetensors header is not a JSON object");
  const std::uint64_t data_size = bytes.size() - 8 - length;
  const char* data = bytes.data() + 8 + length;
  SafeTensors file;
  struct Range {
    std::uint64_t begin, end;
    std::string name;
  };
  std::vector<Range> ranges;
  // Not a structured binding: clang 14 (the fuzz build) cannot capture one in a lambda.
  for (const auto& item : header.items()) {
    const std::string name = item.key();
    const nlohmann::json& entry = item.value();
    if (name == "__metadata__") {
      if (!entry.is_object()) throw fail("__metadata__ is not an object of strings");
      for (const auto& [key, value] : entry.items()) {
        if (!value.is_string()) throw fail("__metadata__." + key + " is not a string");
        file.metadata[key] = value.get<std::string>();
      }
      continue;
    }
    const auto bad = [&](const std::string& what) {
      return fail("tensor '" + name + "': " + what);
    };
    if (!entry.is_object() || !entry.contains("dtype") || !entry.contains("shape") ||
        !entry.contains("data_offsets"))
      throw bad("expected {dtype, shape, data_offsets}");
    const std::optional<DType> dtype =
        entry["dtype"].is_string() ? parse_dtype(entry["dtype"].get<std::string>()) : std::nullopt;
    if (!dtype)
      throw bad("dtype " + entry["dtype"].dump() + "; nnlab reads F32, F64, I64 and U8 tensors");
    const auto& shape = entry["shape"];
    const auto& offsets = entry["data_offsets"];
    if (!shape.is_array() || !offsets.is_array() || offsets.size() != 2)
      throw bad("shape must be a list and data_offsets a pair");
    SafeTensor tensor;
    tensor.dtype = *dtype;
    const std::uint64_t size = dtype_size(*dtype);
    std::uint64_t count = 1;
    for (const auto& d : shape) {
      if (!d.is_number_unsigned()) throw bad("a dimension is not a non-negative integer");
      const auto dim = d.get<std::uint64_t>();
      if (dim != 0 && count > std::numeric_limits<std::uint32_t>::max() / dim)
        throw bad("its shape " + shape.dump() + " is too large");
      count *= dim;
      tensor.shape.push_back(static_cast<std::int64_t>(dim));
    }
    if (!offsets[0].is_number_unsigned() || !offsets[1].is_number_unsigned())
      throw bad("data_offsets must be non-negative integers");
    const auto begin = offsets[0].get<std::uint64_t>(), end = offsets[1].get<std::uint64_t>();
    if (begin > end || end > data_size)
      throw bad("data_offsets [" + std::to_string(begin) + ", " + std::to_string(end) +
                "] lie outside the " + std::to_string(data_size) + " data bytes");
    if (end - begin != count * size)
      throw bad("its shape " + shape.dump() + " needs " + std::to_string(count * size) +
                " bytes of " + std::string(dtype_name(*dtype)) + ", data_offsets give " +
                std::to_string(end - begin));
    tensor.data.assign(data + begin, end - begin);
    ranges.push_back({begin, end, name});
    file.tensors.emplace(name, std::move(tensor));
  }
  // The format requires the tensors to cover the data bytes exactly, without overlap: bytes no
  // tensor claims are a sign of tampering (or of a writer bug).
  std::sort(ranges.begin(), ranges.end(),
            [](const Range& a, const Range& b) { return a.begin < b.begin; });
  std::uint64_t covered = 0;
  for (const auto& r : ranges) {
    if (r.begin != covered)
      throw fail("tensor '" + r.name + "' starts at byte " + std::to_string(r.begin) +
                 ", expected " + std::to_string(covered) +
                 " (tensors must not overlap or leave gaps)");
    covered = r.end;
  }
  if (covered != data_size)
    throw fail(std::to_string(data_size - covered) +
               " data bytes after the last tensor belong to none");
  return file;
}

SafeTensors read_safetensors(const std::string& path) {
  return decode_safetensors(read_text(path), path);
}

}  // namespace nnlab
