// What the sidecar does with strings a client sends before they reach an
// error message or a lookup: quote at most a short prefix of them, and
// refuse names that are too long or not printable.
//
// An error that echoed a client's 8,000-character policy name whole would
// be larger than the status trailer a client accepts (the client would then
// see "metadata too large" instead of the real error), and a log line
// would carry whatever bytes the client chose.
//
//   return absl::NotFoundError(absl::StrCat(
//       "policy_name: no policy named ", QuoteInput(name), " is loaded"));
//   SPOTBURST_RETURN_IF_ERROR(CheckName("policy_name", request.policy_name()));
#ifndef SPOTBURST_SIDECAR_CLIENT_INPUT_H_
#define SPOTBURST_SIDECAR_CLIENT_INPUT_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace spotburst::sidecar {

// Client input quoted for an error message: at most this many bytes of it.
inline constexpr size_t kMaxQuotedInputBytes = 64;
// Names (policy, strategy) and decision ids, at most.
inline constexpr size_t kMaxNameBytes = 128;

// `input` in double quotes, bytes outside printable ASCII escaped (\x00,
// \n, ...). Longer than kMaxQuotedInputBytes: its first 64 bytes, then
// "...(N bytes)" with its full length, e.g. "aaaa...aaaa"...(8000 bytes).
std::string QuoteInput(absl::string_view input);

// OK when `value` is 1..kMaxNameBytes bytes of printable ASCII without
// spaces ('!' to '~'); otherwise InvalidArgument naming `field`, what is
// wrong and a short quoted prefix of the value.
absl::Status CheckName(absl::string_view field, absl::string_view value);

}  // namespace spotburst::sidecar

#endif  // SPOTBURST_SIDECAR_CLIENT_INPUT_H_
