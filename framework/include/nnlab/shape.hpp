#pragma once
/// One sample's shape: {features} for a vector, {channels, height, width} for an image. A batch is
/// a batch × size() matrix: row r is sample r, its numbers in C-H-W order (oneDNN's nchw), so a
/// layer that treats a sample as a vector (dense) reads an image's row as it is: flattening costs
/// nothing.
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace nnlab {

struct Shape {
  std::vector<std::int64_t> dims;

  Shape() = default;
  Shape(std::initializer_list<std::int64_t> d) : dims(d) {}
  explicit Shape(std::vector<std::int64_t> d) : dims(std::move(d)) {}

  /// The numbers in one sample (1 for a shape without dimensions).
  std::int64_t size() const {
    std::int64_t n = 1;
    for (auto d : dims) n *= d;
    return n;
  }
  int rank() const { return static_cast<int>(dims.size()); }
  /// channels × height × width.
  bool is_image() const { return dims.size() == 3; }
  std::int64_t channels() const { return dims.at(0); }
  std::int64_t height() const { return dims.at(1); }
  std::int64_t width() const { return dims.at(2); }

  /// "784", "1x28x28".
  std::string to_string() const {
    std::string text;
    for (std::size_t i = 0; i < dims.size(); ++i) {
      if (i > 0) text += 'x';
      text += std::to_string(dims[i]);
    }
    return text;
  }

  bool operator==(const Shape&) const = default;
};

}  // namespace nnlab
