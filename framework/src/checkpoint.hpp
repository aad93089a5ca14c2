#pragma once
/// checkpoint.safetensors: everything a run needs to go on exactly where it stopped — the
/// parameters, each layer's and the optimizer's training state (float64 master weights, moments,
/// step counts, dropout's engine, batch norm's statistics) and the trainer's place in its schedule
/// (its minibatch engine, row order and counters) — as one safetensors file. Written to a
/// temporary name and renamed, so a kill never leaves half a checkpoint under the real name.
#include <map>
#include <string>

#include "nnlab/training_state.hpp"

namespace nnlab {

/// Writes every entry of `state` to `path`, with metadata naming the experiment (its resolved
/// YAML and hash) and `notes` (epoch, updates: for people reading the file).
void save_checkpoint(const std::string& path, const TrainingState& state,
                     const std::string& resolved_yaml,
                     const std::map<std::string, std::string>& notes);

/// Loads `path` into `state`: the file must be a checkpoint of the experiment `resolved_yaml`
/// (same hash) holding exactly the entries of `state`, each of its dtype and size. Anything else is
/// one Error naming the file (and the entry), and nothing is written: every entry is checked, and
/// every engine parsed, before the first value is copied.
void load_checkpoint(const std::string& path, const TrainingState& state,
                     const std::string& resolved_yaml);

}  // namespace nnlab
