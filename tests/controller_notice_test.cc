// The controller acts on an interruption notice when it appears: a poll
// that finds a notice no evaluation has seen evaluates at once, and the
// replacement is requested then, not at the next tick.
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spotburst/controller.h"
#include "testing/controller_fakes.h"
#include "testing/engine_fixtures.h"
#include "testing/status_matchers.h"

namespace spotburst {
namespace {

using ::spotburst::testing::FakeClock;
using ::spotburst::testing::FakeInstances;
using ::spotburst::testing::FakeMetrics;
using ::spotburst::testing::FakePrices;
using ::spotburst::testing::IsOk;
using ::spotburst::testing::PrototypePolicy;
using ::spotburst::testing::SpotInstance;
using ::spotburst::testing::T0;

class NoticeTest : public ::testing::Test {
 protected:
  NoticeTest() {
    // 34 of 40 + 3 x 2 CPUs used: three instances, steady.
    for (const char* id : {"i-1", "i-2", "i-3"}) {
      instances_.fleet.instances.push_back(
          SpotInstance(id, T0() - absl::Minutes(30)));
    }
  }
  void Notice(int index) {
    Instance& instance = instances_.fleet.instances[index];
    instance.interruption_notice = true;
    instance.interruption_time = clock_.now + absl::Minutes(2);
  }
  FakeClock clock_;
  FakeMetrics metrics_;
  FakePrices prices_;
  FakeInstances instances_;
};

TEST_F(NoticeTest, ANewNoticeIsEvaluatedAtOnceAndOnlyOnce) {
  Engine engine = *Engine::Create(PrototypePolicy());
  Controller controller(engine, metrics_, prices_, instances_, clock_);
  ASSERT_THAT(controller.Tick().status, IsOk());
  ASSERT_TRUE(instances_.spot.empty());

  clock_.now += absl::Seconds(20);
  TickReport report;
  EXPECT_FALSE(controller.TickOnNewNotice(report));  // nothing new
  EXPECT_TRUE(instances_.spot.empty());

  Notice(1);
  ASSERT_TRUE(controller.TickOnNewNotice(report));
  EXPECT_EQ(report.time, T0() + absl::Seconds(20));
  ASSERT_EQ(instances_.spot.size(), 1u);
  EXPECT_EQ(instances_.spot[0].count, 1);

  // Seen by that evaluation: the next poll leaves it to the ticks.
  clock_.now += absl::Seconds(20);
  EXPECT_FALSE(controller.TickOnNewNotice(report));
  EXPECT_EQ(instances_.spot.size(), 1u);
}

TEST_F(NoticeTest, AFailedListIsNoEvaluation) {
  Engine engine = *Engine::Create(PrototypePolicy());
  Controller controller(engine, metrics_, prices_, instances_, clock_);
  ASSERT_THAT(controller.Tick().status, IsOk());
  Notice(0);
  instances_.fail_list = absl::UnavailableError("ec2: HTTP 503");
  TickReport report;
  EXPECT_FALSE(controller.TickOnNewNotice(report));
  instances_.fail_list = absl::OkStatus();
  EXPECT_TRUE(controller.TickOnNewNotice(report));
}

TEST_F(NoticeTest, RunPollsBetweenTicksAndEvaluatesAtTheFirstPollAfter) {
  Policy policy = PrototypePolicy();
  policy.notice_poll_interval = absl::Seconds(15);
  Engine engine = *Engine::Create(policy);
  Controller controller(engine, metrics_, prices_, instances_, clock_);
  std::vector<absl::Time> evaluated;
  std::vector<bool> on_notice;
  controller.AddObserver([&](const TickReport& r) {
    evaluated.push_back(r.time);
    on_notice.push_back(r.on_notice);
    // The notice comes just after the first tick.
    if (evaluated.size() == 1) Notice(2);
  });
  int ticks = 2;
  controller.Run([&] { return ticks-- > 0; });
  EXPECT_THAT(evaluated, ::testing::ElementsAre(T0(), T0() + absl::Seconds(15),
                                                T0() + absl::Minutes(1)));
  // Observers can tell the evaluation at the notice from the ticks.
  EXPECT_THAT(on_notice, ::testing::ElementsAre(false, true, false));
  ASSERT_EQ(instances_.spot.size(), 2u);  // at the notice, and the tick's
  EXPECT_EQ(instances_.spot[0].count, 1);
}

}  // namespace
}  // namespace spotburst
