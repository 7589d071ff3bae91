// spotburstd's high availability (e2e/spotburstd_ha_fixture.h): a leader
// cut off from ZooKeeper stands by at once and launches nothing; the other
// daemon leads and launches, once.
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "e2e/spotburstd_ha_fixture.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spotburst/plan.h"
#include "testing/tcp_proxy.h"

namespace spotburst::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::SizeIs;

TEST_F(SpotburstdHaTest, ALeaderCutOffFromZooKeeperStandsByAndLaunchesNothing) {
  // The leader reaches ZooKeeper through a link the test can cut.
  TcpProxy link(zookeeper_->port());
  ASSERT_TRUE(link.ok());
  ASSERT_NO_FATAL_FAILURE(
      StartLeaderAndStandby(absl::StrCat("127.0.0.1:", link.port())));
  std::unique_ptr<SpotburstdDaemon>& a = a_;
  std::unique_ptr<SpotburstdDaemon>& b = b_;

  // Cut off, the leader stops leading at once, long before its session
  // expires and the other one may lead.
  const size_t a_lines = a->LineCount();
  link.Cut();
  const std::optional<std::string> stood_by =
      a->WaitForLine("event=standing_by", kEventDeadline, a_lines);
  ASSERT_TRUE(stood_by) << a->Log();
  EXPECT_THAT(a->Lines("event=leadership_lost", a_lines),
              ::testing::Contains(HasSubstr("reason=disconnected")));
  const size_t cut = seen_.size();

  // Demand grows while it is cut off: it plans the burst and launches
  // nothing; the other one leads and launches, once.
  DemandGrows();
  ASSERT_TRUE(Drive([&](const Seen* last) {
    return last->daemon == "b" && last->decision.applied() &&
           last->Count(ActionKind::kRequestSpot) > 0;
  })) << b->Log();
  // Its decisions said standby before the other one led, and each that
  // would act (the burst: demand grew once it stood by) applied nothing.
  // (A tick that began before the cut may be streamed after it: quiet.)
  int a_standby = 0, a_would_launch = 0;
  for (size_t i = cut; i < seen_.size(); ++i) {
    const Seen& s = seen_[i];
    if (s.daemon != "a") continue;
    a_standby += s.decision.standby();
    if (s.plan.actions.empty()) continue;
    EXPECT_TRUE(s.decision.standby()) << s.decision.decision_id();
    EXPECT_FALSE(s.decision.applied()) << s.decision.decision_id();
    a_would_launch += s.Count(ActionKind::kRequestSpot);
  }
  EXPECT_GT(a_standby, 0);
  EXPECT_GT(a_would_launch, 0);
  const v1::ControllerStatus cut_off = a->Status();
  EXPECT_EQ(cut_off.ha().role(), "standby");
  EXPECT_FALSE(cut_off.ha().connected());
  EXPECT_EQ(env_->Count("RunInstances"), 1);
  EXPECT_THAT(env_->Instances(), SizeIs(kBurst));

  // The link back, its session gone: it follows the new leader, and still
  // launches nothing.
  link.Restore();
  ASSERT_TRUE(Drive([&](const Seen* last) {
    return last->daemon == "a" && Following(a->Status(), "daemon-b");
  })) << a->Log();
  EXPECT_EQ(a->Metrics()["spotburst_leader"], 0);
  EXPECT_EQ(
      a->Metrics()["spotburst_actions_applied_total{kind=\"request-spot\"}"],
      0);
  EXPECT_EQ(b->Metrics()["spotburst_leader"], 1);
  EXPECT_EQ(
      b->Metrics()["spotburst_actions_applied_total{kind=\"request-spot\"}"],
      1);
  EXPECT_EQ(env_->Count("RunInstances"), 1);
  EXPECT_LE(most_live_, most_desired_);
  EXPECT_EQ(a->Stop(), 0) << a->Log();
  EXPECT_EQ(b->Stop(), 0) << b->Log();
}

}  // namespace
}  // namespace spotburst::testing
