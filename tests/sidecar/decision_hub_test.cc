// DecisionHub: bounded queues per subscriber, the oldest dropped and
// counted, a cap on subscribers, and a clean end on Close.
#include "sidecar/decision_hub.h"

#include <atomic>
#include <memory>
#include <string>

#include "gtest/gtest.h"

namespace spotburst::sidecar {
namespace {

PublishedDecision Decision(const std::string& id) {
  auto full = std::make_shared<v1::Decision>();
  full->set_decision_id(id);
  full->mutable_state()->mutable_now()->set_seconds(1);
  auto slim = std::make_shared<v1::Decision>();
  slim->set_decision_id(id);
  return {.full = full, .slim = slim};
}

TEST(DecisionHub, ASlowSubscriberLosesItsOldestAndIsToldHowMany) {
  DecisionHub hub({.queue_capacity = 2, .max_subscribers = 4});
  std::atomic<int> wakes{0};
  auto subscription = hub.Subscribe({}, [&] { ++wakes; });
  ASSERT_TRUE(subscription.ok());
  for (int i = 1; i <= 5; ++i) hub.Publish(Decision(absl::StrCat("d", i)));
  EXPECT_EQ(wakes.load(), 5);

  auto next = (*subscription)->Pop();
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->decision->decision_id(), "d4");
  EXPECT_EQ(next->missed, 3);
  next = (*subscription)->Pop();
  ASSERT_TRUE(next.has_value());
  EXPECT_EQ(next->decision->decision_id(), "d5");
  EXPECT_EQ(next->missed, 0);
  EXPECT_FALSE((*subscription)->Pop().has_value());
  EXPECT_FALSE((*subscription)->Finished());
}

TEST(DecisionHub, GivesEachSubscriberTheFormItAskedForAndTheLastFirst) {
  DecisionHub hub;
  hub.Publish(Decision("before"));
  auto full =
      hub.Subscribe({.include_last = true, .include_inputs = true}, [] {});
  auto slim = hub.Subscribe({}, [] {});
  ASSERT_TRUE(full.ok() && slim.ok());
  hub.Publish(Decision("after"));

  auto first = (*full)->Pop();
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->decision->decision_id(), "before");
  EXPECT_TRUE(first->decision->has_state());
  auto only = (*slim)->Pop();
  ASSERT_TRUE(only.has_value());
  EXPECT_EQ(only->decision->decision_id(), "after");
  EXPECT_FALSE(only->decision->has_state());
}

TEST(DecisionHub, RefusesSubscribersBeyondTheCap) {
  DecisionHub hub({.queue_capacity = 1, .max_subscribers = 2});
  auto a = hub.Subscribe({}, [] {});
  auto b = hub.Subscribe({}, [] {});
  ASSERT_TRUE(a.ok() && b.ok());
  auto c = hub.Subscribe({}, [] {});
  EXPECT_EQ(c.status().code(), absl::StatusCode::kResourceExhausted);
  hub.Unsubscribe(a->get());
  EXPECT_EQ(hub.subscribers(), 1);
  EXPECT_TRUE(hub.Subscribe({}, [] {}).ok());
}

TEST(DecisionHub, CloseEndsSubscriptionsOnceDrained) {
  DecisionHub hub;
  std::atomic<int> wakes{0};
  auto subscription = hub.Subscribe({}, [&] { ++wakes; });
  ASSERT_TRUE(subscription.ok());
  hub.Publish(Decision("d1"));
  hub.Close();
  hub.Publish(Decision("ignored"));
  EXPECT_EQ(wakes.load(), 2);
  EXPECT_FALSE((*subscription)->Finished());
  ASSERT_TRUE((*subscription)->Pop().has_value());
  EXPECT_TRUE((*subscription)->Finished());
  auto late = hub.Subscribe({}, [] {});
  ASSERT_TRUE(late.ok());
  EXPECT_TRUE((*late)->Finished());
}

}  // namespace
}  // namespace spotburst::sidecar
