// The simulated cloud's InstanceManager and PriceFeed calls. Each first
// catches up with the clock, checks every argument before changing
// anything (a failed call changes nothing, as EC2's do), then acts at now.
#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_format.h"
#include "sim_cloud.h"
#include "spotburst/launch_failure.h"

namespace spotburst::sim::internal {
namespace {

constexpr char kPendingEvaluation[] = "pending-evaluation";
constexpr char kCancelledBeforeFulfilment[] = "canceled-before-fulfillment";
constexpr char kCancelledInstanceRunning[] =
    "request-canceled-and-instance-running";
constexpr char kByUser[] = "instance-terminated-by-user";

// The most instances one call may ask for (EC2's limit is account-wide;
// this only catches a runaway caller).
constexpr int kMaxPerCall = 1000;

}  // namespace

absl::StatusOr<int> SimCloud::CheckMarket(std::string_view call,
                                          const std::string& type,
                                          const std::string& zone,
                                          int count) const {
  if (count < 1 || count > kMaxPerCall) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "sim %s: count %d is out of range [1, %d]", call, count, kMaxPerCall));
  }
  if (MarketIndex(type, "") < 0) {
    return absl::InvalidArgumentError(
        absl::StrFormat("sim %s: instance type %s is not sold here (only %s)",
                        call, type, MarketNames()));
  }
  const int market = MarketIndex(type, zone);
  if (market < 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "sim %s: availability zone %s is not simulated (only %s)", call, zone,
        MarketNames()));
  }
  return market;
}

absl::StatusOr<Fleet> SimCloud::List() {
  Fleet fleet;
  if (absl::Status listed = ListInto(fleet); !listed.ok()) return listed;
  return fleet;
}

absl::Status SimCloud::ListInto(Fleet& fleet) {
  CatchUp();
  fleet.instances.resize(live_.size());
  for (size_t k = 0; k < live_.size(); ++k) {
    fleet.instances[k] = instances_[live_[k]].instance;
  }
  // Forget closed requests past the retention, then list the rest.
  const absl::Time forget_before =
      absl::FromUnixSeconds(now_) - config_.closed_request_retention;
  listed_.erase(std::remove_if(listed_.begin(), listed_.end(),
                               [&](int r) {
                                 return requests_[r].closed_at < forget_before;
                               }),
                listed_.end());
  fleet.requests.resize(listed_.size());
  for (size_t k = 0; k < listed_.size(); ++k) {
    fleet.requests[k] = requests_[listed_[k]].request;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> SimCloud::RequestSpot(
    const SpotRequestSpec& spec) {
  CatchUp();
  const absl::StatusOr<int> market = CheckMarket(
      "RequestSpot", spec.instance_type, spec.availability_zone, spec.count);
  if (!market.ok()) return market.status();
  if (!std::isfinite(spec.bid_usd_per_hour) || spec.bid_usd_per_hour <= 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "sim RequestSpot: bid %g USD/h must be a positive number",
        spec.bid_usd_per_hour));
  }
  if (const auto* outage = SpotOutageAt(*market, absl::FromUnixSeconds(now_))) {
    ++counters_.capacity_failures;
    return WithFailureCause(
        absl::ResourceExhaustedError(absl::StrFormat(
            "sim RequestSpot: no spot capacity in %s until %s",
            config_.markets[*market].market.Name(),
            absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", outage->second,
                             absl::UTCTimeZone()))),
        FailureCause::kCapacity, "InsufficientInstanceCapacity");
  }
  if (!spec.idempotency_token.empty()) {
    auto it = spot_tokens_.find(spec.idempotency_token);
    if (it != spot_tokens_.end()) {
      if (it->second.count != spec.count ||
          it->second.bid_usd != spec.bid_usd_per_hour) {
        // EC2's IdempotentParameterMismatch.
        return absl::InvalidArgumentError(absl::StrFormat(
            "sim RequestSpot: token %s was used for %d at %.4f, now %d at "
            "%.4f",
            spec.idempotency_token, it->second.count, it->second.bid_usd,
            spec.count, spec.bid_usd_per_hour));
      }
      return it->second.ids;
    }
  }
  std::vector<std::string> ids;
  ids.reserve(spec.count);
  for (int k = 0; k < spec.count; ++k) {
    const int index = static_cast<int>(requests_.size());
    RequestRecord record;
    record.request = {
        .id = absl::StrFormat("sir-%08x", index + 1),
        .state = SpotRequestState::kOpen,
        .status_code = kPendingEvaluation,
        .create_time = absl::FromUnixSeconds(now_),
        .bid_usd_per_hour = spec.bid_usd_per_hour,
        .instance_type = spec.instance_type,
        .availability_zone = config_.markets[*market].market.availability_zone,
        .client_token = spec.idempotency_token,
        .replaces_instance_id = spec.replaces_instance_id};
    record.eligible_at =
        absl::FromUnixSeconds(now_ + fulfilment_stream_.UniformSeconds(
                                         config_.timing.fulfilment_delay_min,
                                         config_.timing.fulfilment_delay_max));
    record.market = *market;
    request_by_id_.emplace(record.request.id, index);
    ids.push_back(record.request.id);
    requests_.push_back(std::move(record));
    open_.push_back(index);
    listed_.push_back(index);
    ++counters_.spot_requests;
  }
  if (!spec.idempotency_token.empty()) {
    spot_tokens_[spec.idempotency_token] = {
        .ids = ids, .count = spec.count, .bid_usd = spec.bid_usd_per_hour};
  }
  return ids;
}

absl::StatusOr<std::vector<std::string>> SimCloud::LaunchOnDemand(
    const OnDemandSpec& spec) {
  CatchUp();
  const absl::StatusOr<int> market = CheckMarket(
      "LaunchOnDemand", spec.instance_type, spec.availability_zone, spec.count);
  if (!market.ok()) return market.status();
  if (!spec.idempotency_token.empty()) {
    auto it = on_demand_tokens_.find(spec.idempotency_token);
    if (it != on_demand_tokens_.end()) {
      if (it->second.count != spec.count) {
        return absl::InvalidArgumentError(absl::StrFormat(
            "sim LaunchOnDemand: token %s was used for %d, now %d",
            spec.idempotency_token, it->second.count, spec.count));
      }
      return it->second.ids;
    }
  }
  std::vector<std::string> ids;
  ids.reserve(spec.count);
  for (int k = 0; k < spec.count; ++k) {
    const int index =
        LaunchInstance(Lifecycle::kOnDemand, *market, -1, now_,
                       config_.markets[*market].on_demand_usd_per_hour);
    ids.push_back(instances_[index].instance.id);
  }
  if (!spec.idempotency_token.empty()) {
    on_demand_tokens_[spec.idempotency_token] = {.ids = ids,
                                                 .count = spec.count};
  }
  return ids;
}

absl::Status SimCloud::CancelRequests(const std::vector<std::string>& ids) {
  CatchUp();
  std::vector<int> found;
  found.reserve(ids.size());
  for (const std::string& id : ids) {
    auto it = request_by_id_.find(id);
    if (it == request_by_id_.end()) {
      return absl::NotFoundError(
          absl::StrFormat("sim CancelRequests: no spot request %s", id));
    }
    found.push_back(it->second);
  }
  for (int r : found) {
    RequestRecord& record = requests_[r];
    if (record.request.state == SpotRequestState::kOpen) {
      open_.erase(std::find(open_.begin(), open_.end(), r));
      CloseRequest(r, now_, SpotRequestState::kCancelled,
                   kCancelledBeforeFulfilment);
      ++counters_.requests_cancelled;
    } else if (record.request.state == SpotRequestState::kActive) {
      // Cancelling an active request leaves its instance running (EC2).
      CloseRequest(r, now_, SpotRequestState::kCancelled,
                   kCancelledInstanceRunning);
    }
    // Closed or cancelled already: nothing to do, as EC2 reports it.
  }
  return absl::OkStatus();
}

absl::Status SimCloud::Terminate(const std::vector<std::string>& ids) {
  CatchUp();
  std::vector<int> found;
  found.reserve(ids.size());
  for (const std::string& id : ids) {
    auto it = instance_by_id_.find(id);
    if (it == instance_by_id_.end()) {
      return absl::NotFoundError(
          absl::StrFormat("sim Terminate: no instance %s", id));
    }
    found.push_back(it->second);
  }
  for (int i : found) {
    if (instances_[i].ended_by.has_value()) continue;  // ended already
    ++counters_.instances_ended_by_user;
    EndInstance(i, now_, EndedBy::kUser, kByUser);
  }
  return absl::OkStatus();
}

absl::StatusOr<PriceHistory> SimCloud::History(const Market& market,
                                               absl::Time from, absl::Time to) {
  PriceHistory history;
  if (absl::Status s = HistoryInto(market, from, to, history); !s.ok()) {
    return s;
  }
  return history;
}

absl::Status SimCloud::HistoryInto(const Market& market, absl::Time from,
                                   absl::Time to, PriceHistory& history) {
  CatchUp();
  const int index = MarketIndex(market.instance_type, market.availability_zone);
  if (market.availability_zone.empty() || index < 0 ||
      !(market == config_.markets[index].market)) {
    return absl::NotFoundError(
        absl::StrFormat("sim History: market %s is not simulated (only %s)",
                        market.Name(), MarketNames()));
  }
  // The replayed trace knows the future; the feed must not tell it.
  markets_[index]->prices.SliceInto(
      from, std::min(to, absl::FromUnixSeconds(now_)), history);
  return absl::OkStatus();
}

absl::StatusOr<double> SimCloud::OnDemandPrice(const std::string& instance_type,
                                               const std::string& region) {
  const int market = MarketIndex(instance_type, "");
  if (market < 0 || (!region.empty() && !config_.region.empty() &&
                     region != config_.region)) {
    return absl::NotFoundError(absl::StrFormat(
        "sim OnDemandPrice: no price for %s in %s (only %s in %s)",
        instance_type, region, MarketNames(), config_.region));
  }
  // One price per type: the first market of the type says it.
  return config_.markets[market].on_demand_usd_per_hour;
}

}  // namespace spotburst::sim::internal
