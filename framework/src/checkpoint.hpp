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

/// What a load requires of the experiment that wrote the state.
enum class CheckpointMatch {
  /// The same resolved experiment, byte for byte (its hash): --resume continues a run unchanged.
  same_experiment,
  /// Any experiment whose training state has the same entries (names, dtypes, sizes): PBT's
  /// exploit, where a member takes another's model and state but its own hyperparameters, which
  /// may change mid-run. The graph cannot change: pbt refuses a searched key that would change it
  /// (pbt.hpp), and a layout that differs is still an Error here.
  same_layout,
};

/// The checkpoint's bytes (save_checkpoint's file), for a checkpoint kept in memory.
std::string encode_checkpoint(const TrainingState& state, const std::string& resolved_yaml,
                              const std::map<std::string, std::string>& notes);

/// Loads checkpoint `bytes` (named `name` in errors) into `state`, as load_checkpoint does, with
/// the experiment check `match` asks for.
void decode_checkpoint(const std::string& bytes, const std::string& name,
                       const TrainingState& state, const std::string& resolved_yaml,
                       CheckpointMatch match);

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
