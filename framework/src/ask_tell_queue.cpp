#include "ask_tell_queue.hpp"

#include <algorithm>

namespace nnlab {

AskTellQueue::AskTellQueue(SearchStrategy& strategy, Pruner* pruner, int parallel_trials,
                           std::int64_t budget)
    : strategy_(strategy),
      pruner_(pruner),
      budget_(budget),
      lag_(strategy.uses_results() ? std::max(1, parallel_trials) : -1) {}

void AskTellQueue::replay(
    std::int64_t last,
    const std::function<std::optional<TrialResult>(std::int64_t, const Assignment&)>& recorded) {
  std::lock_guard lock(mutex_);
  for (std::int64_t k = 0; k <= last; ++k) {
    // Nothing runs yet, so the lag never has to wait: results are told as ask() moves on.
    catch_up(k, nullptr);
    auto assignment = strategy_.ask(k);
    if (!assignment) break;
    if (auto result = recorded(k, *assignment)) {
      if (pruner_) pruner_->tell(*result);
      deliver(*result);
    } else {
      queued_.push_back({k, std::move(*assignment)});
      in_flight_.insert(k);
    }
  }
  next_trial_ = std::max(next_trial_, last + 1);
  next_to_ask_ = next_trial_;
}

std::optional<Proposal> AskTellQueue::next() {
  std::unique_lock lock(mutex_);
  if (stopped_) return std::nullopt;
  if (!queued_.empty()) {
    Proposal p = std::move(queued_.front());
    queued_.pop_front();
    ++running_;
    return p;
  }
  if (exhausted_ || (budget_ > 0 && next_trial_ >= budget_)) return std::nullopt;
  const std::int64_t k = next_trial_++;
  catch_up(k, &lock);
  if (stopped_) return std::nullopt;
  std::optional<Assignment> assignment;
  if (!exhausted_) assignment = strategy_.ask(k);
  next_to_ask_ = k + 1;
  changed_.notify_all();
  if (!assignment) {
    exhausted_ = true;
    return std::nullopt;
  }
  in_flight_.insert(k);
  ++running_;
  return Proposal{k, std::move(*assignment)};
}

void AskTellQueue::catch_up(std::int64_t k, std::unique_lock<std::mutex>* lock) {
  if (lag_ < 0) return;
  const std::int64_t limit = k - lag_;
  if (lock) {
    changed_.wait(*lock, [&] {
      return stopped_ || (next_to_ask_ == k && (in_flight_.empty() || *in_flight_.begin() > limit));
    });
    if (stopped_) return;
  }
  told_limit_ = std::max(told_limit_, limit);
  while (!held_.empty() && held_.begin()->first <= told_limit_) {
    strategy_.tell(held_.begin()->second);
    held_.erase(held_.begin());
  }
}

void AskTellQueue::deliver(const TrialResult& result) {
  if (lag_ < 0 || result.trial <= told_limit_) {
    strategy_.tell(result);
  } else {
    held_[result.trial] = result;
  }
}

bool AskTellQueue::should_prune(std::int64_t trial, std::int64_t epoch, double value) {
  if (!pruner_) return false;
  std::lock_guard lock(mutex_);
  return pruner_->should_prune(trial, epoch, value);
}

void AskTellQueue::finish(const TrialResult& result) {
  std::lock_guard lock(mutex_);
  in_flight_.erase(result.trial);
  --running_;
  if (pruner_) pruner_->tell(result);
  deliver(result);
  changed_.notify_all();
}

void AskTellQueue::stop() {
  std::lock_guard lock(mutex_);
  stopped_ = true;
  changed_.notify_all();
}

std::int64_t AskTellQueue::running() const {
  std::lock_guard lock(mutex_);
  return running_;
}

std::int64_t AskTellQueue::queued() const {
  std::lock_guard lock(mutex_);
  return static_cast<std::int64_t>(queued_.size());
}

}  // namespace nnlab
