// Scenario loading: YAML or JSON text -> spotburst.v1.Scenario (key paths,
// line numbers, types and ranges checked by the policy loader's generic
// walker) -> Scenario (defaults applied, paths resolved against the file's
// directory) -> the rules that span several keys (`market` or a non-empty
// `markets` list, each listed market in a zone of its own). What needs the
// traces themselves (the market is in the trace, the start lies inside it) is
// checked when a run knows its policy (simulation.cc), since the market may
// come from the policy.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "spotburst/internal/file_util.h"
#include "spotburst/internal/state_proto.h"
#include "spotburst/internal/strict_json.h"
#include "spotburst/internal/yaml_proto.h"
#include "spotburst/sim/scenario.h"
#include "spotburst/status_macros.h"
#include "spotburst/v1/scenario.pb.h"
#include "yaml-cpp/yaml.h"

namespace spotburst::sim {
namespace {

// Scenario files are small; a big one is a mistake (a trace given instead).
constexpr size_t kMaxScenarioFileBytes = 1 << 20;

absl::string_view Sv(std::string_view s) { return {s.data(), s.size()}; }

absl::Status Invalid(std::string_view source, std::string_view path,
                     std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat("scenario: ", Sv(source), ": ", Sv(path), ": ", Sv(what)));
}

// Input quoted in an error, cut to a length an error can carry.
std::string Quoted(std::string_view text) {
  constexpr size_t kMaxQuotedBytes = 64;
  return spotburst::internal::Excerpt(text, kMaxQuotedBytes);
}

std::string Resolve(const std::string& path, const std::string& base_dir) {
  if (path.empty() || base_dir.empty()) return path;
  const std::filesystem::path p(path);
  if (p.is_absolute()) return path;
  return (std::filesystem::path(base_dir) / p).lexically_normal().string();
}

Resources ResourcesFromProto(const v1::Resources& proto) {
  return {.cpus = proto.cpus(),
          .mem_mib = proto.mem_mib(),
          .disk_mib = proto.disk_mib(),
          .gpus = proto.gpus()};
}

// Whole seconds: the simulated cloud counts in seconds. absl::Seconds of
// a double saturates where a cast to an integer would overflow.
absl::Duration WholeSeconds(double value) {
  return absl::Trunc(absl::Seconds(value), absl::Seconds(1));
}

// Sets `out` to the seconds in `value` when the field is set.
void SetSeconds(bool has, double value, absl::Duration& out) {
  if (has) out = WholeSeconds(value);
}

absl::Status CheckDelayRange(std::string_view source, std::string_view lo_key,
                             absl::Duration lo, std::string_view hi_key,
                             absl::Duration hi) {
  if (lo > hi) {
    return Invalid(source, lo_key,
                   absl::StrFormat("%g s is more than %s (%g s)",
                                   absl::ToDoubleSeconds(lo), hi_key,
                                   absl::ToDoubleSeconds(hi)));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<CapacityOutage>> OutagesFromProto(
    const google::protobuf::RepeatedPtrField<v1::CapacityOutage>& outages,
    std::string_view source, std::string_view key) {
  std::vector<CapacityOutage> out;
  for (int i = 0; i < outages.size(); ++i) {
    const v1::CapacityOutage& o = outages[i];
    if (!o.has_at_s() || !o.has_for_s()) {
      return Invalid(source, absl::StrCat(Sv(key), "[", i, "]"),
                     "needs both at_s and for_s");
    }
    out.push_back(
        {.at = absl::Seconds(o.at_s()), .length = absl::Seconds(o.for_s())});
  }
  return out;
}

// One market; `key` is its key path ("market", "markets[2]").
absl::StatusOr<MarketScenario> MarketFromProto(const v1::MarketScenario& market,
                                               std::string_view source,
                                               std::string_view key,
                                               const std::string& base_dir) {
  MarketScenario m;
  if (market.price_trace().empty()) {
    return Invalid(source, absl::StrCat(Sv(key), ".price_trace"),
                   "required (a spot price trace CSV, e.g. "
                   "data/spot_us-east-1_2021-03_2021-05_c4.large.csv)");
  }
  m.price_trace = Resolve(market.price_trace(), base_dir);
  m.instance_type = market.instance_type();
  m.availability_zone = market.availability_zone();
  if (market.regime().empty() || market.regime() == "bid-set") {
    m.regime = MarketRegime::kBidSet;
  } else if (market.regime() == "capacity") {
    m.regime = MarketRegime::kCapacity;
  } else {
    return Invalid(source, absl::StrCat(Sv(key), ".regime"),
                   absl::StrFormat("unknown regime \"%s\" (allowed: bid-set, "
                                   "capacity)",
                                   Quoted(market.regime())));
  }
  if (market.has_interruption_rate_per_hour()) {
    m.interruption_rate_per_hour = market.interruption_rate_per_hour();
    if (m.regime == MarketRegime::kBidSet && m.interruption_rate_per_hour > 0) {
      // In the bid-set market the price decides; a rate here would be
      // ignored, so say so instead.
      return Invalid(source,
                     absl::StrCat(Sv(key), ".interruption_rate_per_hour"),
                     "only applies to regime: capacity (in the bid-set "
                     "regime the price passing the bid interrupts)");
    }
  }
  if (market.has_on_demand_usd_per_hour()) {
    m.on_demand_usd_per_hour = market.on_demand_usd_per_hour();
  }
  SPOTBURST_ASSIGN_OR_RETURN(
      m.spot_capacity_outages,
      OutagesFromProto(market.spot_capacity_outages(), source,
                       absl::StrCat(Sv(key), ".spot_capacity_outages")));
  return m;
}

absl::StatusOr<Scenario> FromProto(const v1::Scenario& proto,
                                   std::string_view source,
                                   const std::string& base_dir) {
  Scenario s;
  s.name = proto.name();
  if (proto.start().empty()) {
    return Invalid(source, "start",
                   "required (the simulated start, RFC 3339, e.g. "
                   "2015-06-01T00:00:00Z)");
  }
  std::string error;
  if (!absl::ParseTime(absl::RFC3339_full, proto.start(), &s.start, &error) ||
      !::spotburst::internal::InTimestampRange(s.start)) {
    return Invalid(
        source, "start",
        absl::StrFormat(
            "bad time \"%s\" (want RFC 3339 in years 1 to 9999, e.g. "
            "2015-06-01T00:00:00Z)",
            proto.start()));
  }
  if (!proto.has_duration_s()) {
    return Invalid(source, "duration_s",
                   "required (how long to simulate, seconds)");
  }
  s.duration = WholeSeconds(proto.duration_s());
  if (proto.has_seed()) s.seed = proto.seed();

  if (proto.has_market() && proto.markets_size() > 0) {
    return Invalid(source, "markets",
                   "give either market (one) or markets (a list), not both");
  }
  if (proto.markets_size() == 0) {
    SPOTBURST_ASSIGN_OR_RETURN(
        MarketScenario market,
        MarketFromProto(proto.market(), source, "market", base_dir));
    s.markets.push_back(std::move(market));
  } else {
    s.market_list = true;
    for (int i = 0; i < proto.markets_size(); ++i) {
      const std::string key = absl::StrCat("markets[", i, "]");
      SPOTBURST_ASSIGN_OR_RETURN(
          MarketScenario market,
          MarketFromProto(proto.markets(i), source, key, base_dir));
      if (market.availability_zone.empty()) {
        return Invalid(source, absl::StrCat(key, ".availability_zone"),
                       "required in a list of markets (each is one zone)");
      }
      for (int j = 0; j < i; ++j) {
        const MarketScenario& other = s.markets[j];
        if (other.instance_type == market.instance_type &&
            other.availability_zone == market.availability_zone) {
          return Invalid(
              source, absl::StrCat(key, ".availability_zone"),
              absl::StrFormat("%s%s%s is already markets[%d]",
                              Quoted(market.instance_type),
                              market.instance_type.empty() ? "" : " in ",
                              Quoted(market.availability_zone), j));
        }
      }
      s.markets.push_back(std::move(market));
    }
  }

  const v1::CloudScenario& cloud = proto.cloud();
  CloudScenario& c = s.cloud;
  SetSeconds(cloud.has_request_batch_interval_s(),
             cloud.request_batch_interval_s(), c.request_batch_interval);
  SetSeconds(cloud.has_fulfilment_delay_min_s(), cloud.fulfilment_delay_min_s(),
             c.fulfilment_delay_min);
  SetSeconds(cloud.has_fulfilment_delay_max_s(), cloud.fulfilment_delay_max_s(),
             c.fulfilment_delay_max);
  SetSeconds(cloud.has_boot_min_s(), cloud.boot_min_s(), c.boot_min);
  SetSeconds(cloud.has_boot_max_s(), cloud.boot_max_s(), c.boot_max);
  SetSeconds(cloud.has_interruption_notice_s(), cloud.interruption_notice_s(),
             c.interruption_notice);
  SPOTBURST_ASSIGN_OR_RETURN(
      c.spot_capacity_outages,
      OutagesFromProto(cloud.spot_capacity_outages(), source,
                       "cloud.spot_capacity_outages"));
  SPOTBURST_RETURN_IF_ERROR(CheckDelayRange(
      source, "cloud.fulfilment_delay_min_s", c.fulfilment_delay_min,
      "cloud.fulfilment_delay_max_s", c.fulfilment_delay_max));
  SPOTBURST_RETURN_IF_ERROR(CheckDelayRange(
      source, "cloud.boot_min_s", c.boot_min, "cloud.boot_max_s", c.boot_max));
  const v1::ClusterScenario& cluster = proto.cluster();
  s.cluster.reports_agents = cluster.reports_agents();
  SetSeconds(cluster.has_drain_min_s(), cluster.drain_min_s(),
             s.cluster.drain_min);
  SetSeconds(cluster.has_drain_max_s(), cluster.drain_max_s(),
             s.cluster.drain_max);
  SPOTBURST_RETURN_IF_ERROR(
      CheckDelayRange(source, "cluster.drain_min_s", s.cluster.drain_min,
                      "cluster.drain_max_s", s.cluster.drain_max));
  if (c.request_batch_interval < absl::Seconds(1)) {
    return Invalid(source, "cloud.request_batch_interval_s",
                   "must be at least 1 s");
  }
  if (cloud.billing() == "hourly") {
    c.billing = BillingModel::kHourly;
  } else if (cloud.billing() == "per-second") {
    c.billing = BillingModel::kPerSecond;
  } else if (!cloud.billing().empty()) {
    return Invalid(source, "cloud.billing",
                   absl::StrFormat("unknown billing model \"%s\" (allowed: "
                                   "hourly, per-second)",
                                   cloud.billing()));
  }

  const v1::DemandScenario& demand = proto.demand();
  DemandScenario& d = s.demand;
  d.workload_trace = Resolve(demand.workload_trace(), base_dir);
  if (demand.has_workload_scale()) d.workload_scale = demand.workload_scale();
  d.base = ResourcesFromProto(demand.base());
  if (!d.workload_trace.empty() && demand.phases_size() > 0) {
    return Invalid(source, "demand.phases",
                   "give either demand.workload_trace or demand.phases, not "
                   "both");
  }
  for (int i = 0; i < demand.phases_size(); ++i) {
    const v1::DemandPhase& phase = demand.phases(i);
    const std::string key = absl::StrCat("demand.phases[", i, "]");
    DemandPhase p{.at = WholeSeconds(phase.at_s()),
                  .tasks = phase.tasks(),
                  .per_task = ResourcesFromProto(phase.per_task())};
    if (!d.phases.empty() && p.at < d.phases.back().at) {
      return Invalid(
          source, absl::StrCat(key, ".at_s"),
          absl::StrFormat("%g s is before the previous phase's "
                          "%g s (phases go in time order)",
                          absl::ToDoubleSeconds(p.at),
                          absl::ToDoubleSeconds(d.phases.back().at)));
    }
    d.phases.push_back(p);
  }

  for (const std::string& policy : proto.policies()) {
    s.policies.push_back(Resolve(policy, base_dir));
  }
  if (proto.has_baseline()) s.baseline = ResourcesFromProto(proto.baseline());
  return s;
}

// Whether the document's top-level mapping has `key` (the text parsed
// already, so it is valid YAML).
bool GivesKey(std::string_view text, const char* key) {
  try {
    const YAML::Node root = YAML::Load(std::string(text));
    return root.IsMap() && root[key].IsDefined();
  } catch (const YAML::Exception&) {
    return false;
  }
}

}  // namespace

absl::StatusOr<Scenario> ParseScenario(std::string_view text,
                                       std::string_view source,
                                       const std::string& base_dir) {
  v1::Scenario proto;
  if (absl::Status s =
          spotburst::internal::ParseYamlToProto(text, source, proto);
      !s.ok()) {
    return absl::Status(s.code(), absl::StrCat("scenario: ", s.message()));
  }
  if (proto.markets_size() == 0 &&
      text.find("markets") != std::string_view::npos &&
      GivesKey(text, "markets")) {
    // The proto cannot tell an empty list from none; the text can.
    return Invalid(source, "markets",
                   proto.has_market()
                       ? "give either market (one) or markets (a list), not "
                         "both"
                       : "the list is empty (give at least one market)");
  }
  SPOTBURST_ASSIGN_OR_RETURN(Scenario scenario,
                             FromProto(proto, source, base_dir));
  if (scenario.name.empty()) {
    // The file's stem names an unnamed scenario in reports.
    scenario.name = std::filesystem::path(std::string(source)).stem().string();
  }
  return scenario;
}

absl::StatusOr<Scenario> LoadScenarioFile(const std::string& path) {
  absl::StatusOr<std::string> text = spotburst::internal::ReadFileToString(
      path, "scenario", kMaxScenarioFileBytes);
  if (!text.ok()) return text.status();
  const std::string dir = std::filesystem::path(path).parent_path().string();
  return ParseScenario(*text, path, dir.empty() ? "." : dir);
}

}  // namespace spotburst::sim
