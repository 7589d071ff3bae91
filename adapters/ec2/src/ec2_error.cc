// Classifying EC2's error codes.
#include "ec2_error.h"

#include <algorithm>
#include <array>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "pugixml.hpp"

namespace spotburst::ec2 {
namespace {

// Debian's abseil has its own string_view, not std::string_view.
absl::string_view Sv(std::string_view s) { return {s.data(), s.size()}; }

// EC2's messages can be long (an encoded authorization message); a status
// keeps the start.
constexpr size_t kMaxMessage = 300;

constexpr std::array<std::string_view, 4> kCapacity = {
    "InsufficientInstanceCapacity", "InsufficientCapacity",
    "InsufficientHostCapacity", "UnfulfillableCapacity"};
constexpr std::array<std::string_view, 4> kQuota = {
    "MaxSpotInstanceCountExceeded", "VcpuLimitExceeded",
    "InstanceLimitExceeded", "SpotMaxInstanceCountExceeded"};
constexpr std::array<std::string_view, 3> kThrottled = {
    "RequestLimitExceeded", "Throttling", "ThrottlingException"};
constexpr std::array<std::string_view, 5> kServer = {
    "InternalError", "InternalFailure", "Unavailable", "ServiceUnavailable",
    "ServerInternal"};
constexpr std::array<std::string_view, 4> kAuth = {
    "AuthFailure", "SignatureDoesNotMatch", "InvalidClientTokenId",
    "MissingAuthenticationToken"};

template <size_t N>
bool In(const std::array<std::string_view, N>& codes, std::string_view code) {
  return std::find(codes.begin(), codes.end(), code) != codes.end();
}

// Bad parameters and configuration: asking again would fail again.
bool IsConfiguration(std::string_view code) {
  return code == "InvalidParameterValue" ||
         code == "InvalidParameterCombination" || code == "InvalidParameter" ||
         code == "MissingParameter" || code == "UnknownParameter" ||
         code == "UnauthorizedOperation" ||
         code == "IdempotentParameterMismatch" || code == "InvalidAction" ||
         absl::StartsWith(Sv(code), "InvalidAMIID") ||
         absl::StartsWith(Sv(code), "InvalidSubnetID") ||
         absl::StartsWith(Sv(code), "InvalidGroup") ||
         absl::StartsWith(Sv(code), "InvalidKeyPair");
}

}  // namespace

std::string_view StripCodePrefix(std::string_view code) {
  for (std::string_view prefix : {"Client.", "Server."}) {
    if (code.substr(0, prefix.size()) == prefix) {
      return code.substr(prefix.size());
    }
  }
  return code;
}

Ec2Error ParseErrorResponse(int http_status, std::string_view body) {
  Ec2Error error{.http_status = http_status};
  pugi::xml_document doc;
  const pugi::xml_parse_result parsed =
      doc.load_buffer(body.data(), body.size());
  if (parsed) {
    const pugi::xml_node response = doc.child("Response");
    const pugi::xml_node first = response.child("Errors").child("Error");
    error.code = std::string(StripCodePrefix(first.child_value("Code")));
    error.message = first.child_value("Message");
    error.request_id = response.child_value("RequestID");
  }
  if (error.code.empty()) error.code = absl::StrCat("HTTP", http_status);
  if (error.message.size() > kMaxMessage) {
    error.message.resize(kMaxMessage);
    error.message += "...";
  }
  return error;
}

FailureCause CauseOf(const Ec2Error& error) {
  const std::string_view code = error.code;
  if (In(kCapacity, code)) return FailureCause::kCapacity;
  if (In(kQuota, code)) return FailureCause::kQuota;
  if (code == "SpotMaxPriceTooLow") return FailureCause::kPriceTooLow;
  if (In(kAuth, code)) return FailureCause::kAuth;
  if (code == "RequestExpired" || code == "RequestTimeTooSkewed") {
    return FailureCause::kClockSkew;
  }
  if (In(kThrottled, code)) return FailureCause::kThrottled;
  if (IsConfiguration(code)) return FailureCause::kConfiguration;
  if (In(kServer, code) || error.http_status >= 500) {
    return FailureCause::kUnavailable;
  }
  return FailureCause::kUnknown;
}

Retry RetryOf(const Ec2Error& error) {
  switch (CauseOf(error)) {
    case FailureCause::kThrottled:
    case FailureCause::kUnavailable:
      return Retry::kWithBackoff;
    case FailureCause::kAuth:
      // A wrong signature is the signer's or the secret's fault; new
      // credentials only help when EC2 did not accept the ones sent.
      return error.code == "AuthFailure" ? Retry::kWithNewCredentials
                                         : Retry::kNo;
    default:
      return Retry::kNo;
  }
}

absl::Status ToStatus(const Ec2Error& error, std::string_view action) {
  const FailureCause cause = CauseOf(error);
  std::string text = absl::StrCat("EC2 ", Sv(action), ": ", error.code,
                                  " (HTTP ", error.http_status, ")");
  if (cause != FailureCause::kAuth && !error.message.empty()) {
    absl::StrAppend(&text, ": ", error.message);
  }
  if (!error.request_id.empty()) {
    absl::StrAppend(&text, " [request ", error.request_id, "]");
  }
  absl::StatusCode code = absl::StatusCode::kUnknown;
  switch (cause) {
    case FailureCause::kCapacity:
    case FailureCause::kQuota:
      code = absl::StatusCode::kResourceExhausted;
      break;
    case FailureCause::kAuth:
      code = absl::StatusCode::kPermissionDenied;
      break;
    case FailureCause::kClockSkew:
    case FailureCause::kPriceTooLow:
      code = absl::StatusCode::kFailedPrecondition;
      break;
    case FailureCause::kConfiguration:
      code = absl::StatusCode::kInvalidArgument;
      break;
    case FailureCause::kThrottled:
    case FailureCause::kUnavailable:
      code = absl::StatusCode::kUnavailable;
      break;
    case FailureCause::kUnknown:
      code = absl::EndsWith(error.code, ".NotFound")
                 ? absl::StatusCode::kNotFound
                 : absl::StatusCode::kUnknown;
      break;
  }
  return WithFailureCause(absl::Status(code, text), cause, error.code);
}

}  // namespace spotburst::ec2
