// Quoting and checking client strings.
#include "sidecar/client_input.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace spotburst::sidecar {
namespace {

bool IsNameChar(char c) { return c > ' ' && c < 0x7f; }

}  // namespace

std::string QuoteInput(absl::string_view input) {
  if (input.size() <= kMaxQuotedInputBytes) {
    return absl::StrCat("\"", absl::CHexEscape(input), "\"");
  }
  return absl::StrFormat(
      "\"%s\"...(%d bytes)",
      absl::CHexEscape(input.substr(0, kMaxQuotedInputBytes)), input.size());
}

absl::Status CheckName(absl::string_view field, absl::string_view value) {
  if (value.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": empty"));
  }
  if (value.size() > kMaxNameBytes) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: %d bytes, at most %d allowed (%s)", field,
                        value.size(), kMaxNameBytes, QuoteInput(value)));
  }
  for (size_t i = 0; i < value.size(); ++i) {
    if (!IsNameChar(value[i])) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "%s: byte %d is 0x%02x; only printable ASCII without spaces ('!' "
          "to '~') is allowed (%s)",
          field, i, static_cast<unsigned char>(value[i]), QuoteInput(value)));
    }
  }
  return absl::OkStatus();
}

}  // namespace spotburst::sidecar
