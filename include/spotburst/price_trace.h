// Price traces: spot price history and instance catalogues from CSV files.
//
// A spot price trace has the header
//   timestamp,region,availability_zone,instance_type,product,price_usd_per_hour
// with ISO 8601 UTC timestamps ("2015-03-11T10:34:42Z"), one row per price
// change, as EC2's DescribeSpotPriceHistory reports. An instance catalogue
// has the header
//   region,instance_type,vcpus,memory_gib,on_demand_usd_per_hour,source,
//   valid_from,valid_to
// A malformed line is an InvalidArgument naming the file, the line number and
// what is wrong; nothing is returned for a file with any bad line.
//
//   SPOTBURST_ASSIGN_OR_RETURN(std::vector<PriceHistory> trace,
//                              ReadPriceTraceCsv("data/spot.csv"));
#ifndef SPOTBURST_PRICE_TRACE_H_
#define SPOTBURST_PRICE_TRACE_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "spotburst/price_feed.h"

namespace spotburst {

// Parses trace text; `source` names it in errors. One PriceHistory per
// market, sorted by Market::Name(), each with points in time order.
absl::StatusOr<std::vector<PriceHistory>> ParsePriceTraceCsv(
    std::string_view text, std::string_view source);
absl::StatusOr<std::vector<PriceHistory>> ReadPriceTraceCsv(
    const std::string& path);

struct CatalogEntry {
  std::string region;
  std::string instance_type;
  double vcpus = 0;
  double memory_gib = 0;
  double on_demand_usd_per_hour = 0;
  absl::Time valid_from = absl::InfinitePast();
  absl::Time valid_to = absl::InfiniteFuture();
};

absl::StatusOr<std::vector<CatalogEntry>> ParseInstanceCatalogCsv(
    std::string_view text, std::string_view source);
absl::StatusOr<std::vector<CatalogEntry>> ReadInstanceCatalogCsv(
    const std::string& path);

// The entry for (region, type) valid at `at`; NotFound otherwise.
absl::StatusOr<CatalogEntry> FindCatalogEntry(
    const std::vector<CatalogEntry>& catalog, std::string_view region,
    std::string_view instance_type, absl::Time at);

}  // namespace spotburst

#endif  // SPOTBURST_PRICE_TRACE_H_
