// The policy keys of lag-aware scaling (scaling.forecast) and of notice
// polling: defaults, values read, and bad values refused with the key.
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spotburst/internal/policy_proto.h"
#include "spotburst/policy.h"
#include "testing/minimal_policy.h"
#include "testing/status_matchers.h"

namespace spotburst {
namespace {

using ::spotburst::testing::IsOk;
using ::spotburst::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

absl::StatusOr<Policy> ParseWith(const std::string& extra) {
  return testing::ParseMinimalPolicyWith(extra);
}

TEST(ForecastPolicy, OffByDefaultAndLeftOutOfTheProto) {
  absl::StatusOr<Policy> policy = ParseWith("");
  ASSERT_THAT(policy, IsOk());
  EXPECT_EQ(policy->scaling.forecast.mode, ForecastMode::kOff);
  EXPECT_EQ(policy->notice_poll_interval, absl::ZeroDuration());
  const v1::Policy proto = internal::PolicyToProto(*policy);
  EXPECT_FALSE(proto.scaling().has_forecast());
  EXPECT_FALSE(proto.has_notice_poll_interval_s());
}

TEST(ForecastPolicy, ReadsEveryKeyAndRoundTrips) {
  absl::StatusOr<Policy> policy = ParseWith(
      "notice_poll_interval_s: 5\n"
      "scaling:\n"
      "  forecast: {mode: record, headroom: 0.25, trend_window_s: 600,\n"
      "             initial_lag_s: 480, max_horizon_s: 1800}\n");
  ASSERT_THAT(policy, IsOk());
  const ForecastPolicy& f = policy->scaling.forecast;
  EXPECT_EQ(f.mode, ForecastMode::kRecord);
  EXPECT_EQ(f.headroom, 0.25);
  EXPECT_EQ(f.trend_window, absl::Minutes(10));
  EXPECT_EQ(f.initial_lag, absl::Minutes(8));
  EXPECT_EQ(f.max_horizon, absl::Minutes(30));
  EXPECT_EQ(policy->notice_poll_interval, absl::Seconds(5));
  absl::StatusOr<Policy> back =
      internal::PolicyFromProto(internal::PolicyToProto(*policy));
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(back->scaling.forecast, f);
  EXPECT_EQ(back->notice_poll_interval, absl::Seconds(5));
}

TEST(ForecastPolicy, BadValuesNameTheirKey) {
  EXPECT_THAT(ParseWith("scaling: {forecast: {mode: sometimes}}\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("policy.yaml: scaling.forecast.mode: unknown "
                                 "mode \"sometimes\" (allowed: off, act, "
                                 "record)")));
  EXPECT_THAT(ParseWith("scaling: {forecast: {mode: act, headroom: -0.1}}\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("scaling.forecast.headroom: -0.1 is out of "
                                 "range [0, 10]")));
  EXPECT_THAT(ParseWith("scaling: {forecast: {trend_window_s: 10}}\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("scaling.forecast.trend_window_s: 10 is out "
                                 "of range [60, 86400]")));
  EXPECT_THAT(ParseWith("scaling: {forecast: {max_horizon_s: -1}}\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("scaling.forecast.max_horizon_s")));
  EXPECT_THAT(ParseWith("scaling: {forecast: {lead: 3}}\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("scaling.forecast.lead")));
  EXPECT_THAT(ParseWith("notice_poll_interval_s: -5\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("notice_poll_interval_s: -5 is out of range "
                                 "[0, 86400]")));
}

TEST(ForecastPolicy, AnUnknownModeIsQuotedOnlyInPart) {
  const std::string mode(500, 'x');
  absl::Status status =
      ParseWith("scaling: {forecast: {mode: " + mode + "}}\n").status();
  EXPECT_THAT(status, StatusIs(absl::StatusCode::kInvalidArgument,
                               HasSubstr("scaling.forecast.mode")));
  EXPECT_THAT(std::string(status.message()), Not(HasSubstr(mode)));
  EXPECT_LT(status.message().size(), 200u);
}

}  // namespace
}  // namespace spotburst
