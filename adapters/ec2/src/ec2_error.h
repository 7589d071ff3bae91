// EC2's error responses, and what the adapter does about each.
//
// An error body reads
//   <Response><Errors><Error><Code>InsufficientInstanceCapacity</Code>
//   <Message>...</Message></Error></Errors><RequestID>...</RequestID>
//   </Response>
// The adapter branches on the code alone (with any "Client." or "Server."
// prefix stripped), never on the message: a capacity or quota failure
// becomes a FailureCause the engine acts on (launch_failure.h); throttling
// and server errors are retried; credentials refused are reloaded once; the
// rest fail at once with a clear status.
#ifndef SPOTBURST_EC2_EC2_ERROR_H_
#define SPOTBURST_EC2_EC2_ERROR_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "spotburst/launch_failure.h"

namespace spotburst::ec2 {

struct Ec2Error {
  int http_status = 0;
  std::string code;  // prefix stripped: "InsufficientInstanceCapacity"
  std::string message;
  std::string request_id;
};

// The first <Error> of an error body. A body that is not one (an HTML page
// from a proxy, nothing at all) gives a code from the HTTP status:
// "HTTP503".
Ec2Error ParseErrorResponse(int http_status, std::string_view body);

// "Client.UnauthorizedOperation" -> "UnauthorizedOperation".
std::string_view StripCodePrefix(std::string_view code);

// What the engine is told: capacity, quota, price-too-low, auth,
// clock-skew, configuration, throttled or unavailable (server errors and
// unknown codes at HTTP 5xx); kUnknown for other client errors.
FailureCause CauseOf(const Ec2Error& error);

enum class Retry {
  kNo,
  kWithBackoff,         // throttling and server errors
  kWithNewCredentials,  // credentials refused: reload them once
};
Retry RetryOf(const Ec2Error& error);

// The status a caller sees: "EC2 RunInstances: InsufficientInstanceCapacity
// (HTTP 500): <EC2's message, shortened>", with the cause and the code
// attached (WithFailureCause). Messages of authentication errors are left
// out, since EC2 may quote the signed request in them.
absl::Status ToStatus(const Ec2Error& error, std::string_view action);

}  // namespace spotburst::ec2

#endif  // SPOTBURST_EC2_EC2_ERROR_H_
