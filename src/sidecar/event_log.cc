// Event lines on stderr: key=value, or JSON objects.
#include "sidecar/event_log.h"

#include <atomic>
#include <cstdio>
#include <string>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "spotburst/internal/strict_json.h"

namespace spotburst::sidecar {
namespace {

// Guards whole lines on stderr and the capture; never held while
// formatting.
ABSL_CONST_INIT absl::Mutex stderr_mu(absl::kConstInit);
ScopedEventCapture* capture ABSL_GUARDED_BY(stderr_mu) = nullptr;
std::atomic<LogFormat> log_format{LogFormat::kKeyValue};

// Longest value quoted back in an error.
constexpr size_t kMaxQuotedBytes = 64;

bool NeedsQuotes(absl::string_view value) {
  if (value.empty()) return true;
  for (char c : value) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u <= ' ' || c == '"' || c == '=' || c == '\\' || u == 0x7f) {
      return true;
    }
  }
  return false;
}

void AppendValue(std::string& out, absl::string_view value) {
  if (!NeedsQuotes(value)) {
    out.append(value.data(), value.size());
    return;
  }
  out.push_back('"');
  for (char c : value) {
    const unsigned char u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (u < ' ' || u == 0x7f) {
          absl::StrAppendFormat(&out, "\\x%02x", u);
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
}

std::string FormatKeyValue(absl::string_view event,
                           std::initializer_list<LogField> fields) {
  std::string line = "event=";
  AppendValue(line, event);
  for (const LogField& field : fields) {
    line.push_back(' ');
    line.append(field.first.data(), field.first.size());
    line.push_back('=');
    AppendValue(line, field.second);
  }
  return line;
}

// A JSON string literal that is also safe on a terminal: JsonQuote escapes
// C0 controls and replaces bad UTF-8, but JSON lets DEL and the C1
// controls (U+0080..U+009F, which some terminals obey) through as they are.
void AppendJsonString(std::string& out, absl::string_view text) {
  const std::string quoted =
      internal::JsonQuote(std::string_view(text.data(), text.size()));
  for (size_t i = 0; i < quoted.size(); ++i) {
    const unsigned char u = static_cast<unsigned char>(quoted[i]);
    const unsigned char next =
        i + 1 < quoted.size() ? static_cast<unsigned char>(quoted[i + 1]) : 0;
    if (u == 0x7f) {
      out += "\\u007f";
    } else if (u == 0xc2 && next >= 0x80 && next <= 0x9f) {
      absl::StrAppendFormat(&out, "\\u%04x", next);
      ++i;
    } else {
      out.push_back(quoted[i]);
    }
  }
}

// The members after "time", without the braces.
std::string FormatJsonMembers(absl::string_view event,
                              std::initializer_list<LogField> fields) {
  std::string members = "\"event\":";
  AppendJsonString(members, event);
  for (const LogField& field : fields) {
    members.push_back(',');
    AppendJsonString(members, field.first);
    members.push_back(':');
    AppendJsonString(members, field.second);
  }
  return members;
}

std::string LogTime(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", t, absl::UTCTimeZone());
}

}  // namespace

void SetLogFormat(LogFormat format) { log_format.store(format); }

LogFormat GetLogFormat() { return log_format.load(); }

absl::StatusOr<LogFormat> ParseLogFormat(absl::string_view name) {
  if (name == "text") return LogFormat::kKeyValue;
  if (name == "json") return LogFormat::kJson;
  return absl::InvalidArgumentError(absl::StrCat(
      "must be text or json, not ",
      internal::JsonQuote(internal::Excerpt(
          std::string_view(name.data(), name.size()), kMaxQuotedBytes))));
}

std::string FormatEventForTest(absl::string_view event,
                               std::initializer_list<LogField> fields,
                               LogFormat format) {
  if (format == LogFormat::kJson) {
    return absl::StrCat("{", FormatJsonMembers(event, fields), "}");
  }
  return FormatKeyValue(event, fields);
}

void LogEvent(absl::string_view event, std::initializer_list<LogField> fields) {
  const LogFormat format = GetLogFormat();
  const bool json = format == LogFormat::kJson;
  std::string formatted =
      json ? FormatJsonMembers(event, fields) : FormatKeyValue(event, fields);
  absl::MutexLock lock(&stderr_mu);
  if (capture != nullptr) {
    absl::MutexLock capture_lock(&capture->mu_);
    capture->lines_.push_back(json ? absl::StrCat("{", formatted, "}")
                                   : std::move(formatted));
    return;
  }
  // The time is taken under the lock so that times never go backwards.
  const std::string time = LogTime(absl::Now());
  const std::string line =
      json ? absl::StrCat("{\"time\":\"", time, "\",", formatted, "}\n")
           : absl::StrCat("time=", time, " ", formatted, "\n");
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fflush(stderr);
}

std::string ErrnoText(int error_number) {
  return absl::StrCat(std::generic_category().message(error_number), " (errno ",
                      error_number, ")");
}

ScopedEventCapture::ScopedEventCapture() {
  absl::MutexLock lock(&stderr_mu);
  capture = this;
}

ScopedEventCapture::~ScopedEventCapture() {
  absl::MutexLock lock(&stderr_mu);
  capture = nullptr;
}

std::vector<std::string> ScopedEventCapture::lines() const {
  absl::MutexLock lock(&mu_);
  return lines_;
}

bool LogRateLimiter::Allow(absl::Time now, int64_t& suppressed) {
  absl::MutexLock lock(&mu_);
  if (now - last_ < interval_) {
    ++suppressed_;
    return false;
  }
  last_ = now;
  suppressed = suppressed_;
  suppressed_ = 0;
  return true;
}

}  // namespace spotburst::sidecar
