// The burst fleet: instances and spot requests an InstanceManager manages.
//
// Only live instances belong in a Fleet (pending or running); adapters drop
// terminated ones. Requests include every state the cloud still reports,
// since a closed or cancelled request tells nothing the engine acts on but
// an active one links an instance to its bid. Plain value types.
//
//   Fleet fleet;
//   fleet.instances.push_back({.id = "i-0abc", .instance_type = "c4.large",
//                              .lifecycle = Lifecycle::kSpot,
//                              .state = InstanceState::kRunning,
//                              .launch_time = now - absl::Minutes(16)});
#ifndef SPOTBURST_FLEET_H_
#define SPOTBURST_FLEET_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"

namespace spotburst {

enum class Lifecycle { kSpot, kOnDemand };
enum class InstanceState { kPending, kRunning };
enum class SpotRequestState { kOpen, kActive, kClosed, kCancelled, kFailed };

std::string_view LifecycleName(Lifecycle lifecycle);      // "spot", "on-demand"
std::string_view InstanceStateName(InstanceState state);  // "pending", ...
std::string_view SpotRequestStateName(SpotRequestState state);  // "open", ...

struct Instance {
  std::string id;
  std::string instance_type;
  std::string availability_zone;
  Lifecycle lifecycle = Lifecycle::kSpot;
  InstanceState state = InstanceState::kRunning;
  // Start of billing: each billing period is counted from here.
  absl::Time launch_time = absl::InfinitePast();
  // Most this instance can cost per hour: the bid for spot, the price for
  // on-demand. Used by the cost ceiling. USD per hour.
  double max_price_usd_per_hour = 0;
  // The spot request that launched it, if any.
  std::string spot_request_id;
  // The provider has given notice that it will end this instance (a spot
  // interruption), at `interruption_time` when known. Such an instance no
  // longer counts as capacity, so its replacement is planned at once, and
  // the policy never ends it: the provider's end costs less (under hourly
  // billing the interrupted hour is free). It still counts toward
  // max_instances and the cost ceiling until it is gone.
  bool interruption_notice = false;
  absl::Time interruption_time = absl::InfinitePast();
};

struct SpotRequest {
  std::string id;
  SpotRequestState state = SpotRequestState::kOpen;
  // The cloud's status code, e.g. "pending-fulfillment", "price-too-low".
  std::string status_code;
  absl::Time create_time = absl::InfinitePast();
  double bid_usd_per_hour = 0;
  std::string instance_type;
  std::string availability_zone;
  // The instance that fulfilled it (active requests).
  std::string instance_id;
  // The idempotency token it was made with.
  std::string client_token;
  // When this request replaces an on-demand instance (the way back from a
  // fallback), that instance's id.
  std::string replaces_instance_id;
};

struct Fleet {
  std::vector<Instance> instances;
  std::vector<SpotRequest> requests;
};

}  // namespace spotburst

#endif  // SPOTBURST_FLEET_H_
