#pragma once
/// `nnlab export --onnx`: a run's trained model as an ONNX inference graph (opset 17), built with
/// ONNX's own protobuf classes (Debian's libonnx-dev). Dropout becomes its inference form (a Mul
/// by 1 - ratio in book mode, nothing in inverted mode), batch norm a BatchNormalization with the
/// saved statistics, dense a MatMul and an Add. Input "input": N x features, or N x C x H x W for
/// images, N dynamic; outputs "logits" and, for a softmax cross-entropy model, "probabilities".
/// The input is the data as the model sees it, after the experiment's `data.scale`; or, with the
/// scaling written in front (ExportOptions::with_scaling), the data in its raw units.
#include <cstdint>
#include <string>
#include <vector>

#include "data.hpp"
#include "experiment.hpp"
#include "graph.hpp"
#include "plugin_host.hpp"

namespace nnlab {

/// The opset the exporter writes (ONNX 1.12 and onnxruntime both run it).
inline constexpr std::int64_t kOnnxOpset = 17;

struct OnnxExport {
  std::string path;                  ///< the file written
  std::vector<std::int64_t> input;   ///< "input"'s shape, -1 for the dynamic batch
  std::vector<std::string> outputs;  ///< "logits", then "probabilities" when the loss is softmax
  std::size_t nodes = 0;             ///< ONNX nodes written
};

/// Throws Error for the first node the exporter cannot write: a kind it does not know (a user
/// plugin's layer), named with the node, or a node named like the graph's input or outputs.
void check_exportable(const ModelSpec& model);

/// The serialized ONNX model of `graph` (built from `model`, with its trained values) for
/// `name`. With `scaling`, the graph starts with it (Sub and Mul by the fitted shift and scale,
/// then the whitening's Sub and MatMul), so "input" takes raw data. A node of a kind the exporter
/// does not know (a user plugin's layer) is an Error naming the node and its kind.
std::string onnx_model_bytes(const ModelSpec& model, Graph& graph, const PluginHost& host,
                             const std::string& name, OnnxExport& summary,
                             const Preprocessing* scaling = nullptr);

struct ExportOptions {
  /// Put the run's data.scale (fitted on its training rows) in front of the model: the file then
  /// takes the data in its raw units (0..255 pixels), as `nnlab predict` does.
  bool with_scaling = false;
};

/// Rebuilds the run in `results_dir` (as `nnlab eval` does), loads its model.safetensors and
/// writes its ONNX graph to `onnx_path` atomically: on any error nothing is written.
OnnxExport export_onnx(const std::string& results_dir, const std::string& onnx_path,
                       const PluginHost& host, const ExportOptions& options = {});

}  // namespace nnlab
