// Reading spot price traces and instance catalogues from CSV.
//
// Traces are large (the 2015 one has 207k rows), so rows are split into
// string_views without copying, markets are found by the "az,type,product"
// slice of the line itself, and the common timestamp form
// "YYYY-MM-DDTHH:MM:SSZ" is parsed by hand; other RFC 3339 forms fall back
// to absl::ParseTime.
#include "spotburst/price_trace.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "spotburst/internal/csv_fields.h"
#include "spotburst/internal/file_util.h"
#include "spotburst/price_window.h"
#include "spotburst/status_macros.h"

namespace spotburst {

// Traces and catalogues are read whole; the largest real trace is ~15 MB.
constexpr size_t kMaxTraceFileBytes = size_t{1} << 30;
namespace {

constexpr std::string_view kTraceHeader =
    "timestamp,region,availability_zone,instance_type,product,"
    "price_usd_per_hour";
constexpr std::string_view kCatalogHeader =
    "region,instance_type,vcpus,memory_gib,on_demand_usd_per_hour,source,"
    "valid_from,valid_to";

using internal::CheckHeader;
using internal::LineError;
using internal::LineReader;
using internal::ParseAmount;
using internal::ParseUtcDate;
using internal::ParseUtcTimestamp;
using internal::SplitFields;

// Debian's abseil has its own string_view type.
absl::string_view Sv(std::string_view s) { return {s.data(), s.size()}; }

// Sorts a market's points by time (stably) and drops a repeated row, the
// same time and price; the same time with another price is ambiguous and
// an error naming both lines. `lines` holds each point's line number.
absl::Status SortAndCollapse(std::string_view source, PriceHistory& history,
                             std::vector<int> lines) {
  std::vector<PricePoint>& points = history.points;
  auto by_time = [&points](size_t a, size_t b) {
    return points[a].time < points[b].time;
  };
  std::vector<size_t> order(points.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  if (!std::is_sorted(order.begin(), order.end(), by_time)) {
    std::stable_sort(order.begin(), order.end(), by_time);
  }
  std::vector<PricePoint> sorted;
  sorted.reserve(points.size());
  size_t kept = 0;  // index in `points` of sorted.back()
  for (const size_t i : order) {
    if (!sorted.empty() && sorted.back().time == points[i].time) {
      if (sorted.back().usd_per_hour == points[i].usd_per_hour) continue;
      const int first = std::min(lines[kept], lines[i]);
      const int second = std::max(lines[kept], lines[i]);
      return LineError(
          source, second,
          absl::StrFormat(
              "%s at %s costs %g here but %g on line %d", history.market.Name(),
              absl::FormatTime("%Y-%m-%dT%H:%M:%E*SZ", points[i].time,
                               absl::UTCTimeZone()),
              points[second == lines[i] ? i : kept].usd_per_hour,
              points[second == lines[i] ? kept : i].usd_per_hour, first));
    }
    sorted.push_back(points[i]);
    kept = i;
  }
  points = std::move(sorted);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<PriceHistory>> ParsePriceTraceCsv(
    std::string_view text, std::string_view source) {
  LineReader lines(text);
  if (absl::Status s = CheckHeader(kTraceHeader, source, lines); !s.ok()) {
    return s;
  }
  std::vector<PriceHistory> histories;
  // The line of each point, parallel to histories[i].points, for errors.
  std::vector<std::vector<int>> line_numbers;
  // Keyed by the "availability_zone,instance_type,product" part of a row.
  absl::flat_hash_map<std::string, size_t> index;
  std::array<std::string_view, 6> f;
  std::string_view line;
  while (lines.Next(&line)) {
    if (line.empty()) continue;
    const int n = lines.number();
    const size_t columns = SplitFields(line, f);
    if (columns != f.size()) {
      return LineError(source, n,
                       absl::StrCat("want 6 columns, got ", columns));
    }
    PricePoint point;
    if (!ParseUtcTimestamp(f[0], &point.time)) {
      return LineError(source, n,
                       absl::StrFormat("bad timestamp \"%s\"", f[0]));
    }
    for (size_t i = 1; i <= 4; ++i) {
      if (f[i].empty()) {
        return LineError(
            source, n,
            absl::StrFormat("empty %s", i == 1   ? "region"
                                        : i == 2 ? "availability_zone"
                                        : i == 3 ? "instance_type"
                                                 : "product"));
      }
    }
    if (f[2].substr(0, f[1].size()) != f[1]) {
      return LineError(
          source, n,
          absl::StrFormat("availability zone %s is not in %s", f[2], f[1]));
    }
    if (absl::Status s = ParseAmount(f[5], "price", &point.usd_per_hour);
        !s.ok()) {
      return LineError(source, n, std::string(s.message()));
    }
    if (point.usd_per_hour > kMaxPriceUsdPerHour) {
      return LineError(source, n,
                       absl::StrFormat("price %s is above %g USD/h, more than "
                                       "any market charges",
                                       f[5], kMaxPriceUsdPerHour));
    }
    const std::string_view key(f[2].data(),
                               f[4].data() + f[4].size() - f[2].data());
    auto it = index.find(Sv(key));
    if (it == index.end()) {
      it = index.emplace(std::string(key), histories.size()).first;
      histories.push_back({.market = {.instance_type = std::string(f[3]),
                                      .availability_zone = std::string(f[2]),
                                      .product = std::string(f[4])},
                           .points = {}});
      line_numbers.emplace_back();
    }
    histories[it->second].points.push_back(point);
    line_numbers[it->second].push_back(n);
  }
  // Rows are in time order overall but a market's rows need not be.
  for (size_t m = 0; m < histories.size(); ++m) {
    SPOTBURST_RETURN_IF_ERROR(
        SortAndCollapse(source, histories[m], std::move(line_numbers[m])));
  }
  std::vector<std::pair<std::string, size_t>> names;
  names.reserve(histories.size());
  for (size_t i = 0; i < histories.size(); ++i) {
    names.emplace_back(histories[i].market.Name(), i);
  }
  std::sort(names.begin(), names.end());
  std::vector<PriceHistory> sorted;
  sorted.reserve(histories.size());
  for (const auto& [name, i] : names) sorted.push_back(std::move(histories[i]));
  return sorted;
}

absl::StatusOr<std::vector<PriceHistory>> ReadPriceTraceCsv(
    const std::string& path) {
  std::string text;
  SPOTBURST_ASSIGN_OR_RETURN(
      text, internal::ReadFileToString(path, "trace", kMaxTraceFileBytes));
  return ParsePriceTraceCsv(text, path);
}

absl::StatusOr<std::vector<CatalogEntry>> ParseInstanceCatalogCsv(
    std::string_view text, std::string_view source) {
  LineReader lines(text);
  if (absl::Status s = CheckHeader(kCatalogHeader, source, lines); !s.ok()) {
    return s;
  }
  std::vector<CatalogEntry> catalog;
  std::array<std::string_view, 8> f;
  std::string_view line;
  while (lines.Next(&line)) {
    if (line.empty()) continue;
    const int n = lines.number();
    const size_t columns = SplitFields(line, f);
    if (columns != f.size()) {
      return LineError(source, n,
                       absl::StrCat("want 8 columns, got ", columns));
    }
    CatalogEntry e{.region = std::string(f[0]),
                   .instance_type = std::string(f[1])};
    if (e.region.empty()) return LineError(source, n, "empty region");
    if (e.instance_type.empty()) {
      return LineError(source, n, "empty instance_type");
    }
    absl::Status s = ParseAmount(f[2], "vcpus", &e.vcpus);
    if (s.ok()) s = ParseAmount(f[3], "memory_gib", &e.memory_gib);
    // An empty on-demand price means "not known" and reads as 0.
    if (s.ok() && !f[4].empty()) {
      s = ParseAmount(f[4], "on_demand_usd_per_hour",
                      &e.on_demand_usd_per_hour);
    }
    if (!s.ok()) return LineError(source, n, std::string(s.message()));
    if (e.on_demand_usd_per_hour > kMaxPriceUsdPerHour) {
      return LineError(source, n,
                       absl::StrFormat("on_demand_usd_per_hour %s is above %g "
                                       "USD/h, more than any market charges",
                                       f[4], kMaxPriceUsdPerHour));
    }
    if (!f[6].empty() && !ParseUtcDate(f[6], &e.valid_from) &&
        !ParseUtcTimestamp(f[6], &e.valid_from)) {
      return LineError(source, n,
                       absl::StrFormat("bad valid_from \"%s\"", f[6]));
    }
    if (!f[7].empty() && !ParseUtcDate(f[7], &e.valid_to) &&
        !ParseUtcTimestamp(f[7], &e.valid_to)) {
      return LineError(source, n, absl::StrFormat("bad valid_to \"%s\"", f[7]));
    }
    if (e.valid_from >= e.valid_to) {
      return LineError(
          source, n,
          absl::StrFormat("valid_from %s is not before valid_to %s", f[6],
                          f[7]));
    }
    catalog.push_back(std::move(e));
  }
  return catalog;
}

absl::StatusOr<std::vector<CatalogEntry>> ReadInstanceCatalogCsv(
    const std::string& path) {
  std::string text;
  SPOTBURST_ASSIGN_OR_RETURN(
      text, internal::ReadFileToString(path, "trace", kMaxTraceFileBytes));
  return ParseInstanceCatalogCsv(text, path);
}

absl::StatusOr<CatalogEntry> FindCatalogEntry(
    const std::vector<CatalogEntry>& catalog, std::string_view region,
    std::string_view instance_type, absl::Time at) {
  for (const CatalogEntry& e : catalog) {
    if (e.region == region && e.instance_type == instance_type &&
        e.valid_from <= at && at < e.valid_to) {
      return e;
    }
  }
  return absl::NotFoundError(absl::StrFormat(
      "instance catalogue: no entry for %s in %s at %s", instance_type, region,
      absl::FormatTime(absl::RFC3339_sec, at, absl::UTCTimeZone())));
}

}  // namespace spotburst
