// E1: the shipped optimizer_paths.yaml against the seed's anchors (after steps 1, 2 and 30), to
// 1e-6 — the whole path, through the objective plugin and the optimizer plugins.
#include "acceptance.hpp"
#include "optimizer_paths.hpp"

namespace nnlab::acceptance {
namespace {

struct Anchor {
  std::size_t step;
  double x, y;
};

TEST(AcceptanceE1, OptimizerPathsMatchTheSeedAnchors) {
  const auto spec =
      load_experiment(std::string(NNLAB_SOURCE_DIR) + "/experiments/optimizer_paths.yaml");
  const auto paths = walk_paths(spec, test::builtin_host());
  ASSERT_EQ(paths.size(), 6u);
  const std::map<std::string, std::vector<Anchor>> anchors = {
      {"sgd", {{1, -6.335, -1.8}, {2, -5.733175, 1.62}, {30, -0.350393, 0.0847823}}},
      {"momentum", {{1, -6.93, 1.6}, {2, -6.7977, 0.92}, {30, 0.896414, 0.0880856}}},
      {"adagrad", {{1, -5.5, 0.5}, {2, -4.573268, 0.136197}, {30, -0.120162, 0.0}}},
      {"adam", {{1, -6.700001, 1.7}, {2, -6.400417, 1.402246}, {30, 0.136007, 0.318245}}},
      {"nesterov", {{1, -6.867, 1.24}, {30, 0.689615, -6.799e-4}}},
      {"rmsprop", {{1, -6.000001, 1.0}, {30, -0.69742, 1.48e-8}}},
  };
  for (const auto& path : paths) {
    const std::string kind = path.label.substr(0, path.label.find(' '));
    SCOPED_TRACE(path.label);
    ASSERT_EQ(path.points.size(), 31u);
    for (const Anchor& a : anchors.at(kind)) {
      EXPECT_NEAR(path.points[a.step].x[0], a.x, 1e-6) << "step " << a.step;
      EXPECT_NEAR(path.points[a.step].x[1], a.y, 1e-6) << "step " << a.step;
    }
  }
}

}  // namespace
}  // namespace nnlab::acceptance
