// The ask/tell protocol alone: a fake strategy that records every call, no training, no files.
#include "ask_tell_queue.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace nnlab {
namespace {

/// Records the order of asks and tells; learns from results unless told otherwise.
class RecordingStrategy final : public SearchStrategy {
 public:
  explicit RecordingStrategy(bool learns = true, std::int64_t size = 1000)
      : learns_(learns), size_(size) {}
  void setup(const SearchSpace&, const SearchSetup&) override {}
  std::optional<Assignment> ask(std::int64_t trial) override {
    if (trial >= size_) return std::nullopt;
    // What ask(k) saw: the trials told so far.
    seen_at_ask.push_back(told);
    calls.push_back("ask " + std::to_string(trial));
    return Assignment{{"x", std::to_string(trial)}};
  }
  void tell(const TrialResult& result) override {
    told.push_back(result.trial);
    calls.push_back("tell " + std::to_string(result.trial));
  }
  bool uses_results() const override { return learns_; }

  std::vector<std::string> calls;
  std::vector<std::int64_t> told;
  std::vector<std::vector<std::int64_t>> seen_at_ask;

 private:
  bool learns_;
  std::int64_t size_;
};

class CountingPruner final : public Pruner {
 public:
  void setup(const PrunerSetup&) override {}
  bool should_prune(std::int64_t trial, std::int64_t, double) override { return trial == 1; }
  void tell(const TrialResult& result) override { told.push_back(result.trial); }
  std::vector<std::int64_t> told;
};

TrialResult done(std::int64_t k) { return {k, {}, TrialState::complete, 0.5}; }

TEST(AskTellQueue, WithALagAskKSeesExactlyTrialsUpToKMinusP) {
  RecordingStrategy strategy;
  AskTellQueue queue(strategy, nullptr, /*parallel_trials=*/2, /*budget=*/6);
  // Two slots: 0 and 1 asked at once; 1 finishes before 0.
  EXPECT_EQ(queue.next()->trial, 0);
  EXPECT_EQ(queue.next()->trial, 1);
  queue.finish(done(1));
  EXPECT_TRUE(strategy.told.empty()) << "trial 1's result waits until ask(3) may see it";
  queue.finish(done(0));
  EXPECT_EQ(queue.next()->trial, 2);  // ask(2) sees trial 0 only
  EXPECT_EQ(strategy.seen_at_ask[2], (std::vector<std::int64_t>{0}));
  queue.finish(done(2));
  EXPECT_EQ(queue.next()->trial, 3);  // sees 0 and 1, told in trial order
  EXPECT_EQ(strategy.seen_at_ask[3], (std::vector<std::int64_t>{0, 1}));
  EXPECT_EQ(queue.running(), 1);
}

TEST(AskTellQueue, AskBlocksUntilTheLaggedTrialFinishes) {
  RecordingStrategy strategy;
  AskTellQueue queue(strategy, nullptr, 2, 4);
  queue.next();
  queue.next();
  std::atomic<bool> asked{false};
  std::thread slot([&] {
    EXPECT_EQ(queue.next()->trial, 2);
    asked = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(asked) << "ask(2) must wait for trial 0";
  queue.finish(done(1));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(asked) << "trial 1 finishing is not enough";
  queue.finish(done(0));
  slot.join();
  EXPECT_TRUE(asked);
}

TEST(AskTellQueue, TheOrderOfCallsIsTheSameWhateverOrderTrialsFinishIn) {
  auto run = [](unsigned seed) {
    RecordingStrategy strategy;
    AskTellQueue queue(strategy, nullptr, 3, 30);
    std::mutex m;
    std::vector<std::thread> slots;
    for (int s = 0; s < 3; ++s) {
      slots.emplace_back([&, s] {
        unsigned state = seed * 7919u + static_cast<unsigned>(s);
        while (auto p = queue.next()) {
          state = state * 1103515245u + 12345u;
          std::this_thread::sleep_for(std::chrono::microseconds(state % 3000));
          queue.finish(done(p->trial));
        }
      });
    }
    for (auto& t : slots) t.join();
    std::lock_guard lock(m);
    return strategy.seen_at_ask;
  };
  const auto first = run(1);
  ASSERT_EQ(first.size(), 30u);
  for (std::size_t k = 0; k < first.size(); ++k) {
    // ask(k) saw trials 0..k-3, in order.
    std::vector<std::int64_t> expected;
    for (std::int64_t j = 0; j + 3 <= static_cast<std::int64_t>(k); ++j) expected.push_back(j);
    EXPECT_EQ(first[k], expected) << "ask(" << k << ")";
  }
  EXPECT_EQ(run(2), first);
  EXPECT_EQ(run(3), first);
}

TEST(AskTellQueue, AStrategyThatIgnoresResultsIsNeverHeldUp) {
  RecordingStrategy strategy(/*learns=*/false);
  AskTellQueue queue(strategy, nullptr, 2, 5);
  for (std::int64_t k = 0; k < 5; ++k) EXPECT_EQ(queue.next()->trial, k);
  EXPECT_FALSE(queue.next()) << "the budget is spent";
  queue.finish(done(3));
  EXPECT_EQ(strategy.told, (std::vector<std::int64_t>{3})) << "told at once, in finishing order";
}

TEST(AskTellQueue, AnExhaustedStrategyEndsTheQueue) {
  RecordingStrategy strategy(false, /*size=*/2);
  AskTellQueue queue(strategy, nullptr, 4, 0);
  EXPECT_TRUE(queue.next());
  EXPECT_TRUE(queue.next());
  EXPECT_FALSE(queue.next());
  EXPECT_FALSE(queue.next()) << "and stays ended";
}

TEST(AskTellQueue, ReplayTellsRecordedTrialsAndQueuesTheRestFirst) {
  RecordingStrategy strategy;
  CountingPruner pruner;
  AskTellQueue queue(strategy, &pruner, 2, 8);
  // Trials 0, 1, 3 were recorded; 2 was running when the sweep stopped.
  queue.replay(3, [](std::int64_t k, const Assignment& a) -> std::optional<TrialResult> {
    EXPECT_EQ(a.at("x"), std::to_string(k));
    if (k == 2) return std::nullopt;
    return done(k);
  });
  EXPECT_EQ(strategy.calls,
            (std::vector<std::string>{"ask 0", "ask 1", "tell 0", "ask 2", "tell 1", "ask 3"}))
      << "the same calls, in the same order, as when the sweep first ran";
  EXPECT_EQ(pruner.told, (std::vector<std::int64_t>{0, 1, 3}));
  EXPECT_EQ(queue.queued(), 1);
  const auto again = queue.next();
  ASSERT_TRUE(again);
  EXPECT_EQ(again->trial, 2) << "the unfinished trial runs again first, as it was proposed";
  EXPECT_EQ(again->assignment.at("x"), "2");
  queue.finish(done(2));
  EXPECT_EQ(queue.next()->trial, 4) << "numbering continues after the last recorded trial";
}

TEST(AskTellQueue, ReplayPassesOnWhatTheCallbackThrows) {
  RecordingStrategy strategy;
  AskTellQueue queue(strategy, nullptr, 1, 4);
  EXPECT_THROW(queue.replay(1,
                            [](std::int64_t, const Assignment&) -> std::optional<TrialResult> {
                              throw std::runtime_error("the search changed");
                            }),
               std::runtime_error);
}

TEST(AskTellQueue, ThePrunerIsAskedAndTold) {
  RecordingStrategy strategy(false);
  CountingPruner pruner;
  AskTellQueue queue(strategy, &pruner, 2, 2);
  queue.next();
  queue.next();
  EXPECT_FALSE(queue.should_prune(0, 1, 0.3));
  EXPECT_TRUE(queue.should_prune(1, 1, 0.3));
  queue.finish({1, {}, TrialState::pruned, 0.3});
  EXPECT_EQ(pruner.told, (std::vector<std::int64_t>{1}));
  AskTellQueue without(strategy, nullptr, 1, 1);
  EXPECT_FALSE(without.should_prune(1, 1, 0.3)) << "no pruner: nothing is pruned";
}

}  // namespace
}  // namespace nnlab
