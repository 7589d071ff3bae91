// key=value event lines on stderr.
#include "sidecar/event_log.h"

#include <cstdio>
#include <string>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace spotburst::sidecar {
namespace {

// Guards whole lines on stderr and the capture; never held while
// formatting.
ABSL_CONST_INIT absl::Mutex stderr_mu(absl::kConstInit);
ScopedEventCapture* capture ABSL_GUARDED_BY(stderr_mu) = nullptr;

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

std::string Format(absl::string_view event,
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

}  // namespace

std::string FormatEventForTest(absl::string_view event,
                               std::initializer_list<LogField> fields) {
  return Format(event, fields);
}

void LogEvent(absl::string_view event, std::initializer_list<LogField> fields) {
  std::string formatted = Format(event, fields);
  absl::MutexLock lock(&stderr_mu);
  if (capture != nullptr) {
    absl::MutexLock capture_lock(&capture->mu_);
    capture->lines_.push_back(std::move(formatted));
    return;
  }
  const std::string line =
      absl::StrCat("time=",
                   absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::Now(),
                                    absl::UTCTimeZone()),
                   " ", formatted, "\n");
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
