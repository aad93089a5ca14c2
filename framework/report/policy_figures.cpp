#include "policy_figures.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>

#include "augmenter.hpp"
#include "data.hpp"
#include "plugin_host.hpp"
#include "png_image.hpp"
#include "results/csv.hpp"
#include "svg_plot.hpp"

namespace nnlab {

namespace fs = std::filesystem;

namespace {

std::string number(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", v);
  return text;
}

/// policy.yaml's sub-policies, one row each; `per_trial` sub-policies came from each ranked trial.
std::string policy_table(const AugmentSpec& augment, std::size_t per_trial) {
  std::size_t operations = 0;
  for (const auto& sub : augment.policy) operations = std::max(operations, sub.size());
  std::string html = "<table class=\"policy\"><tr><th>sub-policy</th><th>from</th>";
  for (std::size_t j = 0; j < operations; ++j) {
    html += "<th>operation " + std::to_string(j + 1) + "</th><th>p</th><th>magnitude</th>";
  }
  html += "</tr>\n";
  for (std::size_t i = 0; i < augment.policy.size(); ++i) {
    html += "<tr><td>" + std::to_string(i) + "</td><td>#" +
            std::to_string(per_trial > 0 ? i / per_trial + 1 : 1) + "</td>";
    for (const AugmentOpSpec& op : augment.policy[i]) {
      html += "<td style=\"text-align:left\">" + svg::escape(op.op.kind) + "</td><td>" +
              number(op.probability) + "</td><td>" + number(op.magnitude) + "</td>";
    }
    html += "</tr>\n";
  }
  return html + "</table>\n";
}

/// The first training images, each as it is and under `draws` draws of the policy.
std::string image_grid(const ExperimentSpec& policy, const PluginHost& host) {
  const PreparedData data = prepare_data(policy.data, host, policy.seed);
  Augmenter augmenter(policy, data, host);  // refuses data that are not images
  const Shape& shape = data.sample_shape;
  const std::int64_t size = shape.size();
  const std::int64_t images = std::min<std::int64_t>(4, data.train.features.rows());
  constexpr std::int64_t draws = 6;
  const float* train = data.train.features.data();
  // Plain variables, not a structured binding: the lambda below reads them (clang 14).
  const auto range = std::minmax_element(train, train + data.train.features.size());
  const float low = *range.first, high = *range.second;
  // Row d·images + i is draw d of image i: every row gets its own random stream.
  std::vector<float> batch(static_cast<std::size_t>(images * draws * size));
  for (std::int64_t d = 0; d < draws; ++d) {
    for (std::int64_t i = 0; i < images; ++i)
      std::copy(train + i * size, train + (i + 1) * size, batch.data() + (d * images + i) * size);
  }
  augmenter.apply(batch.data(), images * draws, 0);
  const int c = static_cast<int>(shape.channels()), h = static_cast<int>(shape.height()),
            w = static_cast<int>(shape.width());
  const int scale = std::max(1, 84 / std::max(h, w));
  auto img = [&](const float* pixels, const std::string& css_class) {
    return "<td><img class=\"" + css_class + "\" src=\"" +
           png::data_uri(pixels, c, h, w, low, high) + "\" width=\"" + std::to_string(w * scale) +
           "\" height=\"" + std::to_string(h * scale) +
           "\" style=\"image-rendering:pixelated\" alt=\"\"></td>";
  };
  std::string html = "<table class=\"augmented\"><tr><th>image</th><th>as it is</th>";
  for (std::int64_t d = 0; d < draws; ++d) html += "<th>draw " + std::to_string(d + 1) + "</th>";
  html += "</tr>\n";
  for (std::int64_t i = 0; i < images; ++i) {
    html += "<tr><td>" + std::to_string(i) + " (label " +
            std::to_string(data.train.labels[static_cast<std::size_t>(i)]) + ")</td>" +
            img(train + i * size, "original");
    for (std::int64_t d = 0; d < draws; ++d)
      html += img(batch.data() + (d * images + i) * size, "draw");
    html += "</tr>\n";
  }
  return html + "</table>\n";
}

/// The controller's batch size: the sweep's search.batch_size, else the strategy's default.
std::int64_t batch_size(const SearchSpec& search, const PluginHost* host) {
  std::int64_t fallback = 10;
  if (host) {
    if (const auto* entry = host->registries().strategies.find(search.strategy.kind)) {
      const ParamSpec* spec = entry->schema.find("batch_size");
      if (spec && spec->default_text) fallback = std::stoll(*spec->default_text);
    }
  }
  return search.strategy.params.integer("batch_size", fallback);
}

std::string reward_figure(const SearchSpec& search, const std::vector<TrialRecord>& trials,
                          std::int64_t batch) {
  std::vector<const TrialRecord*> ordered;
  for (const auto& t : trials) {
    if (t.state == TrialState::complete && t.objective && std::isfinite(*t.objective))
      ordered.push_back(&t);
  }
  std::sort(ordered.begin(), ordered.end(), [](auto a, auto b) { return a->trial < b->trial; });
  const std::size_t size = static_cast<std::size_t>(std::max<std::int64_t>(batch, 1));
  const std::size_t batches = ordered.size() / size;
  if (batches == 0) {
    return "<p>The controller's reward per batch: no batch of " + std::to_string(size) +
           " complete trials yet.</p>\n";
  }
  svg::Series mean, each;
  mean.label = "batch mean";
  mean.color = "#d62728";
  mean.css_class = "batch-mean";
  each.label = "trials";
  each.points = true;
  each.color = "#1f77b4";
  each.opacity = 0.35;
  each.css_class = "batch-trial";
  for (std::size_t b = 0; b < batches; ++b) {
    double sum = 0;
    for (std::size_t k = b * size; k < (b + 1) * size; ++k) {
      sum += *ordered[k]->objective;
      each.x.push_back(static_cast<double>(b + 1));
      each.y.push_back(*ordered[k]->objective);
    }
    mean.x.push_back(static_cast<double>(b + 1));
    mean.y.push_back(sum / static_cast<double>(size));
  }
  svg::Panel panel{.title = "controller reward per batch",
                   .series = {each, mean},
                   .x_label = "batch (the controller's update)",
                   .y_label = search.metric.name()};
  return svg::figure(
      svg::chart(panel, 720, 360),
      "AutoAugment's controller learning: the mean " + search.metric.name() + " of each batch of " +
          std::to_string(size) +
          " complete trials it was updated with (search.batch_size), in "
          "trial order; dots are the trials. Its reward is the objective" +
          (search.maximize ? "" : " negated (minimized)") +
          "; a mean that rises (falls, minimizing) over the batches is a controller that learns.");
}

}  // namespace

std::string policy_section(const std::string& results_dir, const ExperimentSpec& sweep,
                           const std::vector<TrialRecord>& trials, const PluginHost* host) {
  const SearchSpec& search = *sweep.search;
  if (search.top_policies == 0) return "";
  std::string html = "<h2>Learned augmentation policy</h2>\n";
  const fs::path file = fs::path(results_dir) / "policy.yaml";
  if (!fs::exists(file)) {
    html += "<p>No policy.yaml yet: no trial of this policy search has completed.</p>\n";
  } else {
    const ExperimentSpec policy = parse_experiment(read_text(file.string()), file.string());
    const std::size_t per_trial = sweep.augment ? sweep.augment->policy.size() : 0;
    html += "<p><code>policy.yaml</code>: the sub-policies of the best " +
            std::to_string(
                per_trial > 0 ? (policy.augment->policy.size() + per_trial - 1) / per_trial : 1) +
            " policies by " + search.metric.name() +
            ", concatenated (AutoAugment's final policy); <code>nnlab run policy.yaml</code> "
            "trains with it. From: the rank of the trial it came from.</p>\n";
    html += policy_table(*policy.augment, per_trial);
    if (!host) {
      html +=
          "<p>Training images under the policy: not drawn (no plugins to load the data "
          "with).</p>\n";
    } else {
      try {
        html += "<figure>" + image_grid(policy, *host) +
                "<figcaption>The first training images, as they are and under six draws of the "
                "learned policy (each draw: a sub-policy drawn uniformly, each operation applied "
                "with its p at its magnitude).</figcaption></figure>\n";
      } catch (const Error& e) {
        html +=
            "<p>Training images under the policy: not drawn (" + svg::escape(e.what()) + ").</p>\n";
      }
    }
  }
  if (search.strategy.kind == "autoaugment")
    html += reward_figure(search, trials, batch_size(search, host));
  return html;
}

}  // namespace nnlab
