// C++ <-> proto conversions of the state messages (cluster, markets, fleet,
// engine state) and the time conversions.
#include "spotburst/internal/state_proto.h"

#include <cstdint>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "formats/enum_proto.h"
#include "spotburst/status_macros.h"

namespace spotburst::internal {
namespace {

// google.protobuf.Duration allows about +-10,000 years.
constexpr int64_t kMaxDurationSeconds = 315576000000;

}  // namespace

absl::Status Prefixed(const absl::Status& status, absl::string_view prefix) {
  return absl::Status(status.code(), absl::StrCat(prefix, status.message()));
}

bool InTimestampRange(absl::Time t) {
  return t >= absl::FromUnixSeconds(kMinTimestampSeconds) &&
         t < absl::FromUnixSeconds(kMaxTimestampSeconds + 1);
}

absl::Status CheckTimestamp(const google::protobuf::Timestamp& ts,
                            absl::string_view path) {
  if (ts.seconds() < kMinTimestampSeconds ||
      ts.seconds() > kMaxTimestampSeconds) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": seconds ", ts.seconds(),
        " is outside 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z (",
        kMinTimestampSeconds, " to ", kMaxTimestampSeconds, ")"));
  }
  if (ts.nanos() < 0 || ts.nanos() > 999999999) {
    return absl::InvalidArgumentError(absl::StrCat(
        path, ": nanos ", ts.nanos(), " is outside [0, 999999999]"));
  }
  return absl::OkStatus();
}

std::optional<google::protobuf::Timestamp> TimeToProto(absl::Time t) {
  if (t == absl::InfinitePast() || t == absl::InfiniteFuture()) {
    return std::nullopt;
  }
  const int64_t seconds = absl::ToUnixSeconds(t);  // rounds down
  if (seconds < kMinTimestampSeconds || seconds > kMaxTimestampSeconds) {
    return std::nullopt;
  }
  google::protobuf::Timestamp out;
  out.set_seconds(seconds);
  out.set_nanos(static_cast<int32_t>(
      absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(seconds))));
  return out;
}

absl::Time TimeFromProto(const google::protobuf::Timestamp& ts, bool has,
                         absl::Time unset) {
  if (!has) return unset;
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

google::protobuf::Duration DurationToProto(absl::Duration d) {
  google::protobuf::Duration out;
  const absl::Duration max = absl::Seconds(kMaxDurationSeconds);
  if (d > max) d = max;
  if (d < -max) d = -max;
  absl::Duration rem;
  const int64_t seconds = absl::IDivDuration(d, absl::Seconds(1), &rem);
  out.set_seconds(seconds);
  // Both parts carry the same sign, as Duration requires.
  out.set_nanos(static_cast<int32_t>(absl::ToInt64Nanoseconds(rem)));
  return out;
}

absl::Duration DurationFromProto(const google::protobuf::Duration& d) {
  return absl::Seconds(d.seconds()) + absl::Nanoseconds(d.nanos());
}

v1::Resources ToProto(const Resources& r) {
  v1::Resources out;
  out.set_cpus(r.cpus);
  out.set_mem_mib(r.mem_mib);
  out.set_disk_mib(r.disk_mib);
  out.set_gpus(r.gpus);
  return out;
}

Resources FromProto(const v1::Resources& r) {
  return {.cpus = r.cpus(),
          .mem_mib = r.mem_mib(),
          .disk_mib = r.disk_mib(),
          .gpus = r.gpus()};
}

v1::ClusterState ToProto(const ClusterState& c) {
  v1::ClusterState out;
  *out.mutable_used() = ToProto(c.used);
  *out.mutable_queued() = ToProto(c.queued);
  *out.mutable_baseline() = ToProto(c.baseline);
  if (auto ts = TimeToProto(c.read_at)) *out.mutable_read_at() = *ts;
  for (const HeldBackDemand& d : c.held_back) {
    v1::HeldBackDemand& held = *out.add_held_back();
    held.set_workload(d.workload);
    held.set_reason(ToProto(d.reason));
    held.set_instances(d.instances);
    *held.mutable_resources() = ToProto(d.resources);
    held.set_detail(d.detail);
  }
  out.set_reports_agents(c.reports_agents);
  for (const BurstAgent& a : c.burst_agents) {
    v1::BurstAgent& agent = *out.add_burst_agents();
    agent.set_instance_id(a.instance_id);
    agent.set_agent_id(a.agent_id);
    agent.set_state(ToProto(a.state));
    *agent.mutable_total() = ToProto(a.total);
    *agent.mutable_used() = ToProto(a.used);
  }
  return out;
}

absl::StatusOr<ClusterState> FromProto(const v1::ClusterState& c) {
  ClusterState out{.used = FromProto(c.used()),
                   .queued = FromProto(c.queued()),
                   .baseline = FromProto(c.baseline()),
                   .reports_agents = c.reports_agents(),
                   .read_at = TimeFromProto(c.read_at(), c.has_read_at())};
  out.held_back.reserve(c.held_back_size());
  for (int i = 0; i < c.held_back_size(); ++i) {
    const v1::HeldBackDemand& d = c.held_back(i);
    absl::StatusOr<HoldReason> reason = HoldReasonFromProto(
        d.reason(), absl::StrCat("held_back[", i, "].reason"));
    if (!reason.ok()) return reason.status();
    out.held_back.push_back({.workload = d.workload(),
                             .reason = *reason,
                             .instances = d.instances(),
                             .resources = FromProto(d.resources()),
                             .detail = d.detail()});
  }
  out.burst_agents.reserve(c.burst_agents_size());
  for (int i = 0; i < c.burst_agents_size(); ++i) {
    const v1::BurstAgent& a = c.burst_agents(i);
    absl::StatusOr<AgentState> state = AgentStateFromProto(
        a.state(), absl::StrCat("burst_agents[", i, "].state"));
    if (!state.ok()) return state.status();
    out.burst_agents.push_back({.instance_id = a.instance_id(),
                                .agent_id = a.agent_id(),
                                .state = *state,
                                .total = FromProto(a.total()),
                                .used = FromProto(a.used())});
  }
  return out;
}

v1::Market ToProto(const Market& m) {
  v1::Market out;
  out.set_instance_type(m.instance_type);
  out.set_availability_zone(m.availability_zone);
  out.set_product(m.product);
  return out;
}

Market FromProto(const v1::Market& m) {
  Market out{.instance_type = m.instance_type(),
             .availability_zone = m.availability_zone()};
  // The proto documents an empty product as the default one.
  if (!m.product().empty()) out.product = m.product();
  return out;
}

v1::PriceStats ToProto(const PriceStats& s) {
  v1::PriceStats out;
  out.set_min_usd(s.min_usd);
  out.set_mean_usd(s.mean_usd);
  out.set_max_usd(s.max_usd);
  out.set_current_usd(s.current_usd);
  out.set_points(s.points);
  if (auto ts = TimeToProto(s.last_change)) *out.mutable_last_change() = *ts;
  if (auto ts = TimeToProto(s.as_of)) *out.mutable_as_of() = *ts;
  return out;
}

PriceStats FromProto(const v1::PriceStats& s) {
  return {.min_usd = s.min_usd(),
          .mean_usd = s.mean_usd(),
          .max_usd = s.max_usd(),
          .current_usd = s.current_usd(),
          .points = s.points(),
          .last_change = TimeFromProto(s.last_change(), s.has_last_change()),
          .as_of = TimeFromProto(s.as_of(), s.has_as_of())};
}

v1::MarketView ToProto(const MarketView& v) {
  v1::MarketView out;
  *out.mutable_market() = ToProto(v.market);
  *out.mutable_stats() = ToProto(v.stats);
  out.set_on_demand_usd_per_hour(v.on_demand_usd_per_hour);
  for (const PricePoint& p : v.price_history) {
    v1::PricePoint* point = out.add_price_history();
    if (auto ts = TimeToProto(p.time)) *point->mutable_time() = *ts;
    point->set_usd_per_hour(p.usd_per_hour);
  }
  return out;
}

MarketView FromProto(const v1::MarketView& v) {
  MarketView out{.market = FromProto(v.market()),
                 .stats = FromProto(v.stats()),
                 .on_demand_usd_per_hour = v.on_demand_usd_per_hour(),
                 .price_history = {}};
  out.price_history.reserve(v.price_history_size());
  for (const v1::PricePoint& p : v.price_history()) {
    out.price_history.push_back({.time = TimeFromProto(p.time(), p.has_time()),
                                 .usd_per_hour = p.usd_per_hour()});
  }
  return out;
}

v1::Instance ToProto(const Instance& i) {
  v1::Instance out;
  out.set_id(i.id);
  out.set_instance_type(i.instance_type);
  out.set_availability_zone(i.availability_zone);
  out.set_lifecycle(ToProto(i.lifecycle));
  out.set_state(ToProto(i.state));
  if (auto ts = TimeToProto(i.launch_time)) *out.mutable_launch_time() = *ts;
  out.set_max_price_usd_per_hour(i.max_price_usd_per_hour);
  out.set_spot_request_id(i.spot_request_id);
  out.set_interruption_notice(i.interruption_notice);
  if (auto ts = TimeToProto(i.interruption_time)) {
    *out.mutable_interruption_time() = *ts;
  }
  return out;
}

absl::StatusOr<Instance> FromProto(const v1::Instance& i) {
  SPOTBURST_ASSIGN_OR_RETURN(Lifecycle lifecycle,
                             LifecycleFromProto(i.lifecycle(), "lifecycle"));
  SPOTBURST_ASSIGN_OR_RETURN(InstanceState state,
                             InstanceStateFromProto(i.state(), "state"));
  return Instance{
      .id = i.id(),
      .instance_type = i.instance_type(),
      .availability_zone = i.availability_zone(),
      .lifecycle = lifecycle,
      .state = state,
      .launch_time = TimeFromProto(i.launch_time(), i.has_launch_time()),
      .max_price_usd_per_hour = i.max_price_usd_per_hour(),
      .spot_request_id = i.spot_request_id(),
      .interruption_notice = i.interruption_notice(),
      .interruption_time =
          TimeFromProto(i.interruption_time(), i.has_interruption_time())};
}

v1::SpotRequest ToProto(const SpotRequest& r) {
  v1::SpotRequest out;
  out.set_id(r.id);
  out.set_state(ToProto(r.state));
  out.set_status_code(r.status_code);
  if (auto ts = TimeToProto(r.create_time)) *out.mutable_create_time() = *ts;
  out.set_bid_usd_per_hour(r.bid_usd_per_hour);
  out.set_instance_type(r.instance_type);
  out.set_availability_zone(r.availability_zone);
  out.set_instance_id(r.instance_id);
  out.set_client_token(r.client_token);
  out.set_replaces_instance_id(r.replaces_instance_id);
  return out;
}

absl::StatusOr<SpotRequest> FromProto(const v1::SpotRequest& r) {
  SPOTBURST_ASSIGN_OR_RETURN(SpotRequestState state,
                             SpotRequestStateFromProto(r.state(), "state"));
  return SpotRequest{
      .id = r.id(),
      .state = state,
      .status_code = r.status_code(),
      .create_time = TimeFromProto(r.create_time(), r.has_create_time()),
      .bid_usd_per_hour = r.bid_usd_per_hour(),
      .instance_type = r.instance_type(),
      .availability_zone = r.availability_zone(),
      .instance_id = r.instance_id(),
      .client_token = r.client_token(),
      .replaces_instance_id = r.replaces_instance_id()};
}

v1::Fleet ToProto(const Fleet& f) {
  v1::Fleet out;
  for (const Instance& i : f.instances) *out.add_instances() = ToProto(i);
  for (const SpotRequest& r : f.requests) *out.add_requests() = ToProto(r);
  return out;
}

absl::StatusOr<Fleet> FromProto(const v1::Fleet& f) {
  Fleet out;
  out.instances.reserve(f.instances_size());
  for (int i = 0; i < f.instances_size(); ++i) {
    absl::StatusOr<Instance> instance = FromProto(f.instances(i));
    if (!instance.ok()) {
      return Prefixed(instance.status(), absl::StrCat("instances[", i, "]."));
    }
    out.instances.push_back(*std::move(instance));
  }
  out.requests.reserve(f.requests_size());
  for (int i = 0; i < f.requests_size(); ++i) {
    absl::StatusOr<SpotRequest> request = FromProto(f.requests(i));
    if (!request.ok()) {
      return Prefixed(request.status(), absl::StrCat("requests[", i, "]."));
    }
    out.requests.push_back(*std::move(request));
  }
  return out;
}

v1::LaunchFailure ToProto(const LaunchFailure& f) {
  v1::LaunchFailure out;
  *out.mutable_market() = ToProto(f.market);
  out.set_lifecycle(ToProto(f.lifecycle));
  out.set_cause(ToProto(f.cause));
  if (auto ts = TimeToProto(f.time)) *out.mutable_time() = *ts;
  out.set_code(f.code);
  return out;
}

absl::StatusOr<LaunchFailure> FromProto(const v1::LaunchFailure& f) {
  SPOTBURST_ASSIGN_OR_RETURN(Lifecycle lifecycle,
                             LifecycleFromProto(f.lifecycle(), "lifecycle"));
  SPOTBURST_ASSIGN_OR_RETURN(FailureCause cause,
                             FailureCauseFromProto(f.cause(), "cause"));
  return LaunchFailure{.market = FromProto(f.market()),
                       .lifecycle = lifecycle,
                       .cause = cause,
                       .time = TimeFromProto(f.time(), f.has_time()),
                       .code = f.code()};
}

v1::LaunchBackoff ToProto(const LaunchBackoff& b) {
  v1::LaunchBackoff out;
  *out.mutable_market() = ToProto(b.market);
  out.set_lifecycle(ToProto(b.lifecycle));
  out.set_cause(ToProto(b.cause));
  out.set_failures(b.failures);
  if (auto ts = TimeToProto(b.last_failure)) *out.mutable_last_failure() = *ts;
  if (auto ts = TimeToProto(b.until)) *out.mutable_until() = *ts;
  out.set_code(b.code);
  return out;
}

absl::StatusOr<LaunchBackoff> FromProto(const v1::LaunchBackoff& b) {
  SPOTBURST_ASSIGN_OR_RETURN(Lifecycle lifecycle,
                             LifecycleFromProto(b.lifecycle(), "lifecycle"));
  SPOTBURST_ASSIGN_OR_RETURN(FailureCause cause,
                             FailureCauseFromProto(b.cause(), "cause"));
  return LaunchBackoff{
      .market = FromProto(b.market()),
      .lifecycle = lifecycle,
      .cause = cause,
      .failures = b.failures(),
      .last_failure = TimeFromProto(b.last_failure(), b.has_last_failure()),
      .until = TimeFromProto(b.until(), b.has_until()),
      .code = b.code()};
}

namespace {

void LagToProto(const LagEstimate& lag, v1::LagEstimate& out) {
  out.set_mean_s(absl::ToDoubleSeconds(lag.mean));
  out.set_samples(lag.samples);
  if (auto ts = TimeToProto(lag.learned_until))
    *out.mutable_learned_until() = *ts;
}

LagEstimate LagFromProto(const v1::LagEstimate& lag) {
  return {.mean = absl::Seconds(lag.mean_s()),
          .samples = lag.samples(),
          .learned_until =
              TimeFromProto(lag.learned_until(), lag.has_learned_until())};
}

}  // namespace

v1::EngineState ToProto(const EngineState& s) {
  v1::EngineState out;
  if (auto ts = TimeToProto(s.last_scale_up))
    *out.mutable_last_scale_up() = *ts;
  if (auto ts = TimeToProto(s.last_scale_down)) {
    *out.mutable_last_scale_down() = *ts;
  }
  if (auto ts = TimeToProto(s.scale_in_wanted_since)) {
    *out.mutable_scale_in_wanted_since() = *ts;
  }
  out.set_supply_mode(ToProto(s.supply_mode));
  if (auto ts = TimeToProto(s.supply_mode_since)) {
    *out.mutable_supply_mode_since() = *ts;
  }
  out.set_fallback_reason(s.fallback_reason);
  out.set_fallback_for_capacity(s.fallback_for_capacity);
  if (auto ts = TimeToProto(s.spot_healthy_since)) {
    *out.mutable_spot_healthy_since() = *ts;
  }
  for (const LaunchBackoff& b : s.backoffs) *out.add_backoffs() = ToProto(b);
  for (const AgentDrain& d : s.drains) {
    v1::AgentDrain& drain = *out.add_drains();
    drain.set_instance_id(d.instance_id);
    if (auto ts = TimeToProto(d.started)) *drain.mutable_started() = *ts;
    drain.set_for_interruption(d.for_interruption);
  }
  // Left out when never learned: a state without the forecast reads as
  // before.
  if (s.fulfilment_lag != LagEstimate{}) {
    LagToProto(s.fulfilment_lag, *out.mutable_fulfilment_lag());
  }
  if (s.boot_lag != LagEstimate{}) {
    LagToProto(s.boot_lag, *out.mutable_boot_lag());
  }
  for (const DemandSample& d : s.demand_history) {
    v1::DemandSample& sample = *out.add_demand_history();
    if (auto ts = TimeToProto(d.time)) *sample.mutable_time() = *ts;
    *sample.mutable_demand() = ToProto(d.demand);
  }
  for (const MarketInterruption& i : s.interruptions) {
    v1::MarketInterruption& interruption = *out.add_interruptions();
    *interruption.mutable_market() = ToProto(i.market);
    interruption.set_instance_id(i.instance_id);
    if (auto ts = TimeToProto(i.noticed)) *interruption.mutable_noticed() = *ts;
  }
  for (const MarketExposure& e : s.exposures) {
    v1::MarketExposure& exposure = *out.add_exposures();
    *exposure.mutable_market() = ToProto(e.market);
    exposure.set_spot_hours(e.spot_hours);
    exposure.set_notices(e.notices);
  }
  if (auto ts = TimeToProto(s.exposures_as_of)) {
    *out.mutable_exposures_as_of() = *ts;
  }
  for (const std::string& id : s.replaced_notices) {
    out.add_replaced_notices(id);
  }
  return out;
}

absl::StatusOr<EngineState> FromProto(const v1::EngineState& s) {
  // An empty state is a fresh start, which is on spot.
  SPOTBURST_ASSIGN_OR_RETURN(
      SupplyMode supply_mode,
      SupplyModeFromProto(s.supply_mode(), "supply_mode", SupplyMode::kSpot));
  const absl::Time never = absl::InfiniteFuture();
  std::vector<LaunchBackoff> backoffs;
  backoffs.reserve(s.backoffs_size());
  for (int i = 0; i < s.backoffs_size(); ++i) {
    absl::StatusOr<LaunchBackoff> backoff = FromProto(s.backoffs(i));
    if (!backoff.ok()) {
      return Prefixed(backoff.status(), absl::StrCat("backoffs[", i, "]."));
    }
    backoffs.push_back(*std::move(backoff));
  }
  std::vector<AgentDrain> drains;
  drains.reserve(s.drains_size());
  for (const v1::AgentDrain& d : s.drains()) {
    drains.push_back({.instance_id = d.instance_id(),
                      .started = TimeFromProto(d.started(), d.has_started()),
                      .for_interruption = d.for_interruption()});
  }
  std::vector<DemandSample> demand_history;
  demand_history.reserve(s.demand_history_size());
  for (const v1::DemandSample& d : s.demand_history()) {
    demand_history.push_back({.time = TimeFromProto(d.time(), d.has_time()),
                              .demand = FromProto(d.demand())});
  }
  std::vector<MarketInterruption> interruptions;
  interruptions.reserve(s.interruptions_size());
  for (const v1::MarketInterruption& i : s.interruptions()) {
    interruptions.push_back(
        {.market = FromProto(i.market()),
         .instance_id = i.instance_id(),
         .noticed = TimeFromProto(i.noticed(), i.has_noticed())});
  }
  std::vector<MarketExposure> exposures;
  exposures.reserve(s.exposures_size());
  for (const v1::MarketExposure& e : s.exposures()) {
    exposures.push_back({.market = FromProto(e.market()),
                         .spot_hours = e.spot_hours(),
                         .notices = e.notices()});
  }
  return EngineState{
      .last_scale_up = TimeFromProto(s.last_scale_up(), s.has_last_scale_up()),
      .last_scale_down =
          TimeFromProto(s.last_scale_down(), s.has_last_scale_down()),
      .scale_in_wanted_since = TimeFromProto(
          s.scale_in_wanted_since(), s.has_scale_in_wanted_since(), never),
      .supply_mode = supply_mode,
      .supply_mode_since =
          TimeFromProto(s.supply_mode_since(), s.has_supply_mode_since()),
      .fallback_reason = s.fallback_reason(),
      .fallback_for_capacity = s.fallback_for_capacity(),
      .spot_healthy_since = TimeFromProto(s.spot_healthy_since(),
                                          s.has_spot_healthy_since(), never),
      .backoffs = std::move(backoffs),
      .drains = std::move(drains),
      .fulfilment_lag = LagFromProto(s.fulfilment_lag()),
      .boot_lag = LagFromProto(s.boot_lag()),
      .demand_history = std::move(demand_history),
      .interruptions = std::move(interruptions),
      .exposures = std::move(exposures),
      .exposures_as_of =
          TimeFromProto(s.exposures_as_of(), s.has_exposures_as_of()),
      .replaced_notices = {s.replaced_notices().begin(),
                           s.replaced_notices().end()}};
}

v1::EvaluationState ToProto(const EvaluationInput& input, absl::Time now) {
  v1::EvaluationState out;
  if (auto ts = TimeToProto(now)) *out.mutable_now() = *ts;
  *out.mutable_cluster() = ToProto(input.cluster);
  for (const MarketView& v : input.markets) *out.add_markets() = ToProto(v);
  *out.mutable_fleet() = ToProto(input.fleet);
  *out.mutable_engine() = ToProto(input.state);
  for (const LaunchFailure& f : input.launch_failures) {
    *out.add_launch_failures() = ToProto(f);
  }
  return out;
}

absl::StatusOr<StateWithTime> FromProto(const v1::EvaluationState& s) {
  if (!s.has_now()) return absl::InvalidArgumentError("now: required");
  StateWithTime out;
  out.now = TimeFromProto(s.now(), true);
  absl::StatusOr<ClusterState> cluster = FromProto(s.cluster());
  if (!cluster.ok()) return Prefixed(cluster.status(), "cluster.");
  out.input.cluster = *std::move(cluster);
  out.input.markets.reserve(s.markets_size());
  for (const v1::MarketView& v : s.markets()) {
    out.input.markets.push_back(FromProto(v));
  }
  absl::StatusOr<Fleet> fleet = FromProto(s.fleet());
  if (!fleet.ok()) return Prefixed(fleet.status(), "fleet.");
  out.input.fleet = *std::move(fleet);
  absl::StatusOr<EngineState> engine = FromProto(s.engine());
  if (!engine.ok()) return Prefixed(engine.status(), "engine.");
  out.input.state = *std::move(engine);
  out.input.launch_failures.reserve(s.launch_failures_size());
  for (int i = 0; i < s.launch_failures_size(); ++i) {
    absl::StatusOr<LaunchFailure> failure = FromProto(s.launch_failures(i));
    if (!failure.ok()) {
      return Prefixed(failure.status(),
                      absl::StrCat("launch_failures[", i, "]."));
    }
    out.input.launch_failures.push_back(*std::move(failure));
  }
  return out;
}

}  // namespace spotburst::internal
