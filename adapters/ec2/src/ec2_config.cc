// v1.Ec2Config -> Ec2Options.
#include "spotburst/ec2/ec2_config.h"

#include <utility>

namespace spotburst::ec2 {

absl::StatusOr<Ec2Options> Ec2OptionsFromConfig(const v1::Ec2Config& config,
                                                std::string policy_name) {
  Ec2Options options{
      .region = config.region(),
      .endpoint = config.endpoint(),
      .pool = config.pool(),
      .policy_name = std::move(policy_name),
      .request_spot_instances = config.request_spot_instances(),
      .on_demand_usd_per_hour = {config.on_demand_usd_per_hour().begin(),
                                 config.on_demand_usd_per_hour().end()}};
  if (!config.pool_tag_key().empty()) {
    options.pool_tag_key = config.pool_tag_key();
  }
  if (config.has_send_max_price()) {
    options.send_max_price = config.send_max_price();
  }
  if (config.has_attempt_timeout_s()) {
    options.attempt_timeout = absl::Seconds(config.attempt_timeout_s());
  }
  if (config.has_retry_budget_s()) {
    options.retry_budget = absl::Seconds(config.retry_budget_s());
  }
  if (absl::Status valid = ValidateEc2Options(options); !valid.ok()) {
    return valid;
  }
  return options;
}

}  // namespace spotburst::ec2
