// Checkpoints: every kind of training state reads back exactly; a checkpoint that lies, or is of
// another run, is one error naming the file and the entry, with nothing loaded; and a run stopped
// after a checkpoint and resumed from it in a new trainer ends with the numbers of a run never
// stopped, for every optimizer, both schedules, dropout and batch norm's two statistics.
#include "checkpoint.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "results/safetensors.hpp"
#include "test_support.hpp"
#include "trainer.hpp"

namespace nnlab {
namespace {

/// Storage for one of each kind of entry, filled from `seed`.
struct Pieces {
  std::vector<float> f;
  std::vector<double> d;
  std::vector<std::int64_t> i;
  Rng engine;

  explicit Pieces(std::uint64_t seed) : f(5), d(3), i(2), engine(seed) {
    std::mt19937 fill(static_cast<unsigned>(seed));
    for (auto& x : f) x = static_cast<float>(fill()) / 7.0f;
    for (auto& x : d) x = static_cast<double>(fill()) / 3.0;
    for (auto& x : i) x = static_cast<std::int64_t>(fill()) - 100000;
    engine.discard(seed % 1000);  // mid-stream, not at a seed
  }
  TrainingState state() {
    return {{"a.f", std::span<float>(f)},
            {"a.d", std::span<double>(d)},
            {"b.i", std::span<std::int64_t>(i)},
            {"b.rng", &engine}};
  }
};

const std::string kYaml = "name: x\n";

TEST(Checkpoint, EveryKindOfStateReadsBackExactly) {
  test::TempDir dir;
  Pieces saved(11), loaded(99);
  save_checkpoint(dir.file("c.safetensors"), saved.state(), kYaml, {{"epoch", "4"}});
  load_checkpoint(dir.file("c.safetensors"), loaded.state(), kYaml);
  EXPECT_EQ(loaded.f, saved.f);
  EXPECT_EQ(loaded.d, saved.d);
  EXPECT_EQ(loaded.i, saved.i);
  for (int k = 0; k < 5; ++k) EXPECT_EQ(loaded.engine(), saved.engine()) << "draw " << k;
  const SafeTensors file = read_safetensors(dir.file("c.safetensors"));
  EXPECT_EQ(file.metadata.at("format"), "nnlab-checkpoint");
  EXPECT_EQ(file.metadata.at("epoch"), "4");
  EXPECT_EQ(file.tensors.at("a.d").dtype, DType::f64);
  EXPECT_EQ(file.tensors.at("b.i").dtype, DType::i64);
  EXPECT_EQ(file.tensors.at("b.rng").dtype, DType::u8);
}

/// The error of loading `file` into fresh pieces, which must then be untouched.
std::string load_error(const std::string& file, TrainingState (*shape)(Pieces&),
                       const std::string& yaml = kYaml) {
  Pieces target(5), untouched(5);
  const std::string message = test::error_of([&] { load_checkpoint(file, shape(target), yaml); });
  EXPECT_EQ(target.f, untouched.f) << "nothing is loaded halfway";
  EXPECT_EQ(target.d, untouched.d) << "nothing is loaded halfway";
  EXPECT_EQ(target.engine, untouched.engine) << "nothing is loaded halfway";
  return message;
}

TEST(Checkpoint, EveryMismatchIsOneErrorNamingTheFileAndEntryWithNothingLoaded) {
  test::TempDir dir;
  Pieces saved(11);
  const std::string path = dir.file("c.safetensors");
  save_checkpoint(path, saved.state(), kYaml, {});
  const auto same = [](Pieces& p) { return p.state(); };
  EXPECT_EQ(load_error(path, same, "name: y\n").substr(0, path.size() + 36),
            path + ": a checkpoint of another experiment");
  EXPECT_EQ(load_error(path,
                       [](Pieces& p) {
                         auto s = p.state();
                         s.push_back({"c.extra", std::span<float>(p.f)});
                         return s;
                       }),
            path + ": 'c.extra' is missing");
  EXPECT_EQ(load_error(path,
                       [](Pieces& p) {
                         auto s = p.state();
                         s.pop_back();  // the file's b.rng is then not part of the run
                         return s;
                       }),
            path + ": 'b.rng' is not part of this run's training state");
  EXPECT_EQ(load_error(path,
                       [](Pieces& p) {
                         auto s = p.state();
                         s[0].values = std::span<float>(p.f).first(4);
                         return s;
                       }),
            path + ": 'a.f' is F32 of 5, this run's is F32 of 4");
  EXPECT_EQ(load_error(path,
                       [](Pieces& p) {
                         auto s = p.state();
                         s[1].values = std::span<std::int64_t>(p.i).first(1);
                         return s;
                       }),
            path + ": 'a.d' is F64 of 3, this run's is I64 of 1");
  // A random engine's text tampered with.
  SafeTensors file = read_safetensors(path);
  file.tensors["b.rng"].data[0] = 'x';
  dir.write("bad.safetensors", encode_safetensors(file));
  EXPECT_EQ(load_error(dir.file("bad.safetensors"), same),
            dir.file("bad.safetensors") + ": 'b.rng' is not a random engine's state (U8 text)");
  // A model file is not a checkpoint; a truncated checkpoint is not a safetensors file.
  file.metadata["format"] = "nnlab-model";
  dir.write("model.safetensors", encode_safetensors(file));
  EXPECT_EQ(load_error(dir.file("model.safetensors"), same),
            dir.file("model.safetensors") +
                ": not an nnlab checkpoint (its metadata has no format: nnlab-checkpoint)");
  const std::string bytes = test::slurp(path);
  dir.write("cut.safetensors", bytes.substr(0, bytes.size() - 3));
  EXPECT_NE(load_error(dir.file("cut.safetensors"), same).find(dir.file("cut.safetensors")),
            std::string::npos);
}

/// A small network with everything that keeps training state: batch norm, dropout, and the
/// optimizer's master weights and slots.
std::string experiment(const std::string& optimizer, const std::string& sampling,
                       const std::string& stats) {
  return "name: resume\nseed: 7\n"
         "data: {kind: synthetic, classes: 3, features: 8, train: 120, test: 60}\n"
         "model:\n  layers:\n"
         "    - {kind: dense, units: 16}\n"
         "    - {kind: batch_norm, stats: " +
         stats +
         "}\n"
         "    - {kind: relu}\n"
         "    - {kind: dropout, ratio: 0.2}\n"
         "    - {kind: dense, units: 3}\n"
         "  loss: {kind: softmax_cross_entropy}\n"
         "optimizer: {kind: " +
         optimizer +
         ", lr: 0.01}\n"
         "train: {epochs: 6, batch_size: 25, sampling: " +
         sampling + ", eval: [train, test], checkpoint: {every: 2}}\n";
}

struct Outcome {
  std::vector<EvalPoint> points;
  std::vector<std::vector<float>> weights;
  std::int64_t iterations = 0;
};

/// Trains `yaml`; with `stop_after`, stops after that evaluation (an interruption); with
/// `resume`, starts from that checkpoint in a new trainer.
Outcome train(const std::string& yaml, const std::string& checkpoint, int stop_after = -1,
              bool resume = false) {
  const auto spec = parse_experiment(yaml, "r.yaml", {});
  const PreparedData data = prepare_data(spec.data, test::builtin_host(), spec.seed);
  Trainer trainer(spec, data, test::builtin_host());
  trainer.checkpoint_to(checkpoint);
  if (resume) trainer.resume_from(checkpoint);
  Compute compute = Compute::make();
  Outcome out;
  int evaluations = 0;
  out.iterations =
      trainer
          .run(compute,
               [&](const EvalPoint& p) {
                 out.points.push_back(p);
                 return ++evaluations == stop_after ? EvalAction::stop : EvalAction::proceed;
               })
          .iterations;
  for (const Parameter* p : trainer.graph().parameters())
    out.weights.emplace_back(p->value.data(), p->value.data() + p->value.size());
  return out;
}

void expect_same_points(const EvalPoint& a, const EvalPoint& b) {
  EXPECT_EQ(a.epoch, b.epoch);
  EXPECT_EQ(a.iteration, b.iteration);
  ASSERT_EQ(a.metrics.size(), b.metrics.size());
  for (std::size_t m = 0; m < a.metrics.size(); ++m)
    EXPECT_EQ(a.metrics[m].second, b.metrics[m].second) << a.metrics[m].first.name();
}

TEST(Checkpoint, AResumedRunEndsWithTheNumbersOfOneNeverStopped) {
  for (const char* optimizer :
       {"sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "adamw"})
    for (const char* sampling : {"shuffle", "with_replacement"}) {
      const std::string stats = std::string(optimizer) == "adam" ? "paper" : "book";
      SCOPED_TRACE(std::string(optimizer) + ", " + sampling + ", " + stats);
      const std::string yaml = experiment(optimizer, sampling, stats);
      test::TempDir dir;
      const Outcome whole = train(yaml, dir.file("whole.safetensors"));
      // Stopped by the 5th evaluation (epoch 5 of 1..6, or 4 of the book's 0..5) before its
      // checkpoint: the last one is that of epoch 4, or 2 (every 2 epochs, none at 0).
      const Outcome first = train(yaml, dir.file("c.safetensors"), 5);
      ASSERT_EQ(first.points.size(), 5u);
      const Outcome rest = train(yaml, dir.file("c.safetensors"), -1, true);
      ASSERT_FALSE(rest.points.empty());
      EXPECT_EQ(rest.points.front().epoch, std::string(sampling) == "shuffle" ? 5 : 3)
          << "goes on after the checkpoint's epoch";
      const std::size_t skip = whole.points.size() - rest.points.size();
      for (std::size_t k = 0; k < rest.points.size(); ++k)
        expect_same_points(rest.points[k], whole.points[skip + k]);
      EXPECT_EQ(rest.iterations, whole.iterations);
      EXPECT_EQ(rest.weights, whole.weights) << "bit for bit";
    }
}

TEST(Checkpoint, WithoutTheOptimizersStateAResumeWouldDrift) {
  // The test above can fail: a checkpoint whose Adam moments are zeroed resumes to other numbers.
  const std::string yaml = experiment("adam", "shuffle", "book");
  test::TempDir dir;
  const Outcome whole = train(yaml, dir.file("whole.safetensors"));
  train(yaml, dir.file("c.safetensors"), 5);
  SafeTensors file = read_safetensors(dir.file("c.safetensors"));
  int zeroed = 0;
  for (auto& [name, tensor] : file.tensors) {
    if (name.starts_with("optimizer.") && name.ends_with(".m")) {
      std::fill(tensor.data.begin(), tensor.data.end(), '\0');
      ++zeroed;
    }
  }
  ASSERT_GT(zeroed, 0) << "the checkpoint holds Adam's first moments";
  dir.write("c.safetensors", encode_safetensors(file));
  const Outcome rest = train(yaml, dir.file("c.safetensors"), -1, true);
  EXPECT_NE(rest.weights, whole.weights);
}

}  // namespace
}  // namespace nnlab
