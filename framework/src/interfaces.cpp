// Out-of-line destructors: the interfaces' vtables and typeinfo live in libnnlab, once, for the
// host and every plugin.
#include "nnlab/augmentation.hpp"
#include "nnlab/dataset.hpp"
#include "nnlab/layer.hpp"
#include "nnlab/loss.hpp"
#include "nnlab/objective.hpp"
#include "nnlab/optimizer.hpp"
#include "nnlab/pruner.hpp"
#include "nnlab/regularizer.hpp"
#include "nnlab/search_strategy.hpp"

namespace nnlab {

Layer::~Layer() = default;
Loss::~Loss() = default;
Regularizer::~Regularizer() = default;
Optimizer::~Optimizer() = default;
Dataset::~Dataset() = default;
SearchStrategy::~SearchStrategy() = default;
Pruner::~Pruner() = default;
Objective::~Objective() = default;
Augmentation::~Augmentation() = default;

std::int64_t Augmentation::scratch_floats(const Shape&) const { return 0; }

}  // namespace nnlab
