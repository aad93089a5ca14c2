#pragma once
/// `nnlab run FILE --schedule pbt_schedule.csv --member K` (Ray Tune's
/// PopulationBasedTrainingReplay): member K's lineage trained again in one run. It starts from the
/// seed and hyperparameters of the member K's model descends from, and at each boundary switches
/// to the hyperparameters the lineage trained the next interval with. An exploit copies every
/// piece of training state (weights, layer and optimizer state, random engines, the data order),
/// and every interval runs through train_member_interval in the sweep and here alike, so the
/// replay ends on exactly the numbers (curve, model) member K had in the sweep.
#include <cstdint>
#include <string>
#include <vector>

#include "results/pbt_schedule_file.hpp"
#include "runner.hpp"

namespace nnlab {

/// One interval of a lineage.
struct PbtLineageStep {
  std::int64_t member = 0;  ///< the member that trained it in the sweep
  Assignment assignment;    ///< its hyperparameters
  std::uint64_t seed = 0;   ///< the lineage's seed
  std::int64_t until = 0;   ///< the boundary's epoch it ends at (0: the schedule's end)
};

/// Member `member`'s lineage in `rows` (pbt_schedule.csv's), first interval first. Throws Error
/// naming `path` when the member did not finish the sweep or a row its lineage needs is missing.
std::vector<PbtLineageStep> pbt_lineage(const std::vector<PbtScheduleRow>& rows,
                                        std::int64_t member, const std::string& path);

/// Replays member `member` of the pbt sweep `spec` from the schedule at `schedule`, into
/// options.out_dir (default results/<name>/member_<K>): experiment.yaml (the last interval's
/// experiment), curves.csv and model.safetensors, as a run writes them.
RunResult replay_pbt_member(const ExperimentSpec& spec, const PluginHost& host,
                            const std::string& schedule, std::int64_t member,
                            const RunOptions& options);

}  // namespace nnlab
