// "Allocate once, reuse": steady-state training and evaluation allocate no buffers per batch.
// This binary replaces the global operator new to count calls; the dynamic linker binds libnnlab's,
// the plugins' and oneDNN's `new` to it too. Only blocks of 4 KiB and more are counted: those are
// the activation-sized ones whose pages glibc hands back to the kernel and faults in again.
// (oneDNN's primitive execution builds small argument maps on every call; they come from the heap's
// free lists, not the kernel.)
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <new>

#include "test_support.hpp"
#include "trainer.hpp"

namespace {
std::atomic<long> allocations{0};
constexpr std::size_t kCounted = 4096;
}  // namespace

// GCC 12 with -fsanitize=address warns (-Wmismatched-new-delete) where it sees memory from
// `operator new` reach free() below; these replacements make `operator new` malloc, so free
// matches.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t size) {
  if (size >= kCounted) ++allocations;
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
void* operator new(std::size_t size, std::align_val_t alignment) {
  if (size >= kCounted) ++allocations;
  const auto align = static_cast<std::size_t>(alignment);
  if (void* p = std::aligned_alloc(align, (size + align - 1) / align * align)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
#pragma GCC diagnostic pop

namespace nnlab {
namespace {

/// Trains `spec`; the allocation count at each of its evaluations.
std::vector<long> allocations_at_each_evaluation(const ExperimentSpec& spec) {
  const PreparedData data = prepare_data(spec.data, test::builtin_host(), spec.seed);
  Trainer trainer(spec, data, test::builtin_host());
  Compute compute = Compute::make();
  std::vector<long> at_eval;
  at_eval.reserve(16);  // reserved: the count's own vector must not allocate between evaluations
  trainer.run(compute, [&](const EvalPoint&) {
    at_eval.push_back(allocations.load());
    return EvalAction::proceed;
  });
  return at_eval;
}

TEST(Allocation, NoHeapAllocationPerTrainingStep) {
  // 640 rows, batch 32: 20 updates between evaluations, each of them forward, loss, backward, L2
  // and a momentum step, on activations of 32 x 256 floats (32 KiB). Any per-step buffer would
  // count at least 20 per epoch.
  const auto spec = parse_experiment(
      test::synthetic_experiment("alloc", "regularizers: [{kind: l2, lambda: 0.001}]\n"), "a.yaml",
      {"data.train=640", "train.batch_size=32", "train.epochs=6", "optimizer.kind=momentum",
       "model.layers[0].body=[{kind: dense, units: 256}, {kind: batch_norm}, {kind: relu}, "
       "{kind: dropout, ratio: 0.1}]"});
  const std::vector<long> at_eval = allocations_at_each_evaluation(spec);
  ASSERT_EQ(at_eval.size(), 6u);
  EXPECT_GT(at_eval[0], 0) << "the first epoch allocates the workspaces: the counter works";
  // After two epochs every workspace, primitive and optimizer state exists.
  for (std::size_t k = 3; k < at_eval.size(); ++k) {
    EXPECT_EQ(at_eval[k] - at_eval[k - 1], 0)
        << "allocations between evaluations " << k - 1 << " and " << k;
  }
}

TEST(Allocation, NoHeapAllocationPerAugmentedStep) {
  // The same on images with every operation in play: RandAugment over all of them, on two
  // threads (the per-thread scratch and engines are sized once, when the trainer is built).
  if (!std::filesystem::exists("/usr/share/datasets/fashion-mnist"))
    GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  const auto spec = parse_experiment(
      "name: alloc\nseed: 2\n"
      "data: {kind: idx, dataset: fashion-mnist, train_limit: 640, test_limit: 64}\n"
      "model: {layers: [{kind: dense, units: 64}, {kind: relu}, {kind: dense, units: 10}], "
      "loss: {kind: softmax_cross_entropy}}\n"
      "optimizer: {kind: sgd, lr: 0.1}\n"
      "train: {epochs: 5, batch_size: 32, eval: [train]}\n"
      "execution: {threads_per_trial: 2}\n"
      "augment: {kind: randaugment, n: 3, m: 7, ops: [identity, flip_x, shear_x, shear_y, "
      "translate_x, translate_y, rotate, invert, auto_contrast, equalize, solarize, posterize, "
      "contrast, brightness, sharpness, color, cutout]}\n",
      "a.yaml");
  const std::vector<long> at_eval = allocations_at_each_evaluation(spec);
  ASSERT_EQ(at_eval.size(), 5u);
  for (std::size_t k = 3; k < at_eval.size(); ++k) {
    EXPECT_EQ(at_eval[k] - at_eval[k - 1], 0)
        << "allocations between evaluations " << k - 1 << " and " << k;
  }
}

}  // namespace
}  // namespace nnlab
