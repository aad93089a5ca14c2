// Flatten: an image's channels x height x width as one vector of features. Rows already hold the
// numbers in C-H-W order, so it only relabels the shape (a copy in the graph's buffers).
// Dense flattens by itself; flatten is for the graphs that want it said.
#include "components.hpp"
#include "pass_through.hpp"

namespace nnlab::layers {
namespace {

class Flatten final : public PassThrough {
 public:
  explicit Flatten(const Params&) {}

  Shape build(const LayerBuild& build) override { return {build.input_width.at(0)}; }
};

}  // namespace

void register_flatten(Registrar& r) {
  r.layers.add("flatten", &make<Layer, Flatten>,
               Schema("channels x height x width as one vector of features"));
}

}  // namespace nnlab::layers
