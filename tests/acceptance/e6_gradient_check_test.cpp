// E6: the shipped gradient_check.yaml (the book's batch-norm network, L2 included) through the
// real float32 oneDNN layers, 10 rows: every tensor's mean |analytic - numeric| under 1e-3 at
// h = 1e-3 (measured: under 8e-5 over 6 seeds).
// The seed's float64 band (< 1e-6) is checked on the same network's formulas in
// tests/numerics/network_gradient_test.cpp.
#include "acceptance.hpp"
#include "data.hpp"
#include "trainer.hpp"

namespace nnlab::acceptance {
namespace {

TEST_F(Acceptance, E6_BackPropagationMatchesCentralDifferences) {
  for (int seed : seeds()) {
    const auto spec =
        load_experiment(std::string(NNLAB_SOURCE_DIR) + "/experiments/gradient_check.yaml",
                        {"seed=" + std::to_string(seed)});
    const PreparedData data = prepare_data(spec.data, test::builtin_host(), spec.seed);
    Trainer trainer(spec, data, test::builtin_host());
    Compute compute = Compute::make();
    const auto checks = trainer.gradient_check(compute, 10, 200, 1e-3);
    ASSERT_EQ(checks.size(), 10u);  // 3 dense W and b, 2 batch-norm gamma and beta
    for (const auto& c : checks) {
      EXPECT_GT(c.checked, 0) << c.parameter;
      EXPECT_LT(c.mean_abs_diff, 1e-3) << "seed " << seed << " " << c.parameter;
    }
  }
}

TEST_F(Acceptance, E6_ACheckThroughDropoutIsRefused) {
  const auto spec =
      load_experiment(std::string(NNLAB_SOURCE_DIR) + "/experiments/gradient_check.yaml",
                      {"model.layers[0].body[2].kind=dropout"});
  const PreparedData data = prepare_data(spec.data, test::builtin_host(), spec.seed);
  Trainer trainer(spec, data, test::builtin_host());
  Compute compute = Compute::make();
  EXPECT_NE(test::error_of([&] {
              trainer.gradient_check(compute, 10, 10, 1e-3);
            }).find("a gradient check never goes through dropout"),
            std::string::npos);
}

}  // namespace
}  // namespace nnlab::acceptance
