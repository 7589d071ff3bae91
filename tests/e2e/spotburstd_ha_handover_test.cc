// spotburstd's high availability (e2e/spotburstd_ha_fixture.h): a leader
// stopped with SIGTERM leaves the election as soon as its loop has stopped,
// so the standby leads within a tick.
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "e2e/spotburstd_ha_fixture.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace spotburst::testing {
namespace {

TEST_F(SpotburstdHaTest, ALeaderStoppedWithSigtermHandsOverAtOnce) {
  // A client (the decision stream) stays connected to the leader while it
  // shuts down.
  ASSERT_NO_FATAL_FAILURE(StartLeaderAndStandby(zookeeper_->hosts()));
  std::unique_ptr<SpotburstdDaemon>& a = a_;
  std::unique_ptr<SpotburstdDaemon>& b = b_;

  // A clean exit leaves the election as soon as the loop has stopped,
  // before the daemon drains its calls: the standby leads within a tick,
  // not a session timeout later.
  const absl::Time stopped = absl::Now();
  std::optional<int> exit_code;
  std::thread stop([&] { exit_code = a->Stop(); });
  ASSERT_TRUE(Drive([&](const Seen* last) {
    return last->daemon == "b" && !last->decision.standby();
  })) << b->Log();
  const absl::Duration handover = seen_.back().received - stopped;
  std::cout << "handover after SIGTERM: " << handover << "\n";
  EXPECT_LE(handover, kInterval + absl::Seconds(1));
  stop.join();
  EXPECT_EQ(exit_code, 0) << a->Log();
  const std::string log = a->Log();
  const size_t closed = log.find("event=leadership_lost reason=closed");
  ASSERT_NE(closed, std::string::npos) << log;
  EXPECT_LT(closed, log.find("event=stopped")) << log;
  EXPECT_EQ(b->Stop(), 0) << b->Log();
}

}  // namespace
}  // namespace spotburst::testing
