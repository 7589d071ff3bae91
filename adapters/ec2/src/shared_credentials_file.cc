// The shared credentials file (~/.aws/credentials), an INI file:
//
//   # comment            ; comment
//   [burst]
//   aws_access_key_id = AKIA...
//   aws_secret_access_key = ...
//
// Key names are case-insensitive and ':' may stand for '=', as for Python's
// configparser, which botocore reads it with. Comments take whole lines
// only: configparser keeps "; ..." after a value as part of it, so a value
// with spaces in it is refused rather than sent as part of a key. Errors
// give the line's number, never its text: a malformed line may be a secret.
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "credential_value.h"
#include "spotburst/ec2/credentials.h"
#include "spotburst/internal/csv_fields.h"
#include "spotburst/internal/file_util.h"
#include "spotburst/internal/strict_json.h"

namespace spotburst::ec2 {
namespace {

constexpr size_t kMaxFileBytes = 1 << 20;
constexpr size_t kQuoteBytes = 64;  // of a profile name in an error

// Where the file is and what errors call it.
struct FileLocation {
  std::string path;
  std::string label;  // "~/.aws/credentials" when found through HOME
};

// Debian's abseil has its own string_view, not std::string_view.
absl::string_view Sv(std::string_view s) { return {s.data(), s.size()}; }

std::string_view Strip(std::string_view s) {
  const absl::string_view stripped = absl::StripAsciiWhitespace(Sv(s));
  return {stripped.data(), stripped.size()};
}

std::string_view Lookup(const Environment& env, std::string_view name) {
  const auto it = env.find(name);
  return it == env.end() ? std::string_view() : std::string_view(it->second);
}

absl::StatusOr<FileLocation> Locate(const Environment& env) {
  const std::string_view home = Lookup(env, "HOME");
  if (const std::string_view path = Lookup(env, "AWS_SHARED_CREDENTIALS_FILE");
      !path.empty()) {
    // botocore expands a leading "~" too.
    if (!home.empty() && (path == "~" || path.starts_with("~/"))) {
      return FileLocation{absl::StrCat(Sv(home), Sv(path.substr(1))),
                          std::string(path)};
    }
    return FileLocation{std::string(path), std::string(path)};
  }
  if (home.empty()) {
    return absl::NotFoundError(
        "shared credentials file: neither AWS_SHARED_CREDENTIALS_FILE nor "
        "HOME is set");
  }
  return FileLocation{absl::StrCat(Sv(home), "/.aws/credentials"),
                      "~/.aws/credentials"};
}

std::string ProfileName(const Environment& env) {
  for (const std::string_view variable :
       {"AWS_DEFAULT_PROFILE", "AWS_PROFILE"}) {
    if (const std::string_view name = Lookup(env, variable); !name.empty()) {
      return std::string(name);
    }
  }
  return "default";
}

struct Entry {
  std::string value;
  int line = 0;  // 0: not given
};

// The selected profile's keys, as the file gives them.
struct Profile {
  int line = 0;  // of its [name]; 0: not in the file
  Entry access_key_id, secret_access_key, session_token, security_token;

  Entry* Find(std::string_view key) {
    if (key == "aws_access_key_id") return &access_key_id;
    if (key == "aws_secret_access_key") return &secret_access_key;
    if (key == "aws_session_token") return &session_token;
    if (key == "aws_security_token") return &security_token;
    return nullptr;  // other keys (region, role_arn, ...) are not ours
  }
};

class Parser {
 public:
  Parser(const FileLocation& file, std::string_view profile)
      : file_(file),
        profile_(profile),
        quoted_profile_(internal::Excerpt(profile, kQuoteBytes)) {}

  absl::StatusOr<Profile> Parse(std::string_view text) {
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);  // BOM
    internal::LineReader lines(text);
    std::string_view line;
    std::optional<std::string> section;
    while (lines.Next(&line)) {
      const int n = lines.number();
      line = Strip(line);
      if (line.empty() || line.front() == '#' || line.front() == ';') continue;
      if (line.front() == '[') {
        if (line.back() != ']') {
          return Error(n, "malformed line: a section must be [name]");
        }
        section = std::string(Strip(line.substr(1, line.size() - 2)));
        if (section->empty()) return Error(n, "empty profile name");
        if (*section == profile_) {
          if (profile_found_.line != 0) {
            return Error(n, absl::StrCat("profile ", quoted_profile_,
                                         ": given again (first on line ",
                                         profile_found_.line, ")"));
          }
          profile_found_.line = n;
        }
        continue;
      }
      const size_t separator = line.find_first_of("=:");
      if (separator == std::string_view::npos) {
        return Error(n, "malformed line: neither [profile] nor key = value");
      }
      const std::string key =
          absl::AsciiStrToLower(Sv(Strip(line.substr(0, separator))));
      if (key.empty()) return Error(n, "malformed line: no key before '='");
      if (!section.has_value()) {
        return Error(n, "key = value before the first [profile]");
      }
      if (*section != profile_) continue;
      Entry* entry = profile_found_.Find(key);
      if (entry == nullptr) continue;
      if (entry->line != 0) {
        return Error(
            n, absl::StrCat("profile ", quoted_profile_, ": ", key,
                            ": given again (first on line ", entry->line, ")"));
      }
      entry->value = std::string(Strip(line.substr(separator + 1)));
      entry->line = n;
    }
    return profile_found_;
  }

  absl::Status Error(int line, std::string_view what) const {
    return internal::LineError(file_.label, line, what);
  }

 private:
  const FileLocation& file_;
  const std::string_view profile_;
  const std::string quoted_profile_;
  Profile profile_found_;
};

}  // namespace

absl::StatusOr<AwsCredentials> CredentialsFromSharedFile(
    const Environment& env) {
  absl::StatusOr<FileLocation> file = Locate(env);
  if (!file.ok()) return file.status();
  std::error_code error;
  if (!std::filesystem::exists(file->path, error)) {
    return absl::NotFoundError(absl::StrCat(file->label, ": no such file"));
  }
  // There but unreadable: an error, not a reason to look elsewhere.
  absl::StatusOr<std::string> text = internal::ReadFileToString(
      file->path, "shared credentials file", kMaxFileBytes);
  if (!text.ok()) {
    return absl::FailedPreconditionError(text.status().message());
  }

  const std::string profile_name = ProfileName(env);
  Parser parser(*file, profile_name);
  absl::StatusOr<Profile> profile = parser.Parse(*text);
  if (!profile.ok()) return profile.status();
  const std::string quoted = internal::Excerpt(profile_name, kQuoteBytes);
  if (profile->line == 0) {
    return absl::NotFoundError(
        absl::StrCat(file->label, ": no profile ", quoted));
  }

  const Entry& token = profile->session_token.line != 0
                           ? profile->session_token
                           : profile->security_token;
  const struct {
    std::string_view key;
    CredentialPart part;
    const Entry& entry;
  } parts[] = {
      {"aws_access_key_id", CredentialPart::kAccessKeyId,
       profile->access_key_id},
      {"aws_secret_access_key", CredentialPart::kSecretAccessKey,
       profile->secret_access_key},
      {profile->session_token.line != 0 ? "aws_session_token"
                                        : "aws_security_token",
       CredentialPart::kSessionToken, token},
  };
  for (const auto& [key, part, entry] : parts) {
    if (entry.line == 0) {
      if (part == CredentialPart::kSessionToken) continue;  // optional
      return parser.Error(profile->line, absl::StrCat("profile ", quoted, ": ",
                                                      Sv(key), ": missing"));
    }
    std::string problem = CredentialValueProblem(part, entry.value);
    if (problem.empty()) continue;
    if (problem == "holds whitespace") {
      absl::StrAppend(&problem, " (comments go on lines of their own)");
    }
    return parser.Error(entry.line, absl::StrCat("profile ", quoted, ": ",
                                                 Sv(key), ": ", problem));
  }
  return AwsCredentials{
      .access_key_id = profile->access_key_id.value,
      .secret_access_key = profile->secret_access_key.value,
      .session_token = token.value,
      .source = absl::StrCat("shared credentials file ", file->label,
                             " profile ", quoted)};
}

}  // namespace spotburst::ec2
