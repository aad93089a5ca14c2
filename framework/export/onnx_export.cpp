#include "onnx_export.hpp"

#include <onnx/onnx_pb.h>

#include <cstring>
#include <filesystem>
#include <map>
#include <set>

#include "compute_threads.hpp"
#include "data.hpp"
#include "model_file.hpp"
#include "results/csv.hpp"
#include "trainer.hpp"

namespace nnlab {
namespace {

namespace fs = std::filesystem;

/// ONNX 1.12's IR version: the one its opset 17 belongs to.
constexpr std::int64_t kIrVersion = 8;

/// One nnlab graph being written as ONNX nodes. Every node's output tensor is named after the
/// node and has the rank of its nnlab shape plus the batch dimension (N x C x H x W for images),
/// so the next node can take it whatever produced it.
class OnnxWriter {
 public:
  OnnxWriter(onnx::GraphProto& graph, Graph& model) : graph_(graph) {
    for (Parameter* p : model.parameters()) tensors_[p->name] = {&p->value, p->dims};
    for (const StateTensor& t : model.state()) tensors_[t.name] = {t.value, {}};
  }

  onnx::NodeProto& node(const std::string& op, const std::string& name,
                        const std::vector<std::string>& inputs, const std::string& output) {
    onnx::NodeProto& n = *graph_.add_node();
    n.set_op_type(op);
    n.set_name(name);
    for (const auto& in : inputs) n.add_input(in);
    n.add_output(output);
    return n;
  }

  static void ints(onnx::NodeProto& n, const std::string& key, std::vector<std::int64_t> values) {
    onnx::AttributeProto& a = *n.add_attribute();
    a.set_name(key);
    a.set_type(onnx::AttributeProto::INTS);
    for (auto v : values) a.add_ints(v);
  }
  static void integer(onnx::NodeProto& n, const std::string& key, std::int64_t value) {
    onnx::AttributeProto& a = *n.add_attribute();
    a.set_name(key);
    a.set_type(onnx::AttributeProto::INT);
    a.set_i(value);
  }
  static void real(onnx::NodeProto& n, const std::string& key, float value) {
    onnx::AttributeProto& a = *n.add_attribute();
    a.set_name(key);
    a.set_type(onnx::AttributeProto::FLOAT);
    a.set_f(value);
  }

  /// A float initializer named `name` with `dims` and `values`.
  void constant(const std::string& name, const std::vector<std::int64_t>& dims, const float* values,
                std::size_t count) {
    onnx::TensorProto& t = *graph_.add_initializer();
    t.set_name(name);
    t.set_data_type(onnx::TensorProto::FLOAT);
    for (auto d : dims) t.add_dims(d);
    // raw_data is little-endian, as x86-64 and ARM64 store floats.
    t.set_raw_data(std::string(reinterpret_cast<const char*>(values), count * sizeof(float)));
  }
  void shape_constant(const std::string& name, const std::vector<std::int64_t>& values) {
    onnx::TensorProto& t = *graph_.add_initializer();
    t.set_name(name);
    t.set_data_type(onnx::TensorProto::INT64);
    t.add_dims(static_cast<std::int64_t>(values.size()));
    for (auto v : values) t.add_int64_data(v);
  }

  /// The model's tensor `name` (a parameter or batch norm's statistic) as an initializer of the
  /// same name with `dims`; false when the model has none (a dense layer without bias).
  bool parameter(const std::string& name, const std::vector<std::int64_t>& dims) {
    auto it = tensors_.find(name);
    if (it == tensors_.end()) return false;
    const Matrix& m = *it->second.first;
    constant(name, dims, m.data(), static_cast<std::size_t>(m.size()));
    return true;
  }
  std::vector<std::int64_t> parameter_dims(const std::string& name) const {
    auto it = tensors_.find(name);
    if (it == tensors_.end()) return {};
    if (!it->second.second.empty()) return it->second.second;
    return {it->second.first->rows(), it->second.first->cols()};
  }

  /// Reshapes `tensor` (of ONNX rank `rank`) to `shape` with the batch in front, when its rank
  /// is not already that; returns the tensor that has it.
  std::string conform(const std::string& tensor, int rank, const Shape& shape,
                      const std::string& output) {
    const int wanted = shape.rank() + 1;
    if (rank == wanted) {
      if (tensor != output) node("Identity", output, {tensor}, output);
      return output;
    }
    if (wanted == 2) {
      integer(node("Flatten", output + "/flatten", {tensor}, output), "axis", 1);
      return output;
    }
    std::vector<std::int64_t> dims = {-1};
    dims.insert(dims.end(), shape.dims.begin(), shape.dims.end());
    shape_constant(output + "/shape", dims);
    node("Reshape", output + "/reshape", {tensor, output + "/shape"}, output);
    return output;
  }

 private:
  onnx::GraphProto& graph_;
  std::map<std::string, std::pair<const Matrix*, std::vector<std::int64_t>>> tensors_;
};

void value_info(onnx::ValueInfoProto& v, const std::string& name,
                const std::vector<std::int64_t>& dims) {
  v.set_name(name);
  auto& tensor = *v.mutable_type()->mutable_tensor_type();
  tensor.set_elem_type(onnx::TensorProto::FLOAT);
  for (auto d : dims) {
    if (d < 0)
      tensor.mutable_shape()->add_dim()->set_dim_param("N");
    else
      tensor.mutable_shape()->add_dim()->set_dim_value(d);
  }
}

/// The layer kinds the exporter writes, for the error about any other.
constexpr const char* kKnownKinds =
    "dense, conv2d, batch_norm, dropout, max_pool, avg_pool, global_avg_pool, relu, sigmoid, "
    "tanh, flatten, add, identity";

}  // namespace

void check_exportable(const ModelSpec& model) {
  const std::set<std::string> known = {
      "dense", "conv2d",  "batch_norm", "dropout", "max_pool", "avg_pool", "global_avg_pool",
      "relu",  "sigmoid", "tanh",       "flatten", "add",      "identity"};
  const std::set<std::string> reserved = {"input", "scaled_input", "logits", "probabilities"};
  for (const NodeSpec& n : model.nodes) {
    if (!known.count(n.layer.kind))
      throw Error("node '" + n.name + "' (" + n.layer.path + ") is a layer of kind '" +
                  n.layer.kind + "', which ONNX export does not know; it exports " + kKnownKinds);
    if (reserved.count(n.name))
      throw Error("node '" + n.name + "' (" + n.layer.path +
                  ") has a name the ONNX graph uses for its own input or outputs; rename it");
  }
}

std::string onnx_model_bytes(const ModelSpec& model, Graph& graph, const PluginHost& host,
                             const std::string& name, OnnxExport& summary,
                             const Preprocessing* scaling) {
  onnx::ModelProto proto;
  proto.set_ir_version(kIrVersion);
  proto.set_producer_name("nnlab");
  proto.set_producer_version(NNLAB_VERSION_STRING);
  auto& opset = *proto.add_opset_import();
  opset.set_domain("");
  opset.set_version(kOnnxOpset);
  onnx::GraphProto& g = *proto.mutable_graph();
  g.set_name(name);
  OnnxWriter w(g, graph);

  const Shape& input = graph.input_shape();
  summary.input = {-1};
  summary.input.insert(summary.input.end(), input.dims.begin(), input.dims.end());
  value_info(*g.add_input(), "input", summary.input);

  check_exportable(model);
  // The tensor the model's first nodes read: "input" itself, or the input after the scaling.
  std::string data = "input";
  if (scaling && (!scaling->shift.empty() || scaling->whitening)) {
    data = "scaled_input";
    const std::int64_t features = input.size();
    std::vector<std::int64_t> dims = input.dims;  // broadcast over the batch
    std::string x = "input";
    if (!scaling->shift.empty()) {
      w.constant("scaling/shift", dims, scaling->shift.data(), scaling->shift.size());
      w.constant("scaling/scale", dims, scaling->scale.data(), scaling->scale.size());
      w.node("Sub", "scaling/center", {x, "scaling/shift"}, "scaling/centered");
      x = scaling->whitening ? "scaling/scaled" : data;
      w.node("Mul", "scaling/scale", {"scaling/centered", "scaling/scale"}, x);
    }
    if (const auto& white = scaling->whitening) {
      // y = W (x - mu) per row: rows times Wᵀ (features x features), in float32.
      const std::string flat = input.rank() == 1 ? x : "scaling/flat";
      if (flat != x) OnnxWriter::integer(w.node("Flatten", flat, {x}, flat), "axis", 1);
      std::vector<float> mean(white->mean.begin(), white->mean.end());
      std::vector<float> transposed(static_cast<std::size_t>(features * features));
      for (std::int64_t i = 0; i < features; ++i)
        for (std::int64_t j = 0; j < features; ++j)
          transposed[static_cast<std::size_t>(j * features + i)] =
              static_cast<float>(white->weights[static_cast<std::size_t>(i * features + j)]);
      w.constant("whitening/mean", {features}, mean.data(), mean.size());
      w.constant("whitening/W_t", {features, features}, transposed.data(), transposed.size());
      w.node("Sub", "whitening/center", {flat, "whitening/mean"}, "whitening/centered");
      const std::string product = input.rank() == 1 ? data : "whitening/product";
      w.node("MatMul", "whitening/matmul", {"whitening/centered", "whitening/W_t"}, product);
      if (product != data) w.conform(product, 2, input, data);
    }
  }
  const auto data_or = [&](const std::string& t) { return t == "input" ? data : t; };
  std::map<std::string, const NodeSpec*> specs;
  for (const NodeSpec& n : model.nodes) specs[n.name] = &n;

  const auto rank_of = [&](const std::string& tensor) {
    return tensor == "input" ? input.rank() + 1 : graph.node_shape(tensor).rank() + 1;
  };
  for (const std::string& node_name : graph.node_names()) {
    const NodeSpec& spec = *specs.at(node_name);
    const std::string& kind = spec.layer.kind;
    // The layer's parameters with its schema's defaults, as the layer itself read them.
    Params params = spec.layer.params;
    host.registries().layers.find(kind)->schema.apply(params, "layer '" + kind + "'");
    const Shape& out_shape = graph.node_shape(node_name);
    const int x_rank = rank_of(spec.inputs.at(0));
    const std::string x = data_or(spec.inputs.at(0));
    const std::string& out = node_name;
    const std::string prefix = node_name + "/";

    if (kind == "dense") {
      std::string flat = x;
      if (x_rank != 2) {
        flat = prefix + "flatten";
        OnnxWriter::integer(w.node("Flatten", flat, {x}, flat), "axis", 1);
      }
      w.parameter(node_name + ".W", w.parameter_dims(node_name + ".W"));
      const bool bias = w.parameter(node_name + ".b", {out_shape.size()});
      const std::string product = bias ? prefix + "matmul" : out;
      w.node("MatMul", prefix + "matmul", {flat, node_name + ".W"}, product);
      if (bias) w.node("Add", prefix + "bias", {product, node_name + ".b"}, out);
    } else if (kind == "conv2d") {
      const std::int64_t k = params.integer("kernel"), s = params.integer("stride"),
                         p = params.integer("padding"), d = params.integer("dilation");
      std::vector<std::string> in = {x, node_name + ".W"};
      w.parameter(node_name + ".W", w.parameter_dims(node_name + ".W"));
      if (w.parameter(node_name + ".b", {out_shape.channels()})) in.push_back(node_name + ".b");
      // Symmetric pads give nnlab's output size, floor((H + 2p - span) / s) + 1; windows that
      // would reach a pad oneDNN trims never exist.
      auto& conv = w.node("Conv", out, in, out);
      OnnxWriter::ints(conv, "kernel_shape", {k, k});
      OnnxWriter::ints(conv, "strides", {s, s});
      OnnxWriter::ints(conv, "pads", {p, p, p, p});
      OnnxWriter::ints(conv, "dilations", {d, d});
      OnnxWriter::integer(conv, "group", params.integer("groups"));
    } else if (kind == "batch_norm") {
      const std::int64_t c = out_shape.is_image() ? out_shape.channels() : out_shape.size();
      std::string gamma = node_name + ".gamma", beta = node_name + ".beta";
      if (!w.parameter(gamma, {c})) {
        // scale_shift: fixed: gamma 1 and beta 0 for good.
        gamma = prefix + "one";
        beta = prefix + "zero";
        const std::vector<float> ones(static_cast<std::size_t>(c), 1.0f),
            zeros(static_cast<std::size_t>(c), 0.0f);
        w.constant(gamma, {c}, ones.data(), ones.size());
        w.constant(beta, {c}, zeros.data(), zeros.size());
      } else {
        w.parameter(beta, {c});
      }
      w.parameter(node_name + ".running_mean", {c});
      w.parameter(node_name + ".running_var", {c});
      // BatchNormalization takes N x C (features) as well as N x C x H x W (per channel).
      auto& bn =
          w.node("BatchNormalization", out,
                 {x, gamma, beta, node_name + ".running_mean", node_name + ".running_var"}, out);
      OnnxWriter::real(bn, "epsilon", static_cast<float>(params.number("epsilon")));
    } else if (kind == "dropout") {
      if (params.string("mode") == "book") {
        // Book dropout keeps every unit at inference, scaled by the fraction kept in training.
        const float kept = static_cast<float>(1.0 - params.number("ratio"));
        w.constant(prefix + "kept", {}, &kept, 1);
        w.node("Mul", prefix + "scale", {x, prefix + "kept"}, out);
      } else {
        w.node("Identity", out, {x}, out);
      }
    } else if (kind == "max_pool" || kind == "avg_pool") {
      const std::int64_t k = params.integer("kernel"),
                         s = params.has("stride") ? params.integer("stride") : k,
                         p = params.integer("padding");
      auto& pool = w.node(kind == "max_pool" ? "MaxPool" : "AveragePool", out, {x}, out);
      OnnxWriter::ints(pool, "kernel_shape", {k, k});
      OnnxWriter::ints(pool, "strides", {s, s});
      OnnxWriter::ints(pool, "pads", {p, p, p, p});
      // nnlab's average counts padding as zeros (oneDNN's avg_include_padding).
      if (kind == "avg_pool") OnnxWriter::integer(pool, "count_include_pad", 1);
    } else if (kind == "global_avg_pool") {
      w.node("GlobalAveragePool", prefix + "pool", {x}, prefix + "pool");
      w.conform(prefix + "pool", 4, out_shape, out);
    } else if (kind == "relu" || kind == "sigmoid" || kind == "tanh") {
      const std::string op = kind == "relu" ? "Relu" : kind == "sigmoid" ? "Sigmoid" : "Tanh";
      w.node(op, out, {x}, out);
    } else if (kind == "flatten") {
      w.conform(x, x_rank, out_shape, out);
    } else if (kind == "add") {
      std::vector<std::string> terms;
      for (const auto& in : spec.inputs) terms.push_back(data_or(in));
      w.node("Sum", out, terms, out);
    } else if (kind == "identity") {
      w.node("Identity", out, {x}, out);
    }
  }

  const std::string& last = model.output;
  w.conform(last, rank_of(last), Shape({graph.output_width()}), "logits");
  value_info(*g.add_output(), "logits", {-1, graph.output_width()});
  summary.outputs = {"logits"};
  if (model.loss.kind == "softmax_cross_entropy") {
    OnnxWriter::integer(w.node("Softmax", "probabilities", {"logits"}, "probabilities"), "axis", 1);
    value_info(*g.add_output(), "probabilities", {-1, graph.output_width()});
    summary.outputs.push_back("probabilities");
  }
  summary.nodes = static_cast<std::size_t>(g.node_size());
  std::string bytes;
  if (!proto.SerializeToString(&bytes)) throw Error("the ONNX model could not be serialized");
  return bytes;
}

OnnxExport export_onnx(const std::string& results_dir, const std::string& onnx_path,
                       const PluginHost& host, const ExportOptions& options) {
  const auto [spec, model] = read_saved_run(results_dir, {}, "export one of its runs instead");
  // Before the data is read: an unknown layer is named at once.
  check_exportable(spec.model);
  set_compute_threads(spec.execution.threads_per_trial);
  const PreparedData data = prepare_data(spec.data, host, spec.seed);
  Trainer trainer(spec, data, host);
  load_model(trainer.graph(), model);
  OnnxExport summary;
  const std::string bytes = onnx_model_bytes(spec.model, trainer.graph(), host, spec.name, summary,
                                             options.with_scaling ? &data.preprocessing : nullptr);
  write_file_atomically(onnx_path, bytes);
  summary.path = onnx_path;
  return summary;
}

}  // namespace nnlab
