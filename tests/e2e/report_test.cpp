// `nnlab report`: the figures a run and a sweep get, counted in the HTML it writes.
#include "report.hpp"

#include <regex>

#include "data.hpp"
#include "optimizer_paths.hpp"
#include "probe.hpp"
#include "runner.hpp"
#include "sweep.hpp"
#include "test_support.hpp"
#include "trainer.hpp"

namespace nnlab {
namespace {

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

using test::slurp;

TEST(Report, ARunGetsAccuracyAndLossPerEpoch) {
  test::TempDir dir;
  RunOptions options;
  options.out_dir = dir.file("run");
  run_experiment(parse_experiment(test::synthetic_experiment(), "t.yaml"), test::builtin_host(),
                 options);
  const std::string html = slurp(write_report(dir.file("run")));
  EXPECT_EQ(count(html, "<svg"), 2u);
  EXPECT_EQ(count(html, "data-label=\"train_acc\""), 1u);
  EXPECT_EQ(count(html, "data-label=\"test_acc\""), 1u);
  EXPECT_EQ(count(html, "data-label=\"train_loss\""), 1u);
  EXPECT_EQ(html.find("<script"), std::string::npos);  // static: no script, no CDN
  EXPECT_EQ(html.find("http://"), html.find("http://www.w3.org/2000/svg"));
}

TEST(Report, ASweepWithACategoricalParameterComparesItPanelByPanel) {
  // E5's shape: an init scale grid, with and without batch norm.
  test::TempDir dir;
  const std::string yaml =
      test::synthetic_experiment("cmp") +
      "search:\n"
      "  kind: grid\n"
      "  objective: {metric: train_acc, mode: max}\n"
      "  space:\n"
      "    optimizer.lr: {distribution: log_uniform, min: 0.01, max: 0.1, grid: 4}\n"
      "    optimizer.kind: {values: [sgd, momentum]}\n";
  SweepOptions options;
  options.out_dir = dir.file("sweep");
  run_sweep(parse_experiment(yaml, "s.yaml"), test::builtin_host(), options);
  const std::string html = slurp(write_report(dir.file("sweep"), dir.file("r.html")));
  EXPECT_EQ(count(html, "<svg"), 3u);  // objective per trial, parallel coordinates, panels
  EXPECT_EQ(count(html, "class=\"trial\""), 8u);  // one line per complete trial
  EXPECT_EQ(count(html, "class=\"axis\""), 3u);   // lr, kind, train_acc
  // 4 panels (one per lr) of the objective metric, each with an sgd and a momentum line.
  const auto panels = html.substr(html.rfind("<svg"));
  EXPECT_EQ(count(panels, "class=\"panel\""), 4u);
  EXPECT_EQ(count(panels, "data-label=\"optimizer.kind sgd\""), 4u);
  EXPECT_EQ(count(panels, "data-label=\"optimizer.kind momentum\""), 4u);
  EXPECT_NE(html.find("<th>optimizer.lr</th>"), std::string::npos);
}

TEST(Report, ProbesDuringTrainingGetPercentilesOverUpdatesAndTheInRangeFraction) {
  // E11's shape: one categorical parameter (with and without batch norm), a probe every 3 updates.
  test::TempDir dir;
  const std::string yaml = test::synthetic_experiment("probed") +
                           "probe: {nodes: [dense1], every: 3, rows: 50, range_fraction: [-1, 1]}\n"
                           "search:\n"
                           "  kind: grid\n"
                           "  objective: {metric: test_acc, mode: max}\n"
                           "  space:\n"
                           "    optimizer.kind: {values: [sgd, momentum]}\n";
  SweepOptions options;
  options.out_dir = dir.file("sweep");
  run_sweep(parse_experiment(yaml, "s.yaml"), test::builtin_host(), options);
  const std::string html = slurp(write_report(dir.file("sweep"), dir.file("r.html")));
  // (b, c): one percentile panel per trial, p15/p50/p85 in each.
  EXPECT_NE(html.find("Figure 1 b, c"), std::string::npos);
  EXPECT_EQ(count(html, "data-label=\"p50\""), 2u);
  EXPECT_EQ(count(html, "data-label=\"p15\""), 2u);
  // The in-range fraction: one chart, a line per trial.
  EXPECT_NE(html.find("inside the probe's range_fraction"), std::string::npos);
  // (a): the objective per epoch, one line per value of the parameter.
  EXPECT_NE(html.find("test_acc per epoch, one line per optimizer.kind"), std::string::npos);
  EXPECT_GE(count(html, "data-label=\"optimizer.kind sgd\""), 1u);
}

TEST(Report, ARandomSweepShowsTheTopTrialsCurves) {
  test::TempDir dir;
  const std::string yaml = test::synthetic_experiment("top") +
                           "search:\n"
                           "  kind: random\n"
                           "  trials: 24\n"
                           "  objective: {metric: test_acc, mode: max}\n"
                           "  space:\n"
                           "    optimizer.lr: {distribution: log_uniform, min: 1.0e-3, max: 0.5}\n";
  SweepOptions options;
  options.out_dir = dir.file("sweep");
  run_sweep(parse_experiment(yaml, "s.yaml"), test::builtin_host(), options);
  const std::string html = slurp(write_report(dir.file("sweep")));
  const auto panels = html.substr(html.rfind("<svg"));
  EXPECT_EQ(count(panels, "class=\"panel\""), 20u);  // the best 20 of 24, a 4 x 5 grid
  EXPECT_EQ(count(panels, "data-label=\"test_acc\""), 20u);
  EXPECT_NE(html.find("<figcaption>Accuracy per epoch of the best 20 trials"), std::string::npos);
}

TEST(Report, OptimizerPathsAreDrawnOverTheObjectivesContours) {
  test::TempDir dir;
  const auto spec = parse_experiment(
      "name: paths\nobjective: {kind: bowl}\nstart: [-7.0, 2.0]\nsteps: 5\n"
      "optimizers: [{kind: sgd, lr: 0.95}, {kind: adam, lr: 0.3}]\n",
      "p.yaml");
  RunOptions options;
  options.out_dir = dir.file("paths");
  run_paths(spec, test::builtin_host(), options);
  const std::string html = slurp(write_report(dir.file("paths"), "", &test::builtin_host()));
  EXPECT_EQ(count(html, "class=\"contour\""), 2u);           // one contour path per panel
  EXPECT_EQ(count(html, "class=\"point\""), 2u * 6u);        // the start and 5 steps, per path
  EXPECT_EQ(count(html, "data-label=\"sgd lr=0.95\""), 2u);  // its path and its f per step
  // Without the plugins, the paths are still drawn, without contours.
  const std::string bare = slurp(write_report(dir.file("paths"), dir.file("bare.html")));
  EXPECT_EQ(count(bare, "class=\"contour\""), 0u);
  EXPECT_EQ(count(bare, "class=\"point\""), 12u);
}

TEST(Report, AProbeGetsAHistogramPerNode) {
  test::TempDir dir;
  std::string yaml = test::synthetic_experiment("probe") + "probe: {nodes: [relu1], bins: 12}\n";
  yaml.replace(yaml.find("epochs: "), 9, "epochs: 0");
  RunOptions options;
  options.out_dir = dir.file("probe");
  run_experiment(parse_experiment(yaml, "p.yaml"), test::builtin_host(), options);
  EXPECT_FALSE(std::filesystem::exists(dir.file("probe") + "/curves.csv"));  // no training
  const std::string html = slurp(write_report(dir.file("probe")));
  EXPECT_EQ(count(html, "class=\"bar\""), 12u);
  EXPECT_NE(html.find("<td>relu1</td><td>std</td>"), std::string::npos);
  EXPECT_NE(test::error_of([] {
              std::string bad = test::synthetic_experiment("probe") + "probe: {nodes: [nope]}\n";
              const auto spec = parse_experiment(bad, "p.yaml");
              const PreparedData data = prepare_data(spec.data, test::builtin_host(), spec.seed);
              Trainer trainer(spec, data, test::builtin_host());
              Compute compute = Compute::make();
              probe_activations(trainer.graph(), compute, data.train, *spec.probe);
            }).find("probe.nodes: no node named 'nope' in the model"),
            std::string::npos);
}

TEST(Report, AFolderWithoutResultsIsOneClearError) {
  test::TempDir dir;
  EXPECT_EQ(test::error_of([&] { write_report(dir.path().string()); }),
            dir.file("curves.csv") + ": cannot read (is this a results folder?)");
}

}  // namespace
}  // namespace nnlab
