#include "shared_data.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/interprocess/mapped_region.hpp>
#include <boost/interprocess/shared_memory_object.hpp>
#include <cstdio>
#include <cstring>

#include "nnlab/error.hpp"
#include "nnlab/random.hpp"

namespace nnlab {

namespace bip = boost::interprocess;

namespace {

constexpr std::uint64_t kMagic = 0x31617461446c6e6eULL;  // "nnlData1", little-endian
constexpr std::size_t kAlign = 64;                       // Matrix's alignment: a cache line
constexpr std::size_t kMaxRank = 8;

struct SplitLayout {
  std::int64_t rows = 0, cols = 0;
  std::uint64_t features_at = 0, labels_at = 0;  ///< byte offsets from the segment's start
};

/// The segment's first bytes; the rows, labels and description follow at the offsets it names.
struct Header {
  std::uint64_t magic = 0;
  std::uint64_t size = 0;  ///< the whole segment's bytes
  std::int32_t classes = 0;
  std::uint32_t rank = 0;
  std::array<std::int64_t, kMaxRank> dims{};
  std::array<SplitLayout, 3> splits{};
  std::uint64_t description_at = 0, description_size = 0;
};

std::size_t aligned(std::size_t offset) { return (offset + kAlign - 1) / kAlign * kAlign; }

/// Keeps a mapping alive for the views into it; the owner also removes the segment's name.
struct Segment {
  std::string name;
  bool owner = false;
  bip::mapped_region region;
  ~Segment() {
    if (owner) bip::shared_memory_object::remove(name.c_str());
  }
};

PreparedData read_segment(const std::shared_ptr<Segment>& segment) {
  const auto* base = static_cast<const char*>(segment->region.get_address());
  const std::size_t size = segment->region.get_size();
  Header h;
  if (size < sizeof h) throw Error("shared data segment " + segment->name + " is truncated");
  std::memcpy(&h, base, sizeof h);
  const auto inside = [&](std::uint64_t at, double bytes) {
    return at <= size && bytes >= 0 && bytes <= static_cast<double>(size - at);
  };
  bool valid = h.magic == kMagic && h.size <= size && h.rank <= kMaxRank &&
               inside(h.description_at, static_cast<double>(h.description_size));
  for (const SplitLayout& s : h.splits) {
    valid = valid && s.rows >= 0 && s.cols >= 0 &&
            inside(s.features_at, static_cast<double>(s.rows) * static_cast<double>(s.cols) * 4) &&
            inside(s.labels_at, static_cast<double>(s.rows) * 4);
  }
  if (!valid) throw Error("shared data segment " + segment->name + " is not nnlab data");
  PreparedData data;
  data.classes = h.classes;
  data.sample_shape = Shape(std::vector<std::int64_t>(h.dims.begin(), h.dims.begin() + h.rank));
  data.description.assign(base + h.description_at, h.description_size);
  DataSplit* splits[] = {&data.train, &data.val, &data.test};
  for (std::size_t i = 0; i < 3; ++i) {
    const SplitLayout& s = h.splits[i];
    splits[i]->features = FrozenMatrix(
        ConstMatrixView(reinterpret_cast<const float*>(base + s.features_at), s.rows, s.cols));
    splits[i]->labels = {reinterpret_cast<const std::int32_t*>(base + s.labels_at),
                         static_cast<std::size_t>(s.rows)};
  }
  data.storage = segment;
  return data;
}

}  // namespace

std::string new_segment_prefix() {
  static std::atomic<int> sweeps{0};
  return "nnlab-" + std::to_string(::getpid()) + "-" + std::to_string(sweeps++);
}

std::string segment_name(const std::string& prefix, const std::string& preparation_key) {
  char hash[20];
  std::snprintf(hash, sizeof hash, "%016llx",
                static_cast<unsigned long long>(fnv1a(preparation_key)));
  return prefix + "-" + hash;
}

PreparedData publish_shared(const PreparedData& data, const std::string& name) {
  if (data.sample_shape.dims.size() > kMaxRank)
    throw Error("cannot share data with examples of rank " +
                std::to_string(data.sample_shape.dims.size()));
  Header h;
  h.magic = kMagic;
  h.classes = data.classes;
  h.rank = static_cast<std::uint32_t>(data.sample_shape.dims.size());
  std::copy(data.sample_shape.dims.begin(), data.sample_shape.dims.end(), h.dims.begin());
  const DataSplit* splits[] = {&data.train, &data.val, &data.test};
  std::size_t at = aligned(sizeof h);
  for (std::size_t i = 0; i < 3; ++i) {
    SplitLayout& s = h.splits[i];
    s.rows = splits[i]->features.rows();
    s.cols = splits[i]->features.cols();
    s.features_at = at;
    at = aligned(at + static_cast<std::size_t>(splits[i]->features.size()) * sizeof(float));
    s.labels_at = at;
    at = aligned(at + splits[i]->labels.size() * sizeof(std::int32_t));
  }
  h.description_at = at;
  h.description_size = data.description.size();
  h.size = at + data.description.size();

  auto segment = std::make_shared<Segment>();
  segment->name = name;
  try {
    bip::shared_memory_object::remove(name.c_str());  // a stale one of a reused pid
    bip::shared_memory_object shm(bip::create_only, name.c_str(), bip::read_write, 0600);
    segment->owner = true;
    shm.truncate(static_cast<bip::offset_t>(h.size));
    bip::mapped_region writable(shm, bip::read_write);
    auto* base = static_cast<char*>(writable.get_address());
    std::memcpy(base, &h, sizeof h);
    for (std::size_t i = 0; i < 3; ++i) {
      const SplitLayout& s = h.splits[i];
      if (s.rows * s.cols > 0)
        std::memcpy(base + s.features_at, splits[i]->features.data(),
                    static_cast<std::size_t>(s.rows * s.cols) * sizeof(float));
      if (!splits[i]->labels.empty())
        std::memcpy(base + s.labels_at, splits[i]->labels.data(),
                    splits[i]->labels.size() * sizeof(std::int32_t));
    }
    std::memcpy(base + h.description_at, data.description.data(), data.description.size());
    // The coordinator's trials read the segment too (read-only), so every process trains on the
    // very same bytes.
    segment->region = bip::mapped_region(shm, bip::read_only);
  } catch (const bip::interprocess_exception& e) {
    throw Error("cannot share the prepared data with worker processes (" + name + " in /dev/shm, " +
                std::to_string(h.size) + " bytes): " + e.what());
  }
  return read_segment(segment);
}

PreparedData attach_shared(const std::string& name) {
  auto segment = std::make_shared<Segment>();
  segment->name = name;
  try {
    bip::shared_memory_object shm(bip::open_only, name.c_str(), bip::read_only);
    segment->region = bip::mapped_region(shm, bip::read_only);
  } catch (const bip::interprocess_exception& e) {
    throw Error("cannot attach to the sweep's shared data " + name + ": " + e.what());
  }
  return read_segment(segment);
}

}  // namespace nnlab
