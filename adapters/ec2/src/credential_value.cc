#include "credential_value.h"

#include <algorithm>
#include <string>
#include <string_view>

#include "absl/strings/ascii.h"

namespace spotburst::ec2 {

std::string CredentialValueProblem(CredentialPart part,
                                   std::string_view value) {
  if (value.empty()) return "empty";
  const auto any = [&](auto predicate) {
    return std::any_of(value.begin(), value.end(), [&](char c) {
      return predicate(static_cast<unsigned char>(c));
    });
  };
  if (any([](unsigned char c) { return c == ' ' || c == '\t'; })) {
    return "holds whitespace";
  }
  if (any([](unsigned char c) { return c < ' ' || c >= 127; })) {
    return "holds control or non-ASCII characters";
  }
  if (part == CredentialPart::kAccessKeyId &&
      any([](unsigned char c) { return !absl::ascii_isalnum(c); })) {
    return "holds characters other than letters and digits";
  }
  return "";
}

}  // namespace spotburst::ec2
