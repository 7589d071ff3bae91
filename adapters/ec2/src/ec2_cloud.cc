// Ec2Cloud: the adapter's parts, built and owned together.
#include "spotburst/ec2/ec2_cloud.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "ec2_instance_manager.h"
#include "ec2_price_feed.h"
#include "query_client.h"
#include "spotburst/http/http_client.h"

namespace spotburst::ec2 {

absl::Status ValidateEc2Options(const Ec2Options& o) {
  auto invalid = [](std::string_view field, std::string_view problem) {
    return absl::InvalidArgumentError(
        absl::StrCat("ec2.", absl::string_view(field.data(), field.size()),
                     ": ", absl::string_view(problem.data(), problem.size())));
  };
  if (o.region.empty()) return invalid("region", "required");
  if (o.pool.empty()) return invalid("pool", "required");
  if (o.pool.size() > 256) return invalid("pool", "longer than 256 characters");
  if (o.pool_tag_key.empty() || o.pool_tag_key.size() > 127) {
    return invalid("pool_tag_key", "must have 1 to 127 characters");
  }
  if (absl::StartsWith(o.pool_tag_key, "aws:")) {
    return invalid("pool_tag_key", "keys starting with \"aws:\" are AWS's");
  }
  for (const auto& [type, price] : o.on_demand_usd_per_hour) {
    if (!(price >= 0) || price > 1e6) {
      return invalid(absl::StrCat("on_demand_usd_per_hour.", type),
                     "must be a price >= 0");
    }
  }
  if (!(o.default_on_demand_usd_per_hour >= 0)) {
    return invalid("default_on_demand_usd_per_hour", "must be >= 0");
  }
  if (o.attempt_timeout <= absl::ZeroDuration()) {
    return invalid("attempt_timeout", "must be above zero");
  }
  if (o.retry_budget <= absl::ZeroDuration()) {
    return invalid("retry_budget", "must be above zero");
  }
  return absl::OkStatus();
}

struct Ec2Cloud::Parts {
  Ec2Options options;
  std::unique_ptr<http::HttpClient> http;
  std::unique_ptr<CredentialsProvider> default_credentials;
  std::unique_ptr<QueryClient> client;
  std::unique_ptr<Ec2PriceFeed> feed;
  std::unique_ptr<Ec2InstanceManager> manager;
};

Ec2Cloud::Ec2Cloud(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}
Ec2Cloud::~Ec2Cloud() = default;

absl::StatusOr<std::unique_ptr<Ec2Cloud>> Ec2Cloud::Create(
    Ec2Options options, Clock& clock, CredentialsProvider* credentials) {
  if (absl::Status valid = ValidateEc2Options(options); !valid.ok()) {
    return valid;
  }
  auto parts = std::make_unique<Parts>();
  parts->options = std::move(options);
  const Ec2Options& o = parts->options;
  parts->http = http::NewCurlHttpClient({.timeout = o.attempt_timeout});
  if (credentials == nullptr) {
    parts->default_credentials = std::make_unique<CredentialsChain>(
        DefaultCredentialsChain(ProcessEnvironment(), *parts->http));
    credentials = parts->default_credentials.get();
  }
  parts->client = std::make_unique<QueryClient>(
      *parts->http, *credentials, clock,
      QueryClientOptions{.region = o.region,
                         .endpoint = o.endpoint,
                         .attempt_timeout = o.attempt_timeout,
                         .retry_budget = o.retry_budget});
  parts->feed =
      std::make_unique<Ec2PriceFeed>(*parts->client, o.on_demand_usd_per_hour);
  parts->manager = std::make_unique<Ec2InstanceManager>(
      *parts->client,
      FleetOptions{.pool_tag_key = o.pool_tag_key,
                   .pool = o.pool,
                   .policy_name = o.policy_name,
                   .spot_path = o.request_spot_instances
                                    ? SpotPath::kRequestSpotInstances
                                    : SpotPath::kRunInstances,
                   .send_max_price = o.send_max_price,
                   .on_demand_usd_per_hour = o.default_on_demand_usd_per_hour});
  return std::unique_ptr<Ec2Cloud>(new Ec2Cloud(std::move(parts)));
}

PriceFeed& Ec2Cloud::prices() { return *parts_->feed; }
InstanceManager& Ec2Cloud::instances() { return *parts_->manager; }
const Ec2Options& Ec2Cloud::options() const { return parts_->options; }

}  // namespace spotburst::ec2
