// Ec2Cloud: spotburst's PriceFeed and InstanceManager on one EC2 region.
//
// It owns what the two share: an HTTP client (libcurl), the credentials
// (the default chain: environment, shared credentials file, instance role)
// and a Query API client that signs, retries and classifies every call
// (docs/ec2.md). Launches carry the plan's idempotency token and the pool's
// tags; only what carries the pool's tag is ever cancelled or terminated.
//
//   SPOTBURST_ASSIGN_OR_RETURN(
//       std::unique_ptr<ec2::Ec2Cloud> cloud,
//       ec2::Ec2Cloud::Create({.region = "us-east-1", .pool = "mesos-a",
//                              .policy_name = policy.name}));
//   Controller controller(engine, metrics, cloud->prices(),
//                         cloud->instances(), Clock::Real(),
//                         {.dry_run = true});
#ifndef SPOTBURST_EC2_EC2_CLOUD_H_
#define SPOTBURST_EC2_EC2_CLOUD_H_

#include <map>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "spotburst/clock.h"
#include "spotburst/ec2/credentials.h"
#include "spotburst/instance_manager.h"
#include "spotburst/price_feed.h"

namespace spotburst::ec2 {

struct Ec2Options {
  // Required: "us-east-1".
  std::string region;
  // "https://ec2.<region>.amazonaws.com/" when empty; set it for an
  // EC2-compatible cloud or a test endpoint ("http://127.0.0.1:8080/").
  std::string endpoint;
  // Required: the pool's name, the value of the tag every instance and
  // request of the pool carries.
  std::string pool;
  std::string pool_tag_key = "spotburst:pool";
  // Tagged on every launch (spotburst:policy).
  std::string policy_name;
  // Spot by one-time RequestSpotInstances with the bid (the bid era's way)
  // instead of RunInstances with spot market options.
  bool request_spot_instances = false;
  // RunInstances: send the bid as MaxPrice (off: EC2 caps at on-demand).
  bool send_max_price = true;
  // On-demand USD per hour by instance type in this region; the feed's
  // OnDemandPrice answers from it (NotFound otherwise, so the policy's
  // price stands in). The policy's price for instances it cannot find.
  std::map<std::string, double> on_demand_usd_per_hour;
  double default_on_demand_usd_per_hour = 0;
  // One attempt of a call, and all attempts of a call together: keep the
  // budget under the evaluation interval.
  absl::Duration attempt_timeout = absl::Seconds(10);
  absl::Duration retry_budget = absl::Seconds(20);
};

// InvalidArgument naming the field: region or pool missing, a tag key EC2
// refuses (empty, over 127 characters, starting with "aws:"), a pool over
// 256 characters, a negative price, a budget not above zero.
absl::Status ValidateEc2Options(const Ec2Options& options);

class Ec2Cloud {
 public:
  // `clock` (and `credentials`, when given instead of the default chain)
  // are borrowed and must outlive the cloud.
  static absl::StatusOr<std::unique_ptr<Ec2Cloud>> Create(
      Ec2Options options, Clock& clock = Clock::Real(),
      CredentialsProvider* credentials = nullptr);
  Ec2Cloud(const Ec2Cloud&) = delete;
  Ec2Cloud& operator=(const Ec2Cloud&) = delete;
  ~Ec2Cloud();

  PriceFeed& prices();
  InstanceManager& instances();
  const Ec2Options& options() const;

 private:
  struct Parts;
  explicit Ec2Cloud(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

}  // namespace spotburst::ec2

#endif  // SPOTBURST_EC2_EC2_CLOUD_H_
