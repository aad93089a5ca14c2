#pragma once
/// pbt_schedule.csv: a PBT sweep's every decision, one row per member and interval boundary,
/// `member,interval,epoch,copied_from,objective,seed,<one column per searched parameter>`.
/// Interval 0 is the start (epoch 0, no objective: the member's seed and sampled hyperparameters);
/// interval i >= 1 is the boundary after the i-th interval: the member's objective there (before
/// it is exploited), the member whose model, state and seed it took (itself when it kept its own)
/// and the hyperparameters it trains the next interval with. The last interval's rows are the
/// members at the end (copied_from themselves). This module owns the file: its columns, row,
/// writer and reader; `nnlab run --schedule` replays a member's lineage from it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "nnlab/search_strategy.hpp"
#include "results/csv.hpp"

namespace nnlab {

struct PbtScheduleRow {
  std::int64_t member = 0;
  std::int64_t interval = 0;
  std::int64_t epoch = 0;           ///< the evaluation the boundary follows (0 at the start)
  std::int64_t copied_from = 0;     ///< the member whose model it continues from here
  std::optional<double> objective;  ///< at that evaluation; none at the start or when it failed
  std::uint64_t seed = 0;           ///< the seed its model's lineage started from
  Assignment assignment;            ///< the hyperparameters of the next interval
};

class PbtScheduleWriter {
 public:
  /// Starts the file anew with `kept` (a resumed sweep's rows up to its last boundary).
  /// @param parameters the searched parameters' names: the file's last columns, in order
  PbtScheduleWriter(const std::string& path, std::vector<std::string> parameters,
                    const std::vector<PbtScheduleRow>& kept = {});
  /// Appends one boundary's rows and flushes them.
  void write(const std::vector<PbtScheduleRow>& rows);

 private:
  std::vector<std::string> parameters_;
  CsvWriter csv_;
};

/// pbt_schedule.csv read back, in file order. The parameter columns must be `parameters`. Throws
/// Error with file:line and column for a bad row.
std::vector<PbtScheduleRow> read_pbt_schedule(const std::string& path,
                                              const std::vector<std::string>& parameters);

}  // namespace nnlab
