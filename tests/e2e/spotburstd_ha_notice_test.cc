// spotburstd's high availability (e2e/spotburstd_ha_fixture.h) and
// interruption notices: with notice_poll_interval_s the leader evaluates at
// a notice at once and requests the replacement then; the standby, which
// applies nothing, makes no such evaluation and sees the notice at its next
// tick.
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "absl/time/time.h"
#include "e2e/spotburstd_ha_fixture.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "spotburst/plan.h"

namespace spotburst::testing {
namespace {

// A twentieth of the tick.
constexpr absl::Duration kNoticePoll = absl::Milliseconds(50);
// How far a daemon's next tick must be when the notice comes: a few polls.
constexpr absl::Duration kClear = absl::Milliseconds(200);

bool Sees(const Seen& seen, const std::string& noticed) {
  return PlanToText(seen.plan).find("interruption notice: " + noticed) !=
         std::string::npos;
}

TEST_F(SpotburstdHaTest, OnlyTheLeaderEvaluatesAtANotice) {
  WriteAll(dir_ + "/policy.yaml", PolicyYaml(kNoticePoll));
  ASSERT_NO_FATAL_FAILURE(StartLeaderAndStandby(zookeeper_->hosts()));
  std::unique_ptr<SpotburstdDaemon>& a = a_;
  std::unique_ptr<SpotburstdDaemon>& b = b_;

  // The burst runs, its tasks on it, and the leader has nothing to do.
  DemandGrows();
  ASSERT_TRUE(Drive([&](const Seen*) {
    return env_->Agents().size() == static_cast<size_t>(kBurst);
  }));
  TasksLandOnBurstAgents();
  const size_t landed = seen_.size();
  ASSERT_TRUE(Drive([&](const Seen* last) {
    return seen_.size() > landed && last->daemon == "a" &&
           last->plan.running == kBurst && last->plan.actions.empty();
  }));

  // EC2 gives one instance notice when neither daemon's next tick is near,
  // so that each polls (or would) before its next tick. The leader's
  // scale-up cooldown may still run: it does not hold a replacement. A
  // decision's arrival marks its daemon's tick; the next is an interval
  // later.
  std::map<std::string, absl::Time> ticked = {
      {"a", From("a").back()->received}, {"b", From("b").back()->received}};
  ASSERT_TRUE(Drive([&](const Seen* last) {
    ticked[last->daemon] = last->received;
    for (const auto& [daemon, at] : ticked) {
      if (at + kInterval - absl::Now() < kClear) return false;
    }
    return true;
  }));
  const std::string noticed = env_->Instances("running")[0]["id"];
  const size_t before = seen_.size();
  env_->ec2().Control("interrupt", {{"instance_id", noticed}});
  // Indices into seen_, which grows.
  std::optional<size_t> a_first, b_first;
  ASSERT_TRUE(Drive([&](const Seen* last) {
    if (Sees(*last, noticed)) {
      std::optional<size_t>& first = last->daemon == "a" ? a_first : b_first;
      if (!first) first = seen_.size() - 1;
    }
    return a_first && b_first;
  })) << a->Log()
      << b->Log();

  // The leader's first decision to see it was made at the notice, and
  // requested the replacement.
  const Seen& a_saw = seen_[*a_first];
  EXPECT_TRUE(a_saw.decision.on_notice());
  EXPECT_TRUE(a_saw.decision.applied());
  EXPECT_EQ(a_saw.Count(ActionKind::kRequestSpot), 1) << PlanToText(a_saw.plan);
  // The standby saw it at a tick: no decision of its own at a notice.
  for (size_t i = before; i < seen_.size(); ++i) {
    if (seen_[i].daemon != "b") continue;
    EXPECT_FALSE(seen_[i].decision.on_notice())
        << seen_[i].decision.decision_id();
  }
  EXPECT_TRUE(seen_[*b_first].decision.standby());
  EXPECT_EQ(a->Metrics()["spotburst_notice_ticks_total"], 1);
  EXPECT_EQ(b->Metrics()["spotburst_notice_ticks_total"], 0);
  EXPECT_EQ(a->Stop(), 0) << a->Log();
  EXPECT_EQ(b->Stop(), 0) << b->Log();
}

}  // namespace
}  // namespace spotburst::testing
