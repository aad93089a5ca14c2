#include "trainer.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <numeric>
#include <random>

#include "augmenter.hpp"
#include "checkpoint.hpp"
#include "interruption.hpp"
#include "model_file.hpp"
#include "nnlab/memory.hpp"
#include "plugin_host.hpp"

namespace nnlab {

DivergedError::DivergedError(const std::string& message, std::int64_t iterations)
    : Error(message), iterations_(iterations) {}

DivergedError::~DivergedError() = default;

Trainer::Trainer(const ExperimentSpec& spec, const PreparedData& data, const PluginHost& host)
    : spec_(spec), data_(data) {
  const Registries& r = host.registries();
  graph_ = std::make_unique<Graph>(spec.model, data.sample_shape, host, spec.seed);
  if (graph_->output_width() != data.classes) {
    throw ConfigError(spec.model.loss.where, "model",
                      "the model outputs " + std::to_string(graph_->output_width()) +
                          " values but the data has " + std::to_string(data.classes) +
                          " classes; set the last layer's units to " +
                          std::to_string(data.classes));
  }
  if (!spec.model.init_from.empty()) {
    try {
      warm_start(*graph_, spec.model.init_from);
    } catch (const ConfigError&) {
      throw;
    } catch (const Error& e) {
      throw ConfigError(spec.model.init_from_where, "model.init_from", e.what());
    }
  }
  loss_ = host.create(r.losses, spec.model.loss);
  for (const auto& reg : spec.regularizers)
    regularizers_.push_back(host.create(r.regularizers, reg));
  optimizer_ = host.create(r.optimizers, spec.optimizer);
  for (Parameter* p : graph_->parameters()) {
    if (p->role == ParameterRole::weight) weights_flop_.push_back(p);
  }
  // A batch's input rows, and an activation and a gradient per node for each row: refused by
  // size before anything is allocated (nnlab/memory.hpp says why).
  double row_bytes = static_cast<double>(data.features());
  for (const auto& name : graph_->node_names())
    row_bytes += 2.0 * static_cast<double>(graph_->node_shape(name).size());
  if (static_cast<double>(spec.train.batch_size) * row_bytes * sizeof(float) >
      memory_limit_bytes()) {
    throw ConfigError(spec.train.batch_size_where, "train.batch_size",
                      "a batch of " + std::to_string(spec.train.batch_size) +
                          " rows needs more memory than this machine has");
  }
  if (spec.augment) augmenter_ = std::make_unique<Augmenter>(spec, data, host);
  batch_x_ = Matrix(spec.train.batch_size, data.features());
  batch_y_.resize(static_cast<std::size_t>(spec.train.batch_size));
  for (const auto& split : spec.train.eval) {
    if (split == Split::val && data.val.features.rows() == 0) {
      throw ConfigError(
          spec.train.eval_where, "train.eval",
          "'val' is evaluated but the data has no validation split (set data.val_size)");
    }
    if (split == Split::test && data.test.features.rows() == 0) {
      throw ConfigError(spec.train.eval_where, "train.eval",
                        "'test' is evaluated but the dataset has no test rows");
    }
  }
}

Trainer::~Trainer() = default;

double Trainer::penalty() const {
  double sum = 0;
  for (const auto& reg : regularizers_) sum += reg->penalty(graph_->parameters());
  return sum;
}

TrainingState Trainer::training_state() {
  TrainingState all;
  for (Parameter* p : graph_->parameters())
    all.push_back({"model." + p->name,
                   std::span<float>(p->value.data(), static_cast<std::size_t>(p->value.size()))});
  const auto prefixed = [&all](TrainingState part, const std::string& prefix) {
    for (auto& e : part) all.push_back({prefix + e.name, e.values});
  };
  prefixed(graph_->training_state(), "layer.");
  TrainingState optimizer;
  optimizer_->training_state(graph_->parameters(), optimizer);
  prefixed(std::move(optimizer), "optimizer.");
  all.push_back({"schedule.epoch", std::span<std::int64_t>(&position_.epoch, 1)});
  all.push_back({"schedule.next_step", std::span<std::int64_t>(&position_.next_step, 1)});
  all.push_back({"schedule.iterations", std::span<std::int64_t>(&position_.iterations, 1)});
  all.push_back({"schedule.flops", std::span<double>(&position_.flops, 1)});
  all.push_back({"schedule.batch_rng", &position_.batch_rng});
  all.push_back({"schedule.order", std::span<std::int64_t>(position_.order)});
  return all;
}

void Trainer::save_checkpoint_now() {
  position_.flops = flops_;
  save_checkpoint(checkpoint_path_, training_state(), spec_.resolved_yaml,
                  {{"epoch", std::to_string(position_.epoch)},
                   {"updates", std::to_string(position_.iterations)}});
}

const SchedulePosition& Trainer::resume_from(const std::string& path) {
  size_schedule_order();
  load_checkpoint(path, training_state(), spec_.resolved_yaml);
  flops_ = position_.flops;
  resumed_ = true;
  return position_;
}

void Trainer::size_schedule_order() {
  // The row order's size is the schedule's: sized before a load checks it against the file.
  position_.order.assign(spec_.train.sampling == Sampling::shuffle
                             ? static_cast<std::size_t>(data_.train.features.rows())
                             : 0,
                         0);
}

std::string Trainer::state() {
  position_.flops = flops_;
  return encode_checkpoint(training_state(), spec_.resolved_yaml,
                           {{"epoch", std::to_string(position_.epoch)},
                            {"updates", std::to_string(position_.iterations)}});
}

std::vector<std::string> Trainer::state_layout() {
  size_schedule_order();  // as run() sizes it
  std::vector<std::string> layout;
  for (const TrainingStateEntry& e : training_state()) {
    layout.push_back(std::visit(
        [&](const auto& v) {
          using V = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<V, Rng*>) {
            return e.name + " engine";
          } else {
            return e.name + " " + std::to_string(sizeof(typename V::element_type)) + "-byte x " +
                   std::to_string(v.size());
          }
        },
        e.values));
  }
  return layout;
}

const SchedulePosition& Trainer::restore(const std::string& bytes, const std::string& name) {
  size_schedule_order();
  decode_checkpoint(bytes, name, training_state(), spec_.resolved_yaml,
                    CheckpointMatch::same_layout);
  flops_ = position_.flops;
  resumed_ = true;
  return position_;
}

double Trainer::train_step(Compute& compute, ConstMatrixView x,
                           std::span<const std::int32_t> labels) {
  ConstMatrixView out = graph_->forward(compute, x, Mode::train);
  const double loss = loss_->forward(compute, out, labels);
  if (!std::isfinite(loss)) return loss;
  loss_->backward(compute, graph_->output_grad());
  graph_->backward(compute);
  for (const auto& reg : regularizers_) reg->add_gradient(graph_->parameters());
  optimizer_->step(graph_->parameters());
  for (const Parameter* w : weights_flop_)
    flops_ += 6.0 * static_cast<double>(w->value.size() * w->uses_per_sample) *
              static_cast<double>(x.rows);
  return loss;
}

std::pair<double, double> Trainer::data_loss_and_accuracy(Compute& compute, const DataSplit& set) {
  const std::int64_t n = set.features.rows();
  double loss_sum = 0;
  std::int64_t correct = 0;
  for (std::int64_t first = 0; first < n; first += spec_.train.eval_batch_size) {
    const std::int64_t rows = std::min(spec_.train.eval_batch_size, n - first);
    ConstMatrixView x = set.features.view().row_range(first, rows);
    std::span<const std::int32_t> labels(set.labels.data() + first, static_cast<std::size_t>(rows));
    ConstMatrixView out = graph_->forward(compute, x, Mode::infer);
    loss_sum += loss_->forward(compute, out, labels) * static_cast<double>(rows);
    for (std::int64_t r = 0; r < rows; ++r) {
      const float* z = out.row(r);
      const auto predicted = std::max_element(z, z + out.cols) - z;
      correct += predicted == labels[static_cast<std::size_t>(r)];
    }
    for (const Parameter* w : weights_flop_)
      flops_ += 2.0 * static_cast<double>(w->value.size() * w->uses_per_sample) *
                static_cast<double>(rows);
  }
  return {loss_sum / static_cast<double>(n), static_cast<double>(correct) / static_cast<double>(n)};
}

EvalPoint Trainer::evaluate_all(Compute& compute, std::int64_t epoch, std::int64_t iteration) {
  EvalPoint point;
  point.epoch = epoch;
  point.iteration = iteration;
  const double decay = penalty();  // the same weights for every split: once
  for (const auto& split : spec_.train.eval) {
    const auto [loss, accuracy] = data_loss_and_accuracy(compute, data_.split(split));
    point.metrics.emplace_back(Metric{split, Measure::accuracy}, accuracy);
    point.metrics.emplace_back(Metric{split, Measure::loss}, loss + decay);
  }
  return point;
}

std::vector<Trainer::GradientCheck> Trainer::gradient_check(Compute& compute, std::int64_t rows,
                                                            std::int64_t samples, double h) {
  for (const NodeSpec& node : spec_.model.nodes) {
    if (node.layer.kind == "dropout") {
      throw ConfigError(node.layer.where, node.layer.path + ".kind",
                        "a gradient check never goes through dropout (its random masks change "
                        "between the two evaluations); check the model without it");
    }
  }
  const DataSplit& train = data_.train;
  rows = std::min(rows, train.features.rows());
  if (rows < 2)
    throw Error(
        "a gradient check needs a batch of at least 2 rows (batch norm's x-hat is 0 for 1)");
  const ConstMatrixView x(train.features.data(), rows, train.features.cols());
  const std::span<const std::int32_t> labels(train.labels.data(), static_cast<std::size_t>(rows));
  auto loss_of = [&] {
    const double loss = loss_->forward(compute, graph_->forward(compute, x, Mode::train), labels);
    return loss + penalty();
  };
  // Analytic: one backward pass, penalties included.
  loss_of();
  loss_->backward(compute, graph_->output_grad());
  graph_->backward(compute);
  for (const auto& reg : regularizers_) reg->add_gradient(graph_->parameters());
  std::vector<Matrix> analytic;
  for (const Parameter* p : graph_->parameters()) {
    Matrix copy(p->grad.rows(), p->grad.cols());
    std::copy(p->grad.data(), p->grad.data() + p->grad.size(), copy.data());
    analytic.push_back(std::move(copy));
  }
  std::vector<GradientCheck> out;
  Rng rng(derive_seed(spec_.seed, "gradient-check"));
  for (std::size_t t = 0; t < graph_->parameters().size(); ++t) {
    Parameter& p = *graph_->parameters()[t];
    std::vector<std::int64_t> indices(static_cast<std::size_t>(p.value.size()));
    std::iota(indices.begin(), indices.end(), 0);
    if (p.value.size() > samples) {
      std::shuffle(indices.begin(), indices.end(), rng);
      indices.resize(static_cast<std::size_t>(samples));
    }
    GradientCheck c;
    c.parameter = p.name;
    for (std::int64_t i : indices) {
      const float w = p.value.data()[i];
      p.value.data()[i] = w + static_cast<float>(h);
      const double plus = loss_of();
      p.value.data()[i] = w - static_cast<float>(h);
      const double minus = loss_of();
      p.value.data()[i] = w;
      const double numeric = (plus - minus) / (2 * h);
      const double a = analytic[t].data()[i];
      const double diff = std::fabs(a - numeric);
      c.mean_abs_diff += diff;
      c.mean_abs_gradient += std::fabs(a);
      c.max_abs_diff = std::max(c.max_abs_diff, diff);
      c.max_relative =
          std::max(c.max_relative, diff / std::max(std::fabs(a) + std::fabs(numeric), 1e-3));
      ++c.checked;
    }
    if (c.checked > 0) {
      c.mean_abs_diff /= static_cast<double>(c.checked);
      c.mean_abs_gradient /= static_cast<double>(c.checked);
    }
    out.push_back(c);
  }
  return out;
}

TrainSummary Trainer::run(Compute& compute,
                          const std::function<EvalAction(const EvalPoint&)>& on_eval,
                          const std::function<void(std::int64_t, double)>& on_step,
                          const std::function<void(std::int64_t)>& on_probe) {
  const auto start = std::chrono::steady_clock::now();
  const DataSplit& train = data_.train;
  const std::int64_t n = train.features.rows();
  const std::int64_t features = train.features.cols();
  const std::int64_t batch = spec_.train.batch_size;
  if (!resumed_) {
    position_ = SchedulePosition{};
    position_.batch_rng.seed(derive_seed(spec_.train.batch_seed.value_or(spec_.seed), "batches"));
  }
  resumed_ = false;  // a second run() starts afresh
  Rng& rng = position_.batch_rng;
  const std::int64_t budget = spec_.train.iterations;
  const std::int64_t log_every = spec_.train.log_every;
  const std::int64_t probe_every = spec_.probe ? spec_.probe->every : 0;
  TrainSummary summary;
  summary.iterations = position_.iterations;
  const double flops_before = flops_;  // a resumed run's rate counts this process's work only
  // After the evaluation of `epoch`, when it is a checkpoint's epoch: the schedule's place, then
  // the file (the rows the evaluation wrote are already flushed).
  const std::int64_t every = checkpoint_path_.empty() ? 0 : spec_.train.checkpoint_every;
  // Returns whether run() pauses here (pause_after).
  auto checkpoint = [&](std::int64_t epoch, std::int64_t next_step) {
    const bool save = every > 0 && epoch > 0 && epoch % every == 0;
    const bool pause = pause_after_ > 0 && epoch == pause_after_;
    if (!save && !pause) return false;
    position_.epoch = epoch;
    position_.next_step = next_step;
    position_.iterations = summary.iterations;
    position_.flops = flops_;
    if (save) save_checkpoint_now();
    summary.paused = pause;
    return pause;
  };
  auto gather = [&](const std::int64_t* rows, std::int64_t count) {
    for (std::int64_t b = 0; b < count; ++b) {
      std::memcpy(batch_x_.data() + b * features, train.features.data() + rows[b] * features,
                  static_cast<std::size_t>(features) * sizeof(float));
      batch_y_[static_cast<std::size_t>(b)] = train.labels[static_cast<std::size_t>(rows[b])];
    }
    // Training images only (evaluation reads the sets directly), keyed by the update's index.
    if (augmenter_) augmenter_->apply(batch_x_.data(), count, summary.iterations);
    return ConstMatrixView(batch_x_.data(), count, features);
  };
  auto step = [&](const std::int64_t* rows, std::int64_t count) {
    throw_if_stop_requested();  // Ctrl-C: stop between two updates
    const double loss = train_step(compute, gather(rows, count),
                                   {batch_y_.data(), static_cast<std::size_t>(count)});
    if (!std::isfinite(loss)) {
      throw DivergedError("training diverged at iteration " + std::to_string(summary.iterations) +
                              ": the loss is " + (std::isnan(loss) ? "nan" : "infinite"),
                          summary.iterations);
    }
    ++summary.iterations;
    if (log_every > 0 && on_step && summary.iterations % log_every == 0)
      on_step(summary.iterations, loss);
    if (probe_every > 0 && on_probe && summary.iterations % probe_every == 0)
      on_probe(summary.iterations);
  };
  // Returns whether training goes on: the callback may stop it (a pruned trial).
  auto eval = [&](std::int64_t epoch) {
    summary.last = evaluate_all(compute, epoch, summary.iterations);
    summary.stopped = on_eval(summary.last) == EvalAction::stop;
    return !summary.stopped;
  };

  std::vector<std::int64_t> rows(static_cast<std::size_t>(batch));
  if (spec_.train.sampling == Sampling::with_replacement) {
    // The book's schedule: independent draws with replacement; an epoch is train_size / batch
    // updates (a fraction, at least 1), and evaluation happens when the iteration count is a
    // multiple of it: i mod (n / batch) == 0, i.e. i * batch mod n == 0, in integers. The book
    // tests it in floating point, which agrees wherever n / batch is a float exactly (6, 2.5) and
    // elsewhere (120 / 25 = 4.8) never holds again, so a run ended by its epochs never ended.
    const auto evaluates_after = [n, batch](std::int64_t i) {
      return batch >= n || (i % n) * batch % n == 0;
    };
    std::uniform_int_distribution<std::int64_t> pick(0, n - 1);
    // A resumed run starts after the checkpoint's evaluation: the next draw, the next epoch.
    std::int64_t epoch = position_.next_step > 0 ? position_.epoch + 1 : 0;
    for (std::int64_t i = position_.next_step;; ++i) {
      for (std::int64_t b = 0; b < batch; ++b) rows[static_cast<std::size_t>(b)] = pick(rng);
      step(rows.data(), batch);
      const bool last = budget > 0 && summary.iterations >= budget;
      if (evaluates_after(i) || last) {
        if (!eval(epoch)) break;
        if (++epoch >= spec_.train.epochs || last) break;
        if (checkpoint(epoch - 1, i + 1)) break;
      }
    }
  } else {
    // Each epoch shuffles the last one's order, so the order is part of the schedule's state.
    std::vector<std::int64_t>& order = position_.order;
    if (position_.epoch == 0) {
      order.resize(static_cast<std::size_t>(n));
      std::iota(order.begin(), order.end(), 0);
    }
    for (std::int64_t epoch = position_.epoch + 1; epoch <= spec_.train.epochs; ++epoch) {
      std::shuffle(order.begin(), order.end(), rng);
      bool last = false;
      for (std::int64_t first = 0; first < n && !last; first += batch) {
        step(order.data() + first, std::min(batch, n - first));
        last = budget > 0 && summary.iterations >= budget;
      }
      if (!eval(epoch) || last) break;
      if (epoch < spec_.train.epochs && checkpoint(epoch, 0)) break;
    }
  }
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  summary.flops = flops_ - flops_before;
  return summary;
}

}  // namespace nnlab
