// The identity layer, y = x: a placeholder that lets a sweep switch a layer off (e.g. batch norm vs
// none, the seed's E5) without changing the graph's shape.
#include "components.hpp"
#include "pass_through.hpp"

namespace nnlab::layers {
namespace {

class Identity final : public PassThrough {
 public:
  explicit Identity(const Params&) {}

  Shape build(const LayerBuild& build) override { return build.input_shapes.at(0); }
};

}  // namespace

void register_identity(Registrar& r) {
  r.layers.add("identity", &make<Layer, Identity>,
               Schema("y = x, to switch a layer off in a sweep"));
}

}  // namespace nnlab::layers
