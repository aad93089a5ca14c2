// `nnlab report`: the figures a run and a sweep get, counted in the HTML it writes.
#include "report.hpp"

#include <regex>
#include <sstream>

#include "data.hpp"
#include "optimizer_paths.hpp"
#include "probe.hpp"
#include "results/curves_file.hpp"
#include "results/trials_file.hpp"
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

/// The figure whose caption starts with `caption` (its SVG and caption), or "" when none does.
std::string figure_with(const std::string& html, const std::string& caption) {
  const auto at = html.find("<figcaption>" + caption);
  if (at == std::string::npos) return "";
  const auto start = html.rfind("<figure>", at);
  return html.substr(start, html.find("</figure>", at) - start);
}

/// The (x, y) pixels of the polyline of class `css` in `svg`.
std::vector<std::pair<double, double>> polyline_of(const std::string& svg, const std::string& css) {
  std::vector<std::pair<double, double>> out;
  const auto at = svg.find("class=\"series " + css + "\"");
  if (at == std::string::npos) return out;
  const auto from = svg.find("points=\"", at) + 8;
  std::istringstream in(svg.substr(from, svg.find('"', from) - from));
  std::string pair;
  while (in >> pair) {
    const auto comma = pair.find(',');
    out.push_back({std::stod(pair.substr(0, comma)), std::stod(pair.substr(comma + 1))});
  }
  return out;
}

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
      "    optimizer.kind: {values: [sgd, momentum]}\n"
      "execution: {parallel_trials: 2}\n";
  SweepOptions options;
  options.out_dir = dir.file("sweep");
  run_sweep(parse_experiment(yaml, "s.yaml"), test::builtin_host(), options);
  const std::string html = slurp(write_report(dir.file("sweep"), dir.file("r.html")));
  // History, importance, slices, EDF, intermediate values, timeline, parallel coordinates, panels;
  // no contour: one numeric parameter.
  EXPECT_EQ(count(html, "<svg"), 8u);
  EXPECT_NE(html.find("Contour of the two most important parameters: skipped, the space has "
                      "fewer than 2 numeric parameters."),
            std::string::npos);
  // The timeline: a bar per trial, on at most the 2 slots the sweep ran.
  const std::string timeline = figure_with(html, "Each trial a bar");
  EXPECT_EQ(count(timeline, "class=\"span complete\""), 8u);
  EXPECT_GE(count(timeline, ">slot "), 1u);
  EXPECT_LE(count(timeline, ">slot "), 2u);
  // A categorical parameter's slice panel names its values on the x axis.
  const std::string slices = figure_with(html, "Slice plots");
  EXPECT_EQ(count(slices, "class=\"panel\""), 2u);
  EXPECT_NE(slices.find(">momentum</text>"), std::string::npos);
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
  EXPECT_NE(html.find("Contour of the two most important parameters: skipped"), std::string::npos);
}

TEST(Report, ASweepMarksFailedAndPrunedTrialsInEveryFigure) {
  // Learning rates from 1e10 up diverge and fail with 'nan'; the median rule prunes the weak; one
  // trial at a time, so the pruner's decisions and the states are the same on every run.
  test::TempDir dir;
  std::string yaml = test::synthetic_experiment("marked") +
                     "search:\n"
                     "  kind: random\n"
                     "  trials: 20\n"
                     "  pruner: {kind: median}\n"
                     "  objective: {metric: test_acc, mode: max}\n"
                     "  space:\n"
                     "    optimizer.lr: {distribution: log_uniform, min: 1.0e-3, max: 1.0e+12}\n"
                     "    model.layers[0].body[0].units: {distribution: int, min: 4, max: 32, "
                     "step: 4}\n"
                     "execution: {parallel_trials: 1}\n";
  yaml.replace(yaml.find("epochs: 5"), 9, "epochs: 8");
  SweepOptions options;
  options.out_dir = dir.file("sweep");
  run_sweep(parse_experiment(yaml, "s.yaml"), test::builtin_host(), options);
  const auto trials = read_trials(dir.file("sweep") + "/trials.csv",
                                  {"optimizer.lr", "model.layers[0].body[0].units"});
  std::size_t complete = 0, pruned = 0, failed = 0, failed_with_curve = 0;
  const Curves curves = read_curves(dir.file("sweep") + "/curves.csv");
  for (const auto& t : trials) {
    complete += t.state == TrialState::complete;
    pruned += t.state == TrialState::pruned;
    failed += t.state == TrialState::failed;
    failed_with_curve += t.state == TrialState::failed && curves.count(t.trial);
  }
  ASSERT_GE(complete, 4u);
  ASSERT_GE(pruned, 1u);
  ASSERT_GE(failed, 1u);
  const std::string html = slurp(write_report(dir.file("sweep")));

  // Optimization history: a dot per complete and pruned trial, a cross per failed one, and the
  // best-so-far line never goes down (SVG y grows downwards: it never goes up on the page).
  const std::string history = figure_with(html, "Optimization history");
  ASSERT_FALSE(history.empty());
  EXPECT_EQ(count(history, "class=\"point complete\""), complete);
  EXPECT_EQ(count(history, "class=\"point pruned\""), pruned);
  EXPECT_EQ(count(history, "class=\"cross fail\""), failed);
  EXPECT_NE(history.find(">FAIL (no value)</text>"), std::string::npos);  // in the legend
  const auto best = polyline_of(history, "best-so-far");
  ASSERT_GE(best.size(), 2 * complete - 1);
  for (std::size_t k = 1; k < best.size(); ++k) {
    EXPECT_LE(best[k].second, best[k - 1].second + 1e-9) << k;
    EXPECT_GE(best[k].first, best[k - 1].first) << k;
  }

  // Slices: a panel per parameter, every trial in each (both parameters are always active).
  const std::string slices = figure_with(html, "Slice plots");
  EXPECT_EQ(count(slices, "class=\"panel\""), 2u);
  EXPECT_EQ(count(slices, "class=\"point complete\""), 2 * complete);
  EXPECT_EQ(count(slices, "class=\"cross fail\""), 2 * failed);
  EXPECT_NE(slices.find(">1e+05</text>"), std::string::npos);  // lr on a log axis: decade ticks

  // Importance: a bar per parameter, lr (the diverging one) on top.
  const std::string importance = figure_with(html, "Parameter importance");
  EXPECT_EQ(count(importance, "class=\"span importance\""), 2u);
  EXPECT_NE(importance.find("over " + std::to_string(complete) + " complete trials"),
            std::string::npos);

  // Contour of the two: a 40 x 40 heat map, every trial a mark on it.
  const std::string contour = figure_with(html, "Contour of the objective");
  EXPECT_EQ(count(contour, "class=\"cell\""), 1600u);
  EXPECT_EQ(count(contour, "class=\"point complete\""), complete);
  EXPECT_EQ(count(contour, "class=\"point pruned\""), pruned);
  EXPECT_EQ(count(contour, "class=\"cross fail\""), failed);

  // EDF: from 0 at the lowest objective to 1 at the highest (the panel's top edge).
  const std::string edf = figure_with(html, "Empirical distribution");
  const auto steps = polyline_of(edf, "edf");
  ASSERT_GE(steps.size(), 2u);
  std::smatch frame;
  ASSERT_TRUE(std::regex_search(edf, frame,
                                std::regex("<rect x=\"[-0-9.]+\" y=\"([-0-9.]+)\" width=\"[-0-9."
                                           "]+\" height=\"([-0-9.]+)\"")));
  const double top = std::stod(frame[1]), bottom = top + std::stod(frame[2]);
  EXPECT_NEAR(steps.back().second, top, 0.01);              // 1
  EXPECT_NEAR(steps.front().second, bottom, 0.01);          // 0
  EXPECT_EQ(count(edf, "class=\"point pruned\""), pruned);  // their last values, along the bottom
  EXPECT_NE(edf.find("FAIL (" + std::to_string(failed) + ", no value, not counted)"),
            std::string::npos);

  // Intermediate values: a curve per trial that has one; pruned ones end in a grey dot, failed
  // ones (diverged: they keep their curve up to the blow-up) in a red cross.
  const std::string curves_figure = figure_with(html, "Intermediate values");
  EXPECT_EQ(count(curves_figure, "class=\"series complete\""), complete);
  EXPECT_EQ(count(curves_figure, "class=\"series pruned\""), pruned);
  EXPECT_EQ(count(curves_figure, "class=\"point pruned\""), pruned);
  EXPECT_EQ(count(curves_figure, "class=\"cross fail\""), failed_with_curve);

  // Timeline: one bar per trial in its state's colour, on the single slot.
  const std::string timeline = figure_with(html, "Each trial a bar");
  EXPECT_EQ(count(timeline, "class=\"span complete\""), complete);
  EXPECT_EQ(count(timeline, "class=\"span pruned\""), pruned);
  EXPECT_EQ(count(timeline, "class=\"span fail\""), failed);
  EXPECT_EQ(count(timeline, ">slot "), 1u);
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

TEST(Report, AnAutoAugmentSweepShowsItsPolicyImagesUnderItAndTheControllersReward) {
  if (!std::filesystem::exists("/usr/share/datasets/fashion-mnist"))
    GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  // A small policy search on Fashion-MNIST: 2 sub-policies of 2 operations per trial, the best 3
  // trials' in policy.yaml, controller batches of 3.
  test::TempDir dir;
  const std::string yaml =
      "name: policy\n"
      "seed: 4\n"
      "data: {kind: idx, dataset: fashion-mnist, train_limit: 200, test_limit: 100}\n"
      "model:\n"
      "  layers: [{kind: dense, units: 16}, {kind: relu}, {kind: dense, units: 10}]\n"
      "  loss: {kind: softmax_cross_entropy}\n"
      "optimizer: {kind: adam, lr: 0.003}\n"
      "train: {epochs: 1, batch_size: 50, sampling: shuffle, eval: [train, test]}\n"
      "search:\n"
      "  kind: autoaugment\n"
      "  trials: 8\n"
      "  batch_size: 3\n"
      "  objective: {metric: test_acc, mode: max}\n"
      "  space:\n"
      "    augment.policy: {sub_policies: 2, operations: 2, top: 3}\n"
      "execution: {parallel_trials: 2}\n";
  SweepOptions options;
  options.out_dir = dir.file("sweep");
  run_sweep(parse_experiment(yaml, "s.yaml"), test::builtin_host(), options);
  const std::string html =
      slurp(write_report(dir.file("sweep"), dir.file("r.html"), &test::builtin_host()));
  EXPECT_NE(html.find("<h2>Learned augmentation policy</h2>"), std::string::npos);
  // The policy: 3 trials x 2 sub-policies, each row naming the rank it came from.
  const auto table = html.substr(html.find("<table class=\"policy\">"));
  EXPECT_EQ(count(table.substr(0, table.find("</table>")), "<tr><td>"), 6u);
  EXPECT_EQ(count(table.substr(0, table.find("</table>")), "<td>#3</td>"), 2u);
  // 4 images, each as it is and under 6 draws, inline.
  EXPECT_EQ(count(html, "<img class=\"original\" src=\"data:image/png;base64,"), 4u);
  EXPECT_EQ(count(html, "<img class=\"draw\" src=\"data:image/png;base64,"), 24u);
  // Each row is an image as it is, then its draws: some draws change it (the policy applies some
  // operation), and the rows show different images.
  std::vector<std::vector<std::string>> rows;
  const auto grid = html.substr(html.find("<table class=\"augmented\">"));
  std::istringstream lines(grid.substr(0, grid.find("</table>")));
  for (std::string line; std::getline(lines, line);) {
    std::vector<std::string> uris;
    for (auto at = line.find("src=\""); at != std::string::npos; at = line.find("src=\"", at + 5))
      uris.push_back(line.substr(at + 5, line.find('"', at + 5) - at - 5));
    if (!uris.empty()) rows.push_back(uris);
  }
  ASSERT_EQ(rows.size(), 4u);
  int changed = 0;
  for (const auto& row : rows) {
    ASSERT_EQ(row.size(), 7u);
    for (std::size_t d = 1; d < row.size(); ++d) changed += row[d] != row[0];
  }
  EXPECT_GT(changed, 0);
  EXPECT_NE(rows[0][0], rows[1][0]);
  // The controller's reward: 8 trials make 2 full batches of 3.
  const std::string reward = figure_with(html, "AutoAugment's controller learning");
  ASSERT_FALSE(reward.empty());
  EXPECT_EQ(polyline_of(reward, "batch-mean").size(), 2u);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("http://"), html.find("http://www.w3.org/2000/svg"));
  // Without plugins the images are missing, said in a sentence.
  const std::string bare = slurp(write_report(dir.file("sweep"), dir.file("bare.html")));
  EXPECT_NE(bare.find("not drawn (no plugins"), std::string::npos);
  EXPECT_EQ(count(bare, "<img"), 0u);
}

TEST(Report, AFolderWithoutResultsIsOneClearError) {
  test::TempDir dir;
  EXPECT_EQ(test::error_of([&] { write_report(dir.path().string()); }),
            dir.file("curves.csv") + ": cannot read (is this a results folder?)");
}

}  // namespace
}  // namespace nnlab
