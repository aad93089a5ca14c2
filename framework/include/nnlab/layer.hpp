#pragma once
/// The Layer interface: a node of the model graph. A layer is built from its inputs' shapes
/// (nnlab/shape.hpp: {features} or {channels, height, width}) and returns its output's; forward
/// and backward see batch × size matrices, each row one sample in C-H-W order, unless the layer
/// plans its layouts (plan(), nnlab/layout.hpp).
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "nnlab/compute.hpp"
#include "nnlab/layout.hpp"
#include "nnlab/parameter.hpp"
#include "nnlab/random.hpp"
#include "nnlab/shape.hpp"
#include "nnlab/tensor.hpp"
#include "nnlab/training_state.hpp"

namespace nnlab {

/// Training uses batch statistics and fresh dropout masks; inference uses running statistics.
enum class Mode { train, infer };

/// What a layer gets once, when the graph is built.
struct LayerBuild {
  std::string name;                 ///< the node's name, unique in the graph
  std::vector<Shape> input_shapes;  ///< each input's sample shape, in `inputs:` order
  /// input_shapes[i].size(): for layers that see a sample as a vector of numbers (dense flattens
  /// whatever it gets).
  std::vector<std::int64_t> input_width;
  Rng* init_rng = nullptr;  ///< draws initial weights (seeded per layer)
  std::uint64_t seed = 0;   ///< the layer's own seed for run-time randomness (dropout)
};

class Layer {
 public:
  virtual ~Layer();

  /// Creates parameters for the given inputs and returns the output's sample shape. Inputs it
  /// cannot take (a kernel larger than the image) throw nnlab::Error naming both shapes; the
  /// graph adds the node's YAML line.
  virtual Shape build(const LayerBuild& build) = 0;
  /// Accepted number of inputs; most layers take exactly one.
  virtual int min_inputs() const { return 1; }
  virtual int max_inputs() const { return 1; }

  /// Computes `output` (rows = batch) from `inputs`. May keep what backward needs.
  virtual void forward(Compute& compute, std::span<const ConstMatrixView> inputs, MatrixView output,
                       Mode mode) = 0;
  /// Given the loss gradient w.r.t. the output, sets parameter gradients and writes the gradient
  /// w.r.t. each input into `input_grads[i]` (overwriting). An input_grads[i] with null data needs
  /// no gradient (the data input) and must be skipped. Called after a train-mode forward on the
  /// same batch.
  virtual void backward(Compute& compute, std::span<const ConstMatrixView> inputs,
                        ConstMatrixView output, ConstMatrixView output_grad,
                        std::span<const MatrixView> input_grads) = 0;

  /// Layouts, for layers on oneDNN primitives that prefer blocked ones. The graph calls plan()
  /// once per batch size, before the first forward of that size, with the layout each input will
  /// arrive in. Return nullopt (the default) to see plain rows only: the graph then reorders
  /// blocked inputs to plain for this layer, and its output is plain. Return a layout to take the
  /// inputs as they come and write the output in that layout (usually what the primitive chose
  /// with format_tag::any). Gradients follow the same layouts: output_grad arrives in the output's
  /// layout and input_grads[i] must be written in inputs[i]'s. Views then have rows = batch and
  /// cols = floats_per_sample(layout); only their data pointers matter. A layer that plans must
  /// still work unplanned (plain in and out) for a batch size plan() never saw: unit tests and
  /// callers outside a graph use it that way.
  virtual std::optional<Layout> plan(Compute& compute, std::int64_t batch,
                                     std::span<const Layout> inputs) {
    (void)compute;
    (void)batch;
    (void)inputs;
    return std::nullopt;
  }

  /// The layer's trainable parameters (stable pointers for the layer's lifetime).
  virtual std::vector<Parameter*> parameters() { return {}; }

  /// State besides the parameters that inference needs (batch norm's running statistics), as
  /// named matrices ("<layer>.<tensor>"): saved in model.safetensors and restored by a load, which
  /// writes the values in place. Called after training; the layer brings them up to date first.
  virtual std::vector<StateTensor> state() { return {}; }

  /// Appends what the layer changes while training besides its parameters (dropout's engine,
  /// batch norm's statistics and sums) for checkpoints (nnlab/training_state.hpp). A layer that
  /// keeps such state and does not list it resumes from a checkpoint differently than it would
  /// have gone on.
  virtual void training_state(TrainingState& out) { (void)out; }
};

}  // namespace nnlab
