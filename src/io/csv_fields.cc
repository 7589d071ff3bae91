// Line, field, timestamp and amount parsing for the CSV readers.
#include "spotburst/internal/csv_fields.h"

#include <cmath>
#include <cstdint>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "io/civil_days.h"
#include "spotburst/internal/state_proto.h"

namespace spotburst::internal {
namespace {

// Debian's abseil has its own string_view type.
absl::string_view Sv(std::string_view s) { return {s.data(), s.size()}; }

// Reads exactly `n` decimal digits.
bool Digits(std::string_view s, size_t pos, size_t n, int* out) {
  int value = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    const char c = s[i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  *out = value;
  return true;
}

bool ValidDate(int y, int m, int d) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  if (m < 1 || m > 12 || d < 1) return false;
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return d <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
}

}  // namespace

absl::Status LineError(std::string_view source, int line,
                       std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrFormat("%s:%d: %s", source, line, what));
}

bool LineReader::Next(std::string_view* line) {
  if (rest_.empty()) return false;
  const size_t end = rest_.find('\n');
  *line = rest_.substr(0, end);
  rest_ = end == std::string_view::npos ? std::string_view()
                                        : rest_.substr(end + 1);
  if (!line->empty() && line->back() == '\r') line->remove_suffix(1);
  ++number_;
  return true;
}

absl::Status CheckHeader(std::string_view want, std::string_view source,
                         LineReader& lines, bool prefix_only) {
  const char* const form = prefix_only ? "one that starts with " : "";
  std::string_view header;
  if (!lines.Next(&header)) {
    return LineError(
        source, 1,
        absl::StrFormat("empty file; want header %s\"%s\"", form, want));
  }
  if (header.substr(0, 3) == "\xEF\xBB\xBF") header.remove_prefix(3);  // BOM
  const bool matches = prefix_only ? header.substr(0, want.size()) == want &&
                                         (header.size() == want.size() ||
                                          header[want.size()] == ',')
                                   : header == want;
  if (!matches) {
    return LineError(source, 1,
                     absl::StrFormat("bad header \"%s\"; want %s\"%s\"", header,
                                     form, want));
  }
  return absl::OkStatus();
}

bool ParseUtcDate(std::string_view s, absl::Time* out) {
  int y, m, d;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !Digits(s, 0, 4, &y) ||
      !Digits(s, 5, 2, &m) || !Digits(s, 8, 2, &d) || !ValidDate(y, m, d)) {
    return false;
  }
  if (y < 1) return false;  // before the Timestamp range
  *out = absl::FromUnixSeconds(DaysFromCivil(y, m, d) * 86400);
  return true;
}

bool ParseUtcTimestamp(std::string_view s, absl::Time* out) {
  int hh, mm, ss;
  absl::Time day;
  if (s.size() == 20 && s[10] == 'T' && s[13] == ':' && s[16] == ':' &&
      s[19] == 'Z' && ParseUtcDate(s.substr(0, 10), &day) &&
      Digits(s, 11, 2, &hh) && Digits(s, 14, 2, &mm) && Digits(s, 17, 2, &ss) &&
      hh < 24 && mm < 60 && ss < 60) {
    *out = day + absl::Seconds(hh * 3600 + mm * 60 + ss);
    return true;
  }
  std::string err;
  absl::Time t;
  // Outside the Timestamp range a time could not be written back to JSON
  // or gRPC, so it is refused here as it is on the wire.
  if (!absl::ParseTime(absl::RFC3339_full, Sv(s), &t, &err) ||
      !InTimestampRange(t)) {
    return false;
  }
  *out = t;
  return true;
}

absl::Status ParseAmount(std::string_view s, std::string_view what,
                         double* out) {
  if (!absl::SimpleAtod(Sv(s), out) || !std::isfinite(*out)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("bad %s \"%s\"", what, s));
  }
  if (*out < 0) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s %s must be >= 0", what, s));
  }
  return absl::OkStatus();
}

}  // namespace spotburst::internal
