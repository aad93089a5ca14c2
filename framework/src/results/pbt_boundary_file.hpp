#pragma once
/// pbt/: a PBT sweep's population at its last boundary, so that `nnlab sweep --resume` goes on
/// from there after a crash, a kill or Ctrl-C, and ends with the numbers of a sweep never
/// stopped (every decision after the boundary depends only on the members' state and the
/// boundary's number). `pbt/boundary.json` holds the boundary's number and each member's
/// bookkeeping (seed, hyperparameters, curve, updates, time, failure); `pbt/member_K.I.state` its
/// training state at boundary I (checkpoint bytes). The state files are written first, the JSON
/// last (each to a temporary name, then renamed): the JSON is the commit, and a file it does not
/// name is left from an earlier boundary and deleted after. This module owns the folder.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "metric.hpp"
#include "nnlab/search_strategy.hpp"

namespace nnlab {

/// One member between two intervals.
struct PbtMemberState {
  Assignment assignment;         ///< the hyperparameters of the interval to come
  std::uint64_t seed = 0;        ///< its model's lineage's seed
  std::string state;             ///< checkpoint bytes (empty before the first interval)
  std::vector<EvalPoint> curve;  ///< its model's evaluations
  std::int64_t updates = 0;
  std::string resolved_yaml;  ///< its last interval's experiment, without the search
  bool finished = false;      ///< the schedule ended
  bool failed = false;
  std::string fail_reason;
  double seconds = 0;
  std::string started_at;
};

struct PbtBoundary {
  /// The boundary after this many intervals. The last one (the schedule's end) is never saved:
  /// a resume trains the last interval again, since a kept model is not part of the state.
  std::int64_t interval = 0;
  std::vector<PbtMemberState> members;
};

/// Writes `boundary` into `out_dir`/pbt/ as described above. Throws Error naming the file.
void write_pbt_boundary(const std::string& out_dir, const PbtBoundary& boundary);

/// The boundary written last into `out_dir`/pbt/, or none when there is none. A file that does not
/// parse, or names a state file that is missing, is an Error naming it.
std::optional<PbtBoundary> read_pbt_boundary(const std::string& out_dir);

}  // namespace nnlab
