// The daemon's key=value event lines and their rate limiter.
#include "sidecar/event_log.h"

#include <cerrno>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace spotburst::sidecar {
namespace {

TEST(EventLog, QuotesValuesThatWouldBreakTheLine) {
  EXPECT_EQ(FormatEventForTest("listening", {{"address", "127.0.0.1:1"},
                                             {"note", "two words"},
                                             {"empty", ""}}),
            "event=listening address=127.0.0.1:1 note=\"two words\" "
            "empty=\"\"");
  EXPECT_EQ(FormatEventForTest("x", {{"message", "a=\"b\"\nc\x01"}}),
            "event=x message=\"a=\\\"b\\\"\\nc\\x01\"");
}

TEST(LogRateLimiter, LetsOneThroughPerIntervalAndCountsTheRest) {
  LogRateLimiter limiter(absl::Seconds(1));
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  int64_t suppressed = -1;
  EXPECT_TRUE(limiter.Allow(t0, suppressed));
  EXPECT_EQ(suppressed, 0);
  EXPECT_FALSE(limiter.Allow(t0 + absl::Milliseconds(10), suppressed));
  EXPECT_FALSE(limiter.Allow(t0 + absl::Milliseconds(900), suppressed));
  EXPECT_TRUE(limiter.Allow(t0 + absl::Seconds(1), suppressed));
  EXPECT_EQ(suppressed, 2);
}

TEST(EventLog, ErrnoTextGivesTheMessageAndTheNumber) {
  EXPECT_EQ(ErrnoText(EFBIG), "File too large (errno 27)");
  EXPECT_EQ(ErrnoText(ENOSPC), "No space left on device (errno 28)");
}

TEST(EventLog, ACaptureTakesTheLinesInsteadOfStderr) {
  std::vector<std::string> lines;
  {
    ScopedEventCapture capture;
    LogEvent("first", {{"n", "1"}});
    LogEvent("second", {{"path", "a b"}});
    lines = capture.lines();
  }
  EXPECT_THAT(lines, ::testing::ElementsAre("event=first n=1",
                                            "event=second path=\"a b\""));
}

}  // namespace
}  // namespace spotburst::sidecar
