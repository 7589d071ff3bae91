// EC2 error bodies: the code decides, the message never does.
#include "ec2_error.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace spotburst::ec2 {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string ErrorBody(const std::string& code, const std::string& message) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error>"
         "<Code>" +
         code + "</Code><Message>" + message +
         "</Message></Error></Errors><RequestID>80586c44</RequestID>"
         "</Response>";
}

TEST(Ec2Error, ReadsTheFirstErrorAndStripsTheCodePrefix) {
  const Ec2Error e = ParseErrorResponse(
      400, ErrorBody("Client.UnauthorizedOperation", "You are not allowed"));
  EXPECT_EQ(e.http_status, 400);
  EXPECT_EQ(e.code, "UnauthorizedOperation");
  EXPECT_EQ(e.message, "You are not allowed");
  EXPECT_EQ(e.request_id, "80586c44");
}

TEST(Ec2Error, ABodyThatIsNoErrorGivesTheHttpStatusAsCode) {
  EXPECT_EQ(ParseErrorResponse(503, "<html>Service Unavailable</html>").code,
            "HTTP503");
  EXPECT_EQ(ParseErrorResponse(502, "").code, "HTTP502");
  EXPECT_EQ(CauseOf(ParseErrorResponse(502, "")), FailureCause::kUnavailable);
  EXPECT_EQ(RetryOf(ParseErrorResponse(502, "")), Retry::kWithBackoff);
}

struct Expected {
  std::string code;
  int http_status;
  FailureCause cause;
  Retry retry;
  absl::StatusCode status;
};

TEST(Ec2Error, ClassifiesEveryCodeTheAdapterActsOn) {
  const Expected cases[] = {
      {"InsufficientInstanceCapacity", 500, FailureCause::kCapacity, Retry::kNo,
       absl::StatusCode::kResourceExhausted},
      {"InsufficientHostCapacity", 500, FailureCause::kCapacity, Retry::kNo,
       absl::StatusCode::kResourceExhausted},
      {"MaxSpotInstanceCountExceeded", 400, FailureCause::kQuota, Retry::kNo,
       absl::StatusCode::kResourceExhausted},
      {"VcpuLimitExceeded", 400, FailureCause::kQuota, Retry::kNo,
       absl::StatusCode::kResourceExhausted},
      {"InstanceLimitExceeded", 400, FailureCause::kQuota, Retry::kNo,
       absl::StatusCode::kResourceExhausted},
      {"SpotMaxPriceTooLow", 400, FailureCause::kPriceTooLow, Retry::kNo,
       absl::StatusCode::kFailedPrecondition},
      {"AuthFailure", 401, FailureCause::kAuth, Retry::kWithNewCredentials,
       absl::StatusCode::kPermissionDenied},
      {"SignatureDoesNotMatch", 403, FailureCause::kAuth, Retry::kNo,
       absl::StatusCode::kPermissionDenied},
      {"RequestExpired", 400, FailureCause::kClockSkew, Retry::kNo,
       absl::StatusCode::kFailedPrecondition},
      {"InvalidAMIID.NotFound", 400, FailureCause::kConfiguration, Retry::kNo,
       absl::StatusCode::kInvalidArgument},
      {"UnauthorizedOperation", 403, FailureCause::kConfiguration, Retry::kNo,
       absl::StatusCode::kInvalidArgument},
      {"RequestLimitExceeded", 503, FailureCause::kThrottled,
       Retry::kWithBackoff, absl::StatusCode::kUnavailable},
      {"InternalError", 500, FailureCause::kUnavailable, Retry::kWithBackoff,
       absl::StatusCode::kUnavailable},
      {"InvalidInstanceID.NotFound", 400, FailureCause::kUnknown, Retry::kNo,
       absl::StatusCode::kNotFound},
  };
  for (const Expected& c : cases) {
    const Ec2Error e =
        ParseErrorResponse(c.http_status, ErrorBody(c.code, "some words"));
    EXPECT_EQ(CauseOf(e), c.cause) << c.code;
    EXPECT_EQ(RetryOf(e), c.retry) << c.code;
    const absl::Status status = ToStatus(e, "RunInstances");
    EXPECT_EQ(status.code(), c.status) << c.code;
    EXPECT_EQ(FailureCauseOf(status), c.cause) << c.code;
    EXPECT_EQ(ProviderCodeOf(status), c.code) << c.code;
    EXPECT_THAT(status.message(),
                HasSubstr("EC2 RunInstances: " + c.code + " (HTTP " +
                          std::to_string(c.http_status) + ")"));
  }
}

TEST(Ec2Error, TheMessageNeverDecides) {
  // A capacity code with a message about throttling is still capacity.
  const Ec2Error e = ParseErrorResponse(
      500, ErrorBody("InsufficientInstanceCapacity", "Request limit exceeded"));
  EXPECT_EQ(CauseOf(e), FailureCause::kCapacity);
  EXPECT_EQ(RetryOf(e), Retry::kNo);
}

TEST(Ec2Error, AuthenticationMessagesAreLeftOutOfTheStatus) {
  // EC2 may quote the signed request, token included, in these.
  const Ec2Error e = ParseErrorResponse(
      403, ErrorBody("SignatureDoesNotMatch",
                     "The canonical request was x-amz-security-token:SECRET"));
  EXPECT_THAT(ToStatus(e, "DescribeInstances").message(),
              Not(HasSubstr("SECRET")));
}

TEST(Ec2Error, LongMessagesAreShortened) {
  const Ec2Error e = ParseErrorResponse(
      400, ErrorBody("UnauthorizedOperation", std::string(5000, 'x')));
  EXPECT_LT(ToStatus(e, "RunInstances").message().size(), 500u);
}

}  // namespace
}  // namespace spotburst::ec2
