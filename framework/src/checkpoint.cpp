#include "checkpoint.hpp"

#include <algorithm>
#include <sstream>

#include "nnlab/error.hpp"
#include "results/csv.hpp"
#include "results/safetensors.hpp"
#include "trial_runner.hpp"

namespace nnlab {
namespace {

constexpr const char* kFormat = "nnlab-checkpoint";

/// An entry as a tensor: arrays as they are, a random engine as its standard text form (the
/// only portable way <random> gives to save one) in U8.
SafeTensor tensor_of(const TrainingStateEntry::Values& values) {
  return std::visit(
      [](const auto& v) -> SafeTensor {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, Rng*>) {
          std::ostringstream text;
          text << *v;
          const std::string s = text.str();
          return SafeTensor::of<std::uint8_t>(
              {static_cast<std::int64_t>(s.size())},
              std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(s.data()),
                                            s.size()));
        } else {
          using T = std::remove_const_t<typename V::element_type>;
          return SafeTensor::of<T>({static_cast<std::int64_t>(v.size())},
                                   std::span<const T>(v.data(), v.size()));
        }
      },
      values);
}

/// What a load will write into one entry, checked against the entry before anything is written.
struct Checked {
  const TrainingStateEntry* entry;
  const SafeTensor* tensor;
  Rng engine;  ///< parsed, for an engine entry
};

/// Loads `file` (named `path` in errors) into `state`, everything checked first.
void load_into(SafeTensors file, const std::string& path, const TrainingState& state,
               const std::string& resolved_yaml, CheckpointMatch match) {
  const auto fail = [&](const std::string& what) { return Error(path + ": " + what); };
  if (file.metadata["format"] != kFormat)
    throw fail("not an nnlab checkpoint (its metadata has no format: nnlab-checkpoint)");
  const std::string hash = config_hash(resolved_yaml);
  if (match == CheckpointMatch::same_experiment && file.metadata["experiment_hash"] != hash)
    throw fail("a checkpoint of another experiment (its hash " + file.metadata["experiment_hash"] +
               ", this experiment's " + hash +
               "); --resume continues the same experiment, unchanged");
  std::vector<Checked> checked;
  checked.reserve(state.size());
  for (const TrainingStateEntry& e : state) {
    auto it = file.tensors.find(e.name);
    if (it == file.tensors.end()) throw fail("'" + e.name + "' is missing");
    const SafeTensor& t = it->second;
    Checked c{&e, &t, Rng()};
    std::visit(
        [&](const auto& v) {
          using V = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<V, Rng*>) {
            if (t.dtype != DType::u8 || t.shape.size() != 1)
              throw fail("'" + e.name + "' is not a random engine's state (U8 text)");
            std::istringstream text(t.data);
            text >> c.engine;
            if (!text || (text >> std::ws, !text.eof()))
              throw fail("'" + e.name + "' is not a random engine's state (U8 text)");
          } else {
            using T = std::remove_const_t<typename V::element_type>;
            if (t.dtype != dtype_of<T>() || t.elements() != static_cast<std::int64_t>(v.size()))
              throw fail("'" + e.name + "' is " + std::string(dtype_name(t.dtype)) + " of " +
                         std::to_string(t.elements()) + ", this run's is " +
                         std::string(dtype_name(dtype_of<T>())) + " of " +
                         std::to_string(v.size()));
          }
        },
        e.values);
    checked.push_back(std::move(c));
  }
  if (file.tensors.size() != state.size()) {
    for (const auto& entry : file.tensors) {
      const std::string& name = entry.first;
      if (std::none_of(state.begin(), state.end(),
                       [&](const TrainingStateEntry& e) { return e.name == name; }))
        throw fail("'" + name + "' is not part of this run's training state");
    }
  }
  for (const Checked& c : checked) {
    std::visit(
        [&](const auto& v) {
          using V = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<V, Rng*>) {
            *v = c.engine;
          } else {
            c.tensor->copy_to(v);
          }
        },
        c.entry->values);
  }
}

}  // namespace

std::string encode_checkpoint(const TrainingState& state, const std::string& resolved_yaml,
                              const std::map<std::string, std::string>& notes) {
  SafeTensors file;
  file.metadata = notes;
  file.metadata["format"] = kFormat;
  file.metadata["nnlab_version"] = NNLAB_VERSION_STRING;
  file.metadata["experiment_hash"] = config_hash(resolved_yaml);
  file.metadata["experiment"] = resolved_yaml;
  for (const TrainingStateEntry& e : state) {
    if (!file.tensors.emplace(e.name, tensor_of(e.values)).second)
      throw Error("two pieces of training state are named '" + e.name +
                  "' (a layer or optimizer plugin lists a name twice)");
  }
  return encode_safetensors(file);
}

void save_checkpoint(const std::string& path, const TrainingState& state,
                     const std::string& resolved_yaml,
                     const std::map<std::string, std::string>& notes) {
  std::string bytes;
  try {
    bytes = encode_checkpoint(state, resolved_yaml, notes);
  } catch (const Error& e) {
    throw Error(path + ": " + e.what());
  }
  write_file_atomically(path, bytes);
}

void load_checkpoint(const std::string& path, const TrainingState& state,
                     const std::string& resolved_yaml) {
  load_into(read_safetensors(path), path, state, resolved_yaml, CheckpointMatch::same_experiment);
}

void decode_checkpoint(const std::string& bytes, const std::string& name,
                       const TrainingState& state, const std::string& resolved_yaml,
                       CheckpointMatch match) {
  load_into(decode_safetensors(bytes, name), name, state, resolved_yaml, match);
}

}  // namespace nnlab
