#pragma once
/// The trainer: minibatches, forward, loss, backward, regularizers, optimizer step, and evaluation
/// on the configured splits, in the book's schedule or the modern one.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "data.hpp"
#include "experiment.hpp"
#include "graph.hpp"
#include "metric.hpp"
#include "nnlab/loss.hpp"
#include "nnlab/optimizer.hpp"
#include "nnlab/regularizer.hpp"

namespace nnlab {

class Augmenter;

/// What training does after an evaluation: go on, or stop here (a pruned trial).
enum class EvalAction { proceed, stop };

struct TrainSummary {
  std::int64_t iterations = 0;
  double seconds = 0;
  double flops = 0;  ///< matmul work, 2 per multiply-add (forward 1x, training step 3x)
  EvalPoint last;
  bool stopped = false;  ///< the evaluation callback stopped training before the schedule's end
  bool paused = false;   ///< run() returned at pause_after's epoch; the next run() goes on from it
};

/// Training diverged: the loss became NaN or infinite.
class DivergedError : public Error {
 public:
  /// @param iterations the updates completed before the one whose loss was not finite
  DivergedError(const std::string& message, std::int64_t iterations);
  ~DivergedError() override;
  std::int64_t iterations() const { return iterations_; }

 private:
  std::int64_t iterations_;
};

/// Where training stands after an evaluation: with the components' training state, what a
/// checkpoint holds and a resumed run starts from.
struct SchedulePosition {
  std::int64_t epoch = 0;       ///< the evaluation's epoch: curves.csv keeps its rows through it
  std::int64_t next_step = 0;   ///< book schedule: the index of the next draw of the loop
  std::int64_t iterations = 0;  ///< updates done
  double flops = 0;             ///< for the done line's GFLOP/s
  Rng batch_rng;                ///< the minibatch draws' engine
  std::vector<std::int64_t> order;  ///< shuffle schedule: the row order of the epoch done
};

class Trainer {
 public:
  /// Builds the model, loss, regularizers and optimizer from `spec` through `host`.
  Trainer(const ExperimentSpec& spec, const PreparedData& data, const PluginHost& host);
  ~Trainer();

  /// Trains to the end of the schedule, calling `on_eval` after each evaluation; training stops
  /// early when it answers EvalAction::stop. Throws DivergedError when the loss stops being
  /// finite.
  /// With train.log_every, `on_step(iteration, minibatch loss)` every log_every updates. With
  /// probe.every, `on_probe(updates)` every probe.every updates, between two updates (the
  /// caller probes the graph then; an inference pass changes nothing training does).
  TrainSummary run(Compute& compute, const std::function<EvalAction(const EvalPoint&)>& on_eval,
                   const std::function<void(std::int64_t, double)>& on_step = {},
                   const std::function<void(std::int64_t)>& on_probe = {});

  Graph& graph() { return *graph_; }

  /// Writes a checkpoint to `path` every train.checkpoint.every epochs of run() (after that
  /// epoch's evaluation; never after the last, which the model file covers).
  void checkpoint_to(std::string path) { checkpoint_path_ = std::move(path); }
  /// Loads a checkpoint a run of this same experiment wrote (load_checkpoint's checks); the next
  /// run() goes on from it. Throws Error naming the file, with nothing loaded.
  const SchedulePosition& resume_from(const std::string& path);

  /// Makes run() return right after the evaluation of `epoch` (and its checkpoint, if any), with
  /// TrainSummary::paused set, unless the schedule ends there: a PBT interval's end. 0: never.
  void pause_after(std::int64_t epoch) { pause_after_ = epoch; }
  /// Everything training changed, as checkpoint bytes kept in memory: the state a paused run()
  /// stands at (PBT's exploit copies it from one member to another).
  std::string state();
  /// Loads state() bytes from a trainer whose training state has the same layout (same graph,
  /// optimizer and schedule); its hyperparameters may differ from this trainer's, which are the
  /// ones training goes on with. The next run() goes on from it. Throws Error naming `name`, with
  /// nothing loaded.
  const SchedulePosition& restore(const std::string& bytes, const std::string& name);
  /// Each training-state entry's name, type and size ("model.fc1.W f32 7840"), in order: two
  /// trainers with the same layout can take each other's state().
  std::vector<std::string> state_layout();

  /// The experiment's train.eval splits in inference mode, as the run's evaluations compute them
  /// (`nnlab eval` on a loaded model).
  EvalPoint evaluate(Compute& compute) { return evaluate_all(compute, 0, 0); }

  /// One parameter tensor's gradient check.
  struct GradientCheck {
    std::string parameter;
    std::int64_t checked = 0;  ///< elements compared
    double mean_abs_diff = 0, max_abs_diff = 0;
    double mean_abs_gradient = 0;  ///< of the analytic gradient over the checked elements
    double max_relative = 0;       ///< |analytic - numeric| / max(|analytic| + |numeric|, 1e-3)
  };
  /// The seed's E6 on this model, as built: back-propagated gradients (loss and penalties) of the
  /// first `rows` training rows against central differences with step `h`, for up to `samples`
  /// elements of each parameter tensor (all of a smaller tensor; a seeded choice of a larger one).
  /// The layers compute in float32, so h is larger than the book's float64 1e-4. Throws
  /// ConfigError if the model has dropout (random masks make the check meaningless).
  std::vector<GradientCheck> gradient_check(Compute& compute, std::int64_t rows,
                                            std::int64_t samples, double h);

 private:
  double train_step(Compute& compute, ConstMatrixView x, std::span<const std::int32_t> labels);
  EvalPoint evaluate_all(Compute& compute, std::int64_t epoch, std::int64_t iteration);
  /// Mean data loss (no penalty) and accuracy of `set` in inference mode.
  std::pair<double, double> data_loss_and_accuracy(Compute& compute, const DataSplit& set);
  double penalty() const;
  /// Every piece of state training changes, named for the checkpoint: the parameters
  /// ("model."), the layers' ("layer.") and the optimizer's ("optimizer.") training state, and
  /// the schedule's place ("schedule.").
  TrainingState training_state();
  void save_checkpoint_now();
  void size_schedule_order();

  const ExperimentSpec& spec_;
  const PreparedData& data_;
  std::unique_ptr<Graph> graph_;
  std::unique_ptr<Loss> loss_;
  std::vector<std::unique_ptr<Regularizer>> regularizers_;
  std::unique_ptr<Optimizer> optimizer_;
  std::vector<Parameter*> weights_flop_;  ///< for the FLOP count
  double flops_ = 0;
  SchedulePosition position_;  ///< where run() starts (a resumed run) and, during it, stands
  bool resumed_ = false;
  std::int64_t pause_after_ = 0;
  std::string checkpoint_path_;
  std::unique_ptr<Augmenter> augmenter_;  ///< `augment:`, applied to each gathered minibatch
  Matrix batch_x_;                        ///< the gathered minibatch, allocated once
  std::vector<std::int32_t> batch_y_;
};

}  // namespace nnlab
