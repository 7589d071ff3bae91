// DecisionHub: hands each decision of the managed control loop to every
// ControllerService.WatchDecisions stream, with memory bounded whatever the
// clients do.
//
// Each subscriber has its own queue of at most `queue_capacity` decisions.
// Publish never waits for a subscriber: when a queue is full its oldest
// decision is dropped and counted, and the subscriber learns how many it
// missed with the next decision it takes. At most `max_subscribers` are
// subscribed at once (ResourceExhausted beyond). Decisions are shared
// between queues, not copied, and every queue holds only the most recent
// ones, so the hub keeps at most queue_capacity + 1 decisions alive.
// Thread-safe.
//
//   DecisionHub hub;
//   auto subscription = hub.Subscribe({}, [&] { /* something to Pop */ });
//   hub.Publish(decision);             // the loop's thread
//   auto next = (*subscription)->Pop();  // the stream's thread
//   hub.Unsubscribe(subscription->get());
#ifndef SPOTBURST_SIDECAR_DECISION_HUB_H_
#define SPOTBURST_SIDECAR_DECISION_HUB_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "spotburst/v1/decision.pb.h"

namespace spotburst::sidecar {

struct DecisionHubOptions {
  // Decisions waiting in one subscriber's queue, at most. >= 1.
  int queue_capacity = 256;
  // Subscribers at once, at most. >= 1.
  int max_subscribers = 64;
};

// One decision in the two forms streams ask for.
struct PublishedDecision {
  // Everything: policy, state, plan.
  std::shared_ptr<const v1::Decision> full;
  // Without policy and state (WatchDecisionsRequest.include_inputs false).
  std::shared_ptr<const v1::Decision> slim;
};

class DecisionHub {
 public:
  struct SubscribeOptions {
    // Queue the most recent decision at once, if there is one.
    bool include_last = false;
    // Take the full form of each decision rather than the slim one.
    bool include_inputs = false;
  };

  class Subscription {
   public:
    struct Next {
      std::shared_ptr<const v1::Decision> decision;
      // Decisions dropped from this queue since the previous Pop.
      int64_t missed = 0;
    };
    // The oldest queued decision; nullopt when the queue is empty.
    std::optional<Next> Pop();
    // The hub is closed and the queue empty: nothing more will come.
    bool Finished();

   private:
    friend class DecisionHub;
    Subscription(int capacity, bool include_inputs, std::function<void()> wake)
        : capacity_(capacity),
          include_inputs_(include_inputs),
          wake_(std::move(wake)) {}
    void Push(const PublishedDecision& decision);

    const size_t capacity_;
    const bool include_inputs_;
    // Called (under the hub's lock, so never after Unsubscribe returns)
    // when a decision is queued or the hub closes. Must not call the hub.
    const std::function<void()> wake_;
    absl::Mutex mu_;
    std::deque<std::shared_ptr<const v1::Decision>> queue_ ABSL_GUARDED_BY(mu_);
    int64_t missed_ ABSL_GUARDED_BY(mu_) = 0;
    bool closed_ ABSL_GUARDED_BY(mu_) = false;
  };

  explicit DecisionHub(DecisionHubOptions options = {}) : options_(options) {}
  DecisionHub(const DecisionHub&) = delete;
  DecisionHub& operator=(const DecisionHub&) = delete;

  // ResourceExhausted when max_subscribers are subscribed. A subscription
  // made after Close is finished at once. `wake` is never called from
  // inside Subscribe: the caller Pops once it is ready.
  absl::StatusOr<std::shared_ptr<Subscription>> Subscribe(
      SubscribeOptions options, std::function<void()> wake);
  // After it returns, `subscription`'s wake is never called again.
  void Unsubscribe(Subscription* subscription);

  void Publish(PublishedDecision decision);
  // Ends every subscription once its queue is drained; later Publishes are
  // ignored. Idempotent.
  void Close();

  int subscribers();

  // Called (under the hub's lock: it must not call the hub) each time a
  // stream subscribes, before Subscribe returns. Null: nothing.
  void SetSubscribeHook(std::function<void()> hook);

 private:
  const DecisionHubOptions options_;
  absl::Mutex mu_;
  std::function<void()> subscribe_hook_ ABSL_GUARDED_BY(mu_);
  std::vector<std::shared_ptr<Subscription>> subscriptions_
      ABSL_GUARDED_BY(mu_);
  std::optional<PublishedDecision> last_ ABSL_GUARDED_BY(mu_);
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace spotburst::sidecar

#endif  // SPOTBURST_SIDECAR_DECISION_HUB_H_
