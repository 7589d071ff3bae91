// DecisionHub: bounded per-subscriber queues, oldest dropped first.
#include "sidecar/decision_hub.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_format.h"

namespace spotburst::sidecar {

void DecisionHub::Subscription::Push(const PublishedDecision& decision) {
  {
    absl::MutexLock lock(&mu_);
    // A slow reader loses its oldest decisions, never the newest: a watcher
    // wants to know what the loop does now.
    if (queue_.size() >= capacity_) {
      queue_.pop_front();
      ++missed_;
    }
    queue_.push_back(include_inputs_ ? decision.full : decision.slim);
  }
  wake_();
}

std::optional<DecisionHub::Subscription::Next>
DecisionHub::Subscription::Pop() {
  absl::MutexLock lock(&mu_);
  if (queue_.empty()) return std::nullopt;
  Next next{.decision = std::move(queue_.front()), .missed = missed_};
  queue_.pop_front();
  missed_ = 0;
  return next;
}

bool DecisionHub::Subscription::Finished() {
  absl::MutexLock lock(&mu_);
  return closed_ && queue_.empty();
}

absl::StatusOr<std::shared_ptr<DecisionHub::Subscription>>
DecisionHub::Subscribe(SubscribeOptions options, std::function<void()> wake) {
  absl::MutexLock lock(&mu_);
  if (subscriptions_.size() >= static_cast<size_t>(options_.max_subscribers)) {
    return absl::ResourceExhaustedError(absl::StrFormat(
        "WatchDecisions: %d streams are open, the most this daemon serves; "
        "close one first",
        options_.max_subscribers));
  }
  std::shared_ptr<Subscription> subscription(new Subscription(
      options_.queue_capacity, options.include_inputs, std::move(wake)));
  {
    absl::MutexLock sub_lock(&subscription->mu_);
    if (options.include_last && last_.has_value()) {
      subscription->queue_.push_back(options.include_inputs ? last_->full
                                                            : last_->slim);
    }
    subscription->closed_ = closed_;
  }
  subscriptions_.push_back(subscription);
  if (subscribe_hook_) subscribe_hook_();
  return subscription;
}

void DecisionHub::SetSubscribeHook(std::function<void()> hook) {
  absl::MutexLock lock(&mu_);
  subscribe_hook_ = std::move(hook);
}

void DecisionHub::Unsubscribe(Subscription* subscription) {
  absl::MutexLock lock(&mu_);
  subscriptions_.erase(
      std::remove_if(subscriptions_.begin(), subscriptions_.end(),
                     [&](const std::shared_ptr<Subscription>& s) {
                       return s.get() == subscription;
                     }),
      subscriptions_.end());
}

void DecisionHub::Publish(PublishedDecision decision) {
  absl::MutexLock lock(&mu_);
  if (closed_) return;
  for (const std::shared_ptr<Subscription>& subscription : subscriptions_) {
    subscription->Push(decision);
  }
  last_ = std::move(decision);
}

void DecisionHub::Close() {
  absl::MutexLock lock(&mu_);
  if (closed_) return;
  closed_ = true;
  for (const std::shared_ptr<Subscription>& subscription : subscriptions_) {
    {
      absl::MutexLock sub_lock(&subscription->mu_);
      subscription->closed_ = true;
    }
    subscription->wake_();
  }
}

int DecisionHub::subscribers() {
  absl::MutexLock lock(&mu_);
  return static_cast<int>(subscriptions_.size());
}

}  // namespace spotburst::sidecar
