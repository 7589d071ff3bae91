// Value checks of a state read from JSON or gRPC, with field paths in the
// errors so a person can find the bad value in the input.
#include <cmath>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "spotburst/internal/state_proto.h"
#include "spotburst/price_window.h"
#include "spotburst/status_macros.h"

namespace spotburst::internal {
namespace {

// A field path, spelled out only when a check fails: every request passes
// through here, and building strings for the fields that are fine was a
// visible share of a sidecar call.
struct Path {
  absl::string_view list;  // "markets", or the whole path when index < 0
  int index = -1;
  absl::string_view field;  // ".stats.min_usd"
  std::string Text() const {
    return index < 0 ? absl::StrCat(list, field)
                     : absl::StrCat(list, "[", index, "]", field);
  }
};

absl::Status CheckAmount(double value, const Path& path) {
  if (!std::isfinite(value)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: %g must be a finite number", path.Text(), value));
  }
  if (value < 0) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: %g must be >= 0", path.Text(), value));
  }
  return absl::OkStatus();
}

// A price or bid: an amount no market could exceed.
absl::Status CheckPrice(double value, const Path& path) {
  SPOTBURST_RETURN_IF_ERROR(CheckAmount(value, path));
  if (value > kMaxPriceUsdPerHour) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: %g is above %g USD/h, more than any market charges", path.Text(),
        value, kMaxPriceUsdPerHour));
  }
  return absl::OkStatus();
}

// Instance-hours or notices a market was seen with, faded: a fleet at
// the most instances (100,000) over the longest window (30 days) stays
// below the bound, which keeps the sums over all markets finite.
constexpr double kMaxExposure = 1e9;
absl::Status CheckExposure(double value, const Path& path) {
  SPOTBURST_RETURN_IF_ERROR(CheckAmount(value, path));
  if (value > kMaxExposure) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: %g is above %g, more than any fleet sees",
                        path.Text(), value, kMaxExposure));
  }
  return absl::OkStatus();
}

absl::Status CheckTime(const google::protobuf::Timestamp& ts, bool has,
                       const Path& path) {
  if (!has) return absl::OkStatus();
  absl::Status status = CheckTimestamp(ts, "");
  if (status.ok()) return status;
  return Prefixed(status, path.Text());
}

// Paths relative to the point: the caller puts its place in front.
absl::Status CheckPricePoint(const v1::PricePoint& point) {
  if (!point.has_time()) {
    return absl::InvalidArgumentError(".time: required");
  }
  SPOTBURST_RETURN_IF_ERROR(CheckTime(point.time(), true, {".time"}));
  return CheckPrice(point.usd_per_hour(), {".usd_per_hour"});
}

// Ids must be unique in their list: a fleet listing one instance twice
// would count it twice.
template <typename Message>
absl::Status CheckUniqueIds(
    const google::protobuf::RepeatedPtrField<Message>& items,
    absl::string_view list) {
  if (items.size() < 2) return absl::OkStatus();
  absl::flat_hash_map<absl::string_view, int> seen;
  seen.reserve(items.size());
  for (int i = 0; i < items.size(); ++i) {
    const std::string& id = items[i].id();
    const auto [it, inserted] =
        seen.emplace(absl::string_view(id.data(), id.size()), i);
    if (!inserted) {
      return absl::InvalidArgumentError(
          absl::StrCat(Path{list, i, ".id"}.Text(), ": duplicate of ",
                       Path{list, it->second, ""}.Text()));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckResources(const v1::Resources& r, absl::string_view path) {
  SPOTBURST_RETURN_IF_ERROR(CheckAmount(r.cpus(), {path, -1, ".cpus"}));
  SPOTBURST_RETURN_IF_ERROR(CheckAmount(r.mem_mib(), {path, -1, ".mem_mib"}));
  SPOTBURST_RETURN_IF_ERROR(CheckAmount(r.disk_mib(), {path, -1, ".disk_mib"}));
  return CheckAmount(r.gpus(), {path, -1, ".gpus"});
}

absl::Status Required(const std::string& value, const Path& path) {
  if (value.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(path.Text(), ": required"));
  }
  return absl::OkStatus();
}

bool Before(const google::protobuf::Timestamp& a,
            const google::protobuf::Timestamp& b) {
  return a.seconds() != b.seconds() ? a.seconds() < b.seconds()
                                    : a.nanos() < b.nanos();
}

// A learned lag: a mean of at most a week (no launch takes longer), a
// count that is one.
absl::Status CheckLag(const v1::LagEstimate& lag, absl::string_view name) {
  constexpr double kWeek = 7 * 86400;
  if (!std::isfinite(lag.mean_s()) || lag.mean_s() < 0 ||
      lag.mean_s() > kWeek) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s.mean_s: %g is out of range [0, %g]", name, lag.mean_s(), kWeek));
  }
  if (lag.samples() < 0) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s.samples: %d must be >= 0", name, lag.samples()));
  }
  return CheckTime(lag.learned_until(), lag.has_learned_until(),
                   {name, -1, ".learned_until"});
}

}  // namespace

absl::Status ValidateEvaluationState(const v1::EvaluationState& s) {
  if (!s.has_now()) return absl::InvalidArgumentError("now: required");
  SPOTBURST_RETURN_IF_ERROR(CheckTime(s.now(), true, {"now"}));
  SPOTBURST_RETURN_IF_ERROR(CheckTime(
      s.cluster().read_at(), s.cluster().has_read_at(), {"cluster.read_at"}));
  SPOTBURST_RETURN_IF_ERROR(CheckResources(s.cluster().used(), "cluster.used"));
  SPOTBURST_RETURN_IF_ERROR(
      CheckResources(s.cluster().queued(), "cluster.queued"));
  SPOTBURST_RETURN_IF_ERROR(
      CheckResources(s.cluster().baseline(), "cluster.baseline"));
  for (int i = 0; i < s.cluster().held_back_size(); ++i) {
    const v1::HeldBackDemand& d = s.cluster().held_back(i);
    if (d.instances() < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(Path{"cluster.held_back", i, ".instances"}.Text(), ": ",
                       d.instances(), " must be >= 0"));
    }
    SPOTBURST_RETURN_IF_ERROR(CheckResources(
        d.resources(), absl::StrCat("cluster.held_back[", i, "].resources")));
  }
  for (int i = 0; i < s.cluster().burst_agents_size(); ++i) {
    const v1::BurstAgent& a = s.cluster().burst_agents(i);
    SPOTBURST_RETURN_IF_ERROR(
        Required(a.instance_id(), {"cluster.burst_agents", i, ".instance_id"}));
    SPOTBURST_RETURN_IF_ERROR(CheckResources(
        a.total(), absl::StrCat("cluster.burst_agents[", i, "].total")));
    SPOTBURST_RETURN_IF_ERROR(CheckResources(
        a.used(), absl::StrCat("cluster.burst_agents[", i, "].used")));
  }
  for (int i = 0; i < s.markets_size(); ++i) {
    const v1::MarketView& v = s.markets(i);
    SPOTBURST_RETURN_IF_ERROR(Required(
        v.market().instance_type(), {"markets", i, ".market.instance_type"}));
    const v1::PriceStats& st = v.stats();
    SPOTBURST_RETURN_IF_ERROR(
        CheckPrice(st.min_usd(), {"markets", i, ".stats.min_usd"}));
    SPOTBURST_RETURN_IF_ERROR(
        CheckPrice(st.mean_usd(), {"markets", i, ".stats.mean_usd"}));
    SPOTBURST_RETURN_IF_ERROR(
        CheckPrice(st.max_usd(), {"markets", i, ".stats.max_usd"}));
    SPOTBURST_RETURN_IF_ERROR(
        CheckPrice(st.current_usd(), {"markets", i, ".stats.current_usd"}));
    if (st.points() < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(Path{"markets", i, ".stats.points"}.Text(), ": ",
                       st.points(), " must be >= 0"));
    }
    SPOTBURST_RETURN_IF_ERROR(CheckTime(st.last_change(), st.has_last_change(),
                                        {"markets", i, ".stats.last_change"}));
    SPOTBURST_RETURN_IF_ERROR(
        CheckTime(st.as_of(), st.has_as_of(), {"markets", i, ".stats.as_of"}));
    SPOTBURST_RETURN_IF_ERROR(CheckPrice(
        v.on_demand_usd_per_hour(), {"markets", i, ".on_demand_usd_per_hour"}));
    for (int j = 0; j < v.price_history_size(); ++j) {
      if (absl::Status status = CheckPricePoint(v.price_history(j));
          !status.ok()) {
        return Prefixed(
            status, absl::StrCat("markets[", i, "].price_history[", j, "]"));
      }
    }
  }
  for (int i = 0; i < s.fleet().instances_size(); ++i) {
    const v1::Instance& instance = s.fleet().instances(i);
    SPOTBURST_RETURN_IF_ERROR(
        Required(instance.id(), {"fleet.instances", i, ".id"}));
    SPOTBURST_RETURN_IF_ERROR(
        CheckPrice(instance.max_price_usd_per_hour(),
                   {"fleet.instances", i, ".max_price_usd_per_hour"}));
    SPOTBURST_RETURN_IF_ERROR(
        CheckTime(instance.launch_time(), instance.has_launch_time(),
                  {"fleet.instances", i, ".launch_time"}));
    SPOTBURST_RETURN_IF_ERROR(CheckTime(
        instance.interruption_time(), instance.has_interruption_time(),
        {"fleet.instances", i, ".interruption_time"}));
  }
  SPOTBURST_RETURN_IF_ERROR(
      CheckUniqueIds(s.fleet().instances(), "fleet.instances"));
  for (int i = 0; i < s.fleet().requests_size(); ++i) {
    const v1::SpotRequest& request = s.fleet().requests(i);
    SPOTBURST_RETURN_IF_ERROR(
        Required(request.id(), {"fleet.requests", i, ".id"}));
    SPOTBURST_RETURN_IF_ERROR(
        CheckPrice(request.bid_usd_per_hour(),
                   {"fleet.requests", i, ".bid_usd_per_hour"}));
    SPOTBURST_RETURN_IF_ERROR(CheckTime(request.create_time(),
                                        request.has_create_time(),
                                        {"fleet.requests", i, ".create_time"}));
  }
  SPOTBURST_RETURN_IF_ERROR(
      CheckUniqueIds(s.fleet().requests(), "fleet.requests"));
  const v1::EngineState& e = s.engine();
  SPOTBURST_RETURN_IF_ERROR(CheckTime(e.last_scale_up(), e.has_last_scale_up(),
                                      {"engine.last_scale_up"}));
  SPOTBURST_RETURN_IF_ERROR(CheckTime(e.last_scale_down(),
                                      e.has_last_scale_down(),
                                      {"engine.last_scale_down"}));
  SPOTBURST_RETURN_IF_ERROR(CheckTime(e.scale_in_wanted_since(),
                                      e.has_scale_in_wanted_since(),
                                      {"engine.scale_in_wanted_since"}));
  SPOTBURST_RETURN_IF_ERROR(CheckTime(e.supply_mode_since(),
                                      e.has_supply_mode_since(),
                                      {"engine.supply_mode_since"}));
  SPOTBURST_RETURN_IF_ERROR(CheckTime(e.spot_healthy_since(),
                                      e.has_spot_healthy_since(),
                                      {"engine.spot_healthy_since"}));
  for (int i = 0; i < e.backoffs_size(); ++i) {
    const v1::LaunchBackoff& b = e.backoffs(i);
    SPOTBURST_RETURN_IF_ERROR(
        Required(b.market().instance_type(),
                 {"engine.backoffs", i, ".market.instance_type"}));
    if (b.failures() < 1) {
      return absl::InvalidArgumentError(
          absl::StrCat(Path{"engine.backoffs", i, ".failures"}.Text(), ": ",
                       b.failures(), " must be >= 1"));
    }
    SPOTBURST_RETURN_IF_ERROR(
        CheckTime(b.last_failure(), b.has_last_failure(),
                  {"engine.backoffs", i, ".last_failure"}));
    SPOTBURST_RETURN_IF_ERROR(
        CheckTime(b.until(), b.has_until(), {"engine.backoffs", i, ".until"}));
  }
  for (int i = 0; i < e.drains_size(); ++i) {
    const v1::AgentDrain& d = e.drains(i);
    SPOTBURST_RETURN_IF_ERROR(
        Required(d.instance_id(), {"engine.drains", i, ".instance_id"}));
    if (!d.has_started()) {
      return absl::InvalidArgumentError(absl::StrCat(
          Path{"engine.drains", i, ".started"}.Text(), ": required"));
    }
    SPOTBURST_RETURN_IF_ERROR(
        CheckTime(d.started(), true, {"engine.drains", i, ".started"}));
  }
  SPOTBURST_RETURN_IF_ERROR(
      CheckLag(e.fulfilment_lag(), "engine.fulfilment_lag"));
  SPOTBURST_RETURN_IF_ERROR(CheckLag(e.boot_lag(), "engine.boot_lag"));
  for (int i = 0; i < e.demand_history_size(); ++i) {
    const v1::DemandSample& d = e.demand_history(i);
    if (!d.has_time()) {
      return absl::InvalidArgumentError(absl::StrCat(
          Path{"engine.demand_history", i, ".time"}.Text(), ": required"));
    }
    SPOTBURST_RETURN_IF_ERROR(
        CheckTime(d.time(), true, {"engine.demand_history", i, ".time"}));
    if (i > 0 && !Before(e.demand_history(i - 1).time(), d.time())) {
      return absl::InvalidArgumentError(
          absl::StrCat(Path{"engine.demand_history", i, ".time"}.Text(),
                       ": not after the sample before it"));
    }
    const std::string path = Path{"engine.demand_history", i, ".demand"}.Text();
    SPOTBURST_RETURN_IF_ERROR(CheckResources(d.demand(), path));
  }
  for (int i = 0; i < e.interruptions_size(); ++i) {
    const v1::MarketInterruption& n = e.interruptions(i);
    SPOTBURST_RETURN_IF_ERROR(
        Required(n.market().instance_type(),
                 {"engine.interruptions", i, ".market.instance_type"}));
    SPOTBURST_RETURN_IF_ERROR(
        Required(n.market().availability_zone(),
                 {"engine.interruptions", i, ".market.availability_zone"}));
    SPOTBURST_RETURN_IF_ERROR(
        Required(n.instance_id(), {"engine.interruptions", i, ".instance_id"}));
    if (!n.has_noticed()) {
      return absl::InvalidArgumentError(absl::StrCat(
          Path{"engine.interruptions", i, ".noticed"}.Text(), ": required"));
    }
    SPOTBURST_RETURN_IF_ERROR(
        CheckTime(n.noticed(), true, {"engine.interruptions", i, ".noticed"}));
  }
  for (int i = 0; i < e.replaced_notices_size(); ++i) {
    SPOTBURST_RETURN_IF_ERROR(
        Required(e.replaced_notices(i), {"engine.replaced_notices", i, ""}));
  }
  for (int i = 0; i < e.exposures_size(); ++i) {
    const v1::MarketExposure& x = e.exposures(i);
    SPOTBURST_RETURN_IF_ERROR(
        Required(x.market().instance_type(),
                 {"engine.exposures", i, ".market.instance_type"}));
    SPOTBURST_RETURN_IF_ERROR(
        Required(x.market().availability_zone(),
                 {"engine.exposures", i, ".market.availability_zone"}));
    SPOTBURST_RETURN_IF_ERROR(
        CheckExposure(x.spot_hours(), {"engine.exposures", i, ".spot_hours"}));
    SPOTBURST_RETURN_IF_ERROR(
        CheckExposure(x.notices(), {"engine.exposures", i, ".notices"}));
  }
  SPOTBURST_RETURN_IF_ERROR(CheckTime(e.exposures_as_of(),
                                      e.has_exposures_as_of(),
                                      {"engine.exposures_as_of"}));
  for (int i = 0; i < s.launch_failures_size(); ++i) {
    const v1::LaunchFailure& f = s.launch_failures(i);
    SPOTBURST_RETURN_IF_ERROR(
        Required(f.market().instance_type(),
                 {"launch_failures", i, ".market.instance_type"}));
    if (!f.has_time()) {
      return absl::InvalidArgumentError(absl::StrCat(
          Path{"launch_failures", i, ".time"}.Text(), ": required"));
    }
    SPOTBURST_RETURN_IF_ERROR(
        CheckTime(f.time(), true, {"launch_failures", i, ".time"}));
  }
  // Unknown enum numbers are reported by FromProto with their paths.
  return absl::OkStatus();
}

}  // namespace spotburst::internal
