#pragma once
/// Seeding. One top-level `seed` drives every random choice; each consumer derives its own stream
/// from (seed, purpose), so adding a consumer never shifts another's numbers.
#include <cstdint>
#include <random>
#include <string_view>

namespace nnlab {

/// The generator every component uses: fast, 64-bit, and the same sequence on every libstdc++.
using Rng = std::mt19937_64;

/// FNV-1a, 64-bit: a stable hash of text (seed purposes, experiment hashes in trials.csv).
std::uint64_t fnv1a(std::string_view text);

/// A seed for `purpose` (e.g. "init/dense3", "batches"), derived from `seed` by hashing.
std::uint64_t derive_seed(std::uint64_t seed, std::string_view purpose);

}  // namespace nnlab
