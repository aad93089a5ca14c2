#pragma once
/// Prepared data in POSIX shared memory (Boost.Interprocess), so a sweep's worker processes read
/// the rows the coordinator prepared instead of each loading and preparing its own copy. The
/// coordinator publishes each preparation once into a segment named `<prefix>-<hash of its key>`
/// and removes the names when its DataCache goes; a worker maps the segment read-only. The mapping
/// is shared page cache: N workers add no copy of the rows.
///
/// Caveat: a coordinator killed with SIGKILL cannot remove its segments; they stay in /dev/shm
/// (named nnlab-<pid>-...) until removed by hand or a reboot.
#include <memory>
#include <string>

#include "data.hpp"

namespace nnlab {

/// A prefix for this process's segments, unique among the sweeps it runs: "nnlab-<pid>-<n>".
std::string new_segment_prefix();

/// The segment name for a preparation key under `prefix`.
std::string segment_name(const std::string& prefix, const std::string& preparation_key);

/// Copies `data` into a new segment `name` and returns the same data read from the segment (the
/// heap copy can go). The segment's name is removed when the returned data's storage goes.
/// Throws Error when the segment cannot be made (e.g. /dev/shm is full).
PreparedData publish_shared(const PreparedData& data, const std::string& name);

/// The data in segment `name`, mapped read-only. Throws Error when there is no such segment or it
/// is not a complete nnlab data segment.
PreparedData attach_shared(const std::string& name);

}  // namespace nnlab
