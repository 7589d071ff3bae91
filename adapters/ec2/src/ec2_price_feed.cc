// Spot price history from EC2.
#include "ec2_price_feed.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "ec2_xml.h"

namespace spotburst::ec2 {
namespace {

// Pages EC2 may answer before the feed calls it a loop (a token that never
// ends): 100 pages of 1,000 points is 69 days of per-minute changes.
constexpr int kMaxPages = 100;
constexpr char kVpcSuffix[] = " (Amazon VPC)";

}  // namespace

Ec2PriceFeed::Ec2PriceFeed(QueryClient& ec2,
                           std::map<std::string, double> on_demand_usd_per_hour)
    : ec2_(ec2), on_demand_usd_per_hour_(std::move(on_demand_usd_per_hour)) {}

std::vector<std::string> Ec2PriceFeed::ProductDescriptions(
    const std::string& product) {
  if (product.find(kVpcSuffix) != std::string::npos) return {product};
  return {product, product + kVpcSuffix};
}

absl::StatusOr<PriceHistory> Ec2PriceFeed::History(const Market& market,
                                                   absl::Time from,
                                                   absl::Time to) {
  const std::vector<std::string> products = ProductDescriptions(market.product);
  QueryParams params = {{"InstanceType.1", market.instance_type},
                        {"StartTime", FormatEc2Time(from)},
                        {"EndTime", FormatEc2Time(to)},
                        {"MaxResults", "1000"}};
  for (size_t i = 0; i < products.size(); ++i) {
    params.push_back({absl::StrCat("ProductDescription.", i + 1), products[i]});
  }
  if (!market.availability_zone.empty()) {
    params.push_back({"AvailabilityZone", market.availability_zone});
  }
  std::vector<Ec2PricePoint> points;
  std::string token;
  for (int page = 0;; ++page) {
    if (page == kMaxPages) {
      return absl::DataLossError(absl::StrCat(
          "EC2 DescribeSpotPriceHistory: ", market.Name(), ": more than ",
          kMaxPages, " pages; the listing does not end"));
    }
    QueryParams paged = params;
    if (!token.empty()) paged.push_back({"NextToken", token});
    absl::StatusOr<std::unique_ptr<pugi::xml_document>> answer =
        ec2_.Call("DescribeSpotPriceHistory", paged);
    if (!answer.ok()) return answer.status();
    absl::StatusOr<Page<Ec2PricePoint>> parsed = ParsePriceHistory(**answer);
    if (!parsed.ok()) return parsed.status();
    for (Ec2PricePoint& p : parsed->items) {
      // EC2 filters by type and product already; a zone left open asks for
      // all of them, and the market names one.
      if (p.instance_type != market.instance_type ||
          (!market.availability_zone.empty() &&
           p.availability_zone != market.availability_zone) ||
          std::find(products.begin(), products.end(), p.product) ==
              products.end()) {
        continue;
      }
      points.push_back(std::move(p));
    }
    token = parsed->next_token;
    if (token.empty()) break;
  }
  // Oldest first; at one time, the product asked for by name wins.
  std::stable_sort(points.begin(), points.end(),
                   [&](const Ec2PricePoint& a, const Ec2PricePoint& b) {
                     if (a.time != b.time) return a.time < b.time;
                     return a.product == market.product &&
                            b.product != market.product;
                   });
  PriceHistory history{.market = market};
  for (size_t i = 0; i < points.size(); ++i) {
    if (i > 0 && points[i].time == points[i - 1].time) continue;
    // Of the points before `from`, only the one in force at `from`.
    if (points[i].time < from && i + 1 < points.size() &&
        points[i + 1].time <= from) {
      continue;
    }
    if (points[i].time > to) continue;
    history.points.push_back({points[i].time, points[i].usd_per_hour});
  }
  return history;
}

absl::StatusOr<double> Ec2PriceFeed::OnDemandPrice(
    const std::string& instance_type, const std::string& region) {
  if (region != ec2_.options().region) {
    return absl::NotFoundError(absl::StrCat("EC2 feed for ",
                                            ec2_.options().region,
                                            ": no prices for region ", region));
  }
  const auto it = on_demand_usd_per_hour_.find(instance_type);
  if (it == on_demand_usd_per_hour_.end()) {
    return absl::NotFoundError(
        absl::StrCat("EC2 feed: no on-demand price for ", instance_type));
  }
  return it->second;
}

}  // namespace spotburst::ec2
