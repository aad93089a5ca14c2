#pragma once
/// The model graph: a DAG of named layer nodes built from the experiment's model spec. Activations
/// and their gradients live in a workspace allocated once per batch size and reused for every
/// batch. Layers that plan their layouts (Layer::plan) pass activations to each other in the
/// layouts their primitives chose (blocked, for convolution); the graph reorders to plain rows
/// only in front of a layer that does not plan (dense flattens C-H-W rows), for the loss and for
/// probes, and reorders the gradients back.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "experiment.hpp"
#include "nnlab/compute.hpp"
#include "nnlab/layer.hpp"

namespace nnlab {

class PluginHost;

class Graph {
 public:
  /// Creates every layer through the plugin host and builds it for its inputs' shapes. A layer
  /// that cannot take what it is fed is a ConfigError at its YAML line, naming both shapes.
  /// @param data_shape one example's shape (`model.input: N`, when given, must be its size: the
  ///                   model then sees each example as N features)
  /// @param seed       the experiment seed; each layer's init and run-time streams derive from it
  Graph(const ModelSpec& spec, const Shape& data_shape, const PluginHost& host, std::uint64_t seed);
  ~Graph();

  /// Runs every node on `input` (rows = batch). Returns the output node's activations, valid until
  /// the next forward with the same batch size.
  ConstMatrixView forward(Compute& compute, ConstMatrixView input, Mode mode);
  /// The buffer the loss writes d(loss)/d(output) into, for the batch of the last forward.
  MatrixView output_grad();
  /// Back-propagates output_grad() through the graph, setting every parameter's grad.
  void backward(Compute& compute);

  /// Every trainable parameter, in node order.
  const std::vector<Parameter*>& parameters() const { return parameters_; }
  std::int64_t input_width() const { return input_shape_.size(); }
  std::int64_t output_width() const { return nodes_[static_cast<std::size_t>(output_)].width; }
  const Shape& input_shape() const { return input_shape_; }
  /// A node's output shape; throws Error for an unknown node.
  const Shape& node_shape(const std::string& name) const;
  /// Node names in execution order.
  std::vector<std::string> node_names() const;
  /// Every layer's inference state (Layer::state), in node order.
  std::vector<StateTensor> state();
  /// Every layer's training state (Layer::training_state), in node order: for checkpoints.
  TrainingState training_state();
  /// A node's activations from the last forward (rows = that batch); throws Error for an unknown
  /// node or before any forward.
  /// Plain rows, whatever layout the node wrote.
  ConstMatrixView node_output(const std::string& name);
  /// Every node's output layout for `batch` (plans the workspace if needed): for tests and the
  /// log that explains reorders.
  std::vector<Layout> layouts(Compute& compute, std::int64_t batch);
  /// Never calls Layer::plan: every activation in plain rows. For comparisons and debugging.
  void use_plain_layouts() { plain_only_ = true; }

 private:
  static constexpr int kData = -1;
  struct Node {
    std::string name;
    std::unique_ptr<Layer> layer;
    std::vector<int> inputs;  ///< producer node indices; kData for the data
    Shape shape;
    std::int64_t width = 0;  ///< shape.size()
    int consumers = 0;       ///< input slots fed by this node (fan-out)
  };
  /// A reorder between a blocked buffer and plain rows, made once per batch size.
  struct Reorder {
    dnnl::reorder primitive;
    dnnl::memory from, to;
    void run(Compute& compute, const float* source, float* target);
  };
  /// An input slot whose producer writes a layout its consumer does not take: the consumer sees a
  /// plain copy and writes its input gradient in plain rows, reordered back.
  struct Staging {
    Matrix plain, plain_grad;  ///< plain_grad allocated on the first backward
    Reorder to_plain, from_plain;
  };
  struct Workspace {
    std::vector<Layout> layouts;  ///< each node's output layout (its gradient's too)
    std::vector<Matrix> outputs;
    std::vector<Matrix> grads;                  ///< allocated on the first backward
    std::vector<std::vector<Matrix>> partial;   ///< per node and input slot, for fan-out producers
    std::vector<std::vector<Staging>> staging;  ///< per node and input slot (empty: not staged)
    std::vector<std::optional<Matrix>> plain_outputs;  ///< node_output's plain copies
    Staging output;  ///< the output node's, when it is not plain (the loss reads plain rows)
    bool output_staged = false;
  };
  Workspace& workspace(Compute& compute, std::int64_t batch);
  Reorder make_reorder(Compute& compute, const Layout& from, const Layout& to) const;
  void allocate_grads(Workspace& ws, std::int64_t batch);
  /// Where node `node`'s gradient for input `slot` goes, in the producer's layout: the producer's
  /// gradient, or this slot's partial when the producer fans out (summed afterwards).
  Matrix& gradient_target(Workspace& ws, std::size_t node, std::size_t slot);

  std::vector<Node> nodes_;  ///< in topological order
  bool plain_only_ = false;
  Compute* current_compute_ = nullptr;
  int output_ = 0;
  Shape input_shape_;
  std::vector<Parameter*> parameters_;
  std::map<std::int64_t, Workspace> workspaces_;
  Workspace* current_ = nullptr;
  ConstMatrixView current_input_;
  std::vector<ConstMatrixView> input_views_;  ///< reused per node call, no allocation per batch
  std::vector<MatrixView> grad_views_;
};

}  // namespace nnlab
