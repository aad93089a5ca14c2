#pragma once
/// The model graph: a DAG of named layer nodes built from the experiment's model spec. Activations
/// and their gradients live in a workspace allocated once per batch size and reused for every
/// batch.
#include <cstdint>
#include <map>
#include <memory>
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
  /// A node's activations from the last forward (rows = that batch); throws Error for an unknown
  /// node or before any forward.
  ConstMatrixView node_output(const std::string& name) const;

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
  struct Workspace {
    std::vector<Matrix> outputs;
    std::vector<Matrix> grads;                 ///< allocated on the first backward
    std::vector<std::vector<Matrix>> partial;  ///< per node and input slot, for fan-out producers
  };
  Workspace& workspace(std::int64_t batch);
  void allocate_grads(Workspace& ws, std::int64_t batch);

  std::vector<Node> nodes_;  ///< in topological order
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
