#include "nnlab/random.hpp"

namespace nnlab {

std::uint64_t fnv1a(std::string_view text) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : text) h = (h ^ c) * 1099511628211ULL;
  return h;
}

std::uint64_t derive_seed(std::uint64_t seed, std::string_view purpose) {
  // FNV-1a over the purpose, then SplitMix64's finaliser to mix in the seed: independent streams
  // for distinct purposes, stable across runs and platforms.
  const std::uint64_t h = fnv1a(purpose);
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (h | 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

}  // namespace nnlab
