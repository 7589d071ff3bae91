// Ec2PriceFeed: spot price history from DescribeSpotPriceHistory, on-demand
// prices from a table the configuration gives.
//
// History(market, from, to) asks EC2 for the changes in [from, to] of one
// instance type in one zone (EC2 adds the change in force at `from`), all
// pages of them. The Controller asks from where its last poll ended, so each
// poll fetches only what is new. A market's product "Linux/UNIX" also
// matches EC2's "Linux/UNIX (Amazon VPC)": accounts see one or the other.
#ifndef SPOTBURST_EC2_EC2_PRICE_FEED_H_
#define SPOTBURST_EC2_EC2_PRICE_FEED_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "query_client.h"
#include "spotburst/price_feed.h"

namespace spotburst::ec2 {

class Ec2PriceFeed final : public PriceFeed {
 public:
  // `ec2` is borrowed. `on_demand_usd_per_hour` by instance type, for the
  // client's region.
  Ec2PriceFeed(QueryClient& ec2,
               std::map<std::string, double> on_demand_usd_per_hour);

  absl::StatusOr<PriceHistory> History(const Market& market, absl::Time from,
                                       absl::Time to) override;
  // From the table; NotFound for another region or an unknown type.
  absl::StatusOr<double> OnDemandPrice(const std::string& instance_type,
                                       const std::string& region) override;

  // The product descriptions asked for `product`.
  static std::vector<std::string> ProductDescriptions(
      const std::string& product);

 private:
  QueryClient& ec2_;
  std::map<std::string, double> on_demand_usd_per_hour_;
};

}  // namespace spotburst::ec2

#endif  // SPOTBURST_EC2_EC2_PRICE_FEED_H_
