// Ec2InstanceManager: the burst fleet on EC2, found by its pool tag.
//
// Everything it launches is tagged at launch (TagSpecification) with the
// pool, the policy, the plan's idempotency token and, for a replacement,
// the on-demand instance it replaces; List() finds the whole fleet again by
// the pool tag after a restart. It never touches what does not carry the
// tag: cancels and terminations act only on ids a tag-filtered listing
// confirms.
//
// Spot goes one of two ways:
//   - RunInstances with spot market options (the default, today's EC2):
//     synchronous, so a capacity failure is known at once; the bid is sent
//     as MaxPrice unless `send_max_price` is off (EC2 then caps at the
//     on-demand price);
//   - RequestSpotInstances with the bid (the bid era's one-time requests):
//     the request stays open until EC2 fulfils it; the instances EC2 starts
//     carry no tags, so List() finds them through their tagged requests.
// Every launch carries the plan's idempotency token as ClientToken, so a
// retried call never launches twice.
#ifndef SPOTBURST_EC2_EC2_INSTANCE_MANAGER_H_
#define SPOTBURST_EC2_EC2_INSTANCE_MANAGER_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "ec2_xml.h"
#include "query_client.h"
#include "spotburst/instance_manager.h"

namespace spotburst::ec2 {

enum class SpotPath { kRunInstances, kRequestSpotInstances };

struct FleetOptions {
  // The tag every instance and request of the pool carries.
  std::string pool_tag_key = "spotburst:pool";
  std::string pool;  // required
  std::string policy_name;
  SpotPath spot_path = SpotPath::kRunInstances;
  bool send_max_price = true;
  // What an on-demand instance costs per hour (for the cost ceiling).
  double on_demand_usd_per_hour = 0;
};

// Tag keys besides the pool's.
inline constexpr char kPolicyTag[] = "spotburst:policy";
inline constexpr char kTokenTag[] = "spotburst:token";
inline constexpr char kReplacesTag[] = "spotburst:replaces";
inline constexpr char kBidTag[] = "spotburst:bid";

class Ec2InstanceManager final : public InstanceManager {
 public:
  // `ec2` is borrowed and must outlive this.
  Ec2InstanceManager(QueryClient& ec2, FleetOptions options);

  absl::StatusOr<Fleet> List() override;
  absl::StatusOr<std::vector<std::string>> RequestSpot(
      const SpotRequestSpec& spec) override;
  absl::StatusOr<std::vector<std::string>> LaunchOnDemand(
      const OnDemandSpec& spec) override;
  // Only the pool's requests; an id not in the pool is reported, the rest
  // are cancelled.
  absl::Status CancelRequests(const std::vector<std::string>& ids) override;
  // Only the pool's instances; an id EC2 no longer knows does not stop the
  // others.
  absl::Status Terminate(const std::vector<std::string>& ids) override;

 private:
  // DescribeInstances / DescribeSpotInstanceRequests over every page.
  absl::StatusOr<std::vector<Ec2Instance>> DescribeInstances(
      const QueryParams& filters);
  absl::StatusOr<std::vector<Ec2SpotRequest>> DescribeRequests(
      const QueryParams& filters);
  absl::StatusOr<QueryParams> LaunchParams(const LaunchSpec& launch,
                                           const std::string& instance_type,
                                           const std::string& zone, int count,
                                           const std::string& token,
                                           const std::string& prefix);
  std::map<std::string, std::string> Tags(const std::string& token,
                                          const std::string& replaces,
                                          double bid) const;

  QueryClient& ec2_;
  const FleetOptions options_;
};

}  // namespace spotburst::ec2

#endif  // SPOTBURST_EC2_EC2_INSTANCE_MANAGER_H_
