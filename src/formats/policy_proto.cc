// Policy <-> spotburst.v1.Policy. Defaults live in one place, the C++
// structs' initialisers: PolicyFromProto starts from a default Policy and
// overrides only what the proto sets, so a file, an API call and code that
// leave a key out all get the same value. CheckPolicyRanges walks a proto
// by reflection, so every number in the schema is held to its range option
// without a list of fields to keep up to date.
#include "spotburst/internal/policy_proto.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "google/protobuf/struct.pb.h"
#include "spotburst/internal/yaml_proto.h"
#include "spotburst/status_macros.h"

namespace spotburst::internal {
namespace {

using ::google::protobuf::FieldDescriptor;
using ::google::protobuf::Message;
using ::google::protobuf::Reflection;

constexpr char kHourly[] = "hourly";
constexpr char kPerSecond[] = "per-second";

Resources ResourcesFromProto(const v1::Resources& proto) {
  Resources resources;
  if (proto.has_cpus()) resources.cpus = proto.cpus();
  if (proto.has_mem_mib()) resources.mem_mib = proto.mem_mib();
  if (proto.has_disk_mib()) resources.disk_mib = proto.disk_mib();
  if (proto.has_gpus()) resources.gpus = proto.gpus();
  return resources;
}

void ResourcesToProto(const Resources& resources, v1::Resources& proto) {
  proto.set_cpus(resources.cpus);
  proto.set_mem_mib(resources.mem_mib);
  proto.set_disk_mib(resources.disk_mib);
  proto.set_gpus(resources.gpus);
}

absl::StatusOr<std::map<std::string, double>> ParamsFromProto(
    const google::protobuf::Struct& proto, std::string_view path) {
  std::map<std::string, double> params;
  for (const auto& [name, value] : proto.fields()) {
    if (value.kind_case() != google::protobuf::Value::kNumberValue) {
      return absl::InvalidArgumentError(
          absl::StrCat(absl::string_view(path.data(), path.size()), ".", name,
                       ": expected a number (params hold numbers only)"));
    }
    params[name] = value.number_value();
  }
  return params;
}

void ParamsToProto(const std::map<std::string, double>& params,
                   google::protobuf::Struct& proto) {
  for (const auto& [name, value] : params) {
    (*proto.mutable_fields())[name].set_number_value(value);
  }
}

absl::StatusOr<BillingModel> BillingModelFromName(std::string_view name) {
  if (name.empty() || name == kHourly) return BillingModel::kHourly;
  if (name == kPerSecond) return BillingModel::kPerSecond;
  return absl::InvalidArgumentError(
      absl::StrCat("billing.model: unknown billing model \"",
                   absl::string_view(name.data(), name.size()),
                   "\" (allowed: ", kHourly, ", ", kPerSecond, ")"));
}

absl::StatusOr<ForecastMode> ForecastModeFromName(std::string_view name) {
  for (ForecastMode mode :
       {ForecastMode::kOff, ForecastMode::kAct, ForecastMode::kRecord}) {
    if (name == ForecastModeName(mode)) return mode;
  }
  if (name.empty()) return ForecastMode::kOff;
  // The value is the user's: bounded, so a pasted file never fills a log.
  return absl::InvalidArgumentError(absl::StrCat(
      "scaling.forecast.mode: unknown mode \"",
      absl::string_view(name.data(), std::min<size_t>(name.size(), 40)),
      name.size() > 40 ? "..." : "", "\" (allowed: off, act, record)"));
}

absl::StatusOr<BridgeMode> BridgeModeFromName(std::string_view name) {
  for (BridgeMode mode :
       {BridgeMode::kOff, BridgeMode::kAll, BridgeMode::kShortfall}) {
    if (name == BridgeModeName(mode)) return mode;
  }
  if (name.empty()) return BridgeMode::kOff;
  return absl::InvalidArgumentError(absl::StrCat(
      "scaling.bridge: unknown mode \"",
      absl::string_view(name.data(), std::min<size_t>(name.size(), 40)),
      name.size() > 40 ? "..." : "", "\" (allowed: off, all, shortfall)"));
}

absl::StatusOr<ForecastPolicy> ForecastFromProto(
    const v1::ScalingForecast& proto) {
  ForecastPolicy f;
  SPOTBURST_ASSIGN_OR_RETURN(f.mode, ForecastModeFromName(proto.mode()));
  if (proto.has_headroom()) f.headroom = proto.headroom();
  if (proto.has_trend_window_s()) {
    f.trend_window = absl::Seconds(proto.trend_window_s());
  }
  if (proto.has_initial_lag_s()) {
    f.initial_lag = absl::Seconds(proto.initial_lag_s());
  }
  if (proto.has_max_horizon_s()) {
    f.max_horizon = absl::Seconds(proto.max_horizon_s());
  }
  return f;
}

LaunchSpec LaunchSpecFromProto(const v1::LaunchSpec& proto) {
  LaunchSpec spec;
  spec.image_id = proto.image_id();
  spec.key_name = proto.key_name();
  spec.security_group_ids.assign(proto.security_group_ids().begin(),
                                 proto.security_group_ids().end());
  spec.subnet_id = proto.subnet_id();
  spec.iam_instance_profile = proto.iam_instance_profile();
  spec.user_data_file = proto.user_data_file();
  spec.tags.insert(proto.tags().begin(), proto.tags().end());
  return spec;
}

void LaunchSpecToProto(const LaunchSpec& spec, v1::LaunchSpec& proto) {
  proto.set_image_id(spec.image_id);
  proto.set_key_name(spec.key_name);
  for (const std::string& id : spec.security_group_ids) {
    proto.add_security_group_ids(id);
  }
  proto.set_subnet_id(spec.subnet_id);
  proto.set_iam_instance_profile(spec.iam_instance_profile);
  proto.set_user_data_file(spec.user_data_file);
  for (const auto& [key, value] : spec.tags)
    (*proto.mutable_tags())[key] = value;
}

// Debian's abseil has its own string_view, which StrCat needs.
absl::string_view Sv(std::string_view text) {
  return absl::string_view(text.data(), text.size());
}

std::string JoinPath(const std::string& path, const std::string& key) {
  return path.empty() ? key : absl::StrCat(path, ".", key);
}

absl::Status Error(std::string_view source, const std::string& path,
                   std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat(Sv(source), ": ", path, ": ", Sv(what)));
}

std::string FormatNumber(double value) {
  return absl::StrFormat("%.15g", value);
}

// Range and finiteness of one numeric value found in a message.
absl::Status CheckNumber(std::string_view source, const std::string& path,
                         const FieldDescriptor& field, double value) {
  if (!std::isfinite(value)) {
    return Error(source, path,
                 absl::StrCat(FormatNumber(value), " is not a finite number"));
  }
  std::string violation = RangeViolation(field, value, FormatNumber(value));
  if (violation.empty()) return absl::OkStatus();
  return Error(source, path, violation);
}

double NumberAt(const Message& message, const FieldDescriptor& field,
                int index) {
  const Reflection& r = *message.GetReflection();
  const bool rep = field.is_repeated();
  switch (field.cpp_type()) {
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return rep ? r.GetRepeatedDouble(message, &field, index)
                 : r.GetDouble(message, &field);
    case FieldDescriptor::CPPTYPE_FLOAT:
      return rep ? r.GetRepeatedFloat(message, &field, index)
                 : r.GetFloat(message, &field);
    case FieldDescriptor::CPPTYPE_INT32:
      return rep ? r.GetRepeatedInt32(message, &field, index)
                 : r.GetInt32(message, &field);
    case FieldDescriptor::CPPTYPE_INT64:
      return static_cast<double>(
          rep ? r.GetRepeatedInt64(message, &field, index)
              : r.GetInt64(message, &field));
    case FieldDescriptor::CPPTYPE_UINT32:
      return rep ? r.GetRepeatedUInt32(message, &field, index)
                 : r.GetUInt32(message, &field);
    case FieldDescriptor::CPPTYPE_UINT64:
      return static_cast<double>(
          rep ? r.GetRepeatedUInt64(message, &field, index)
              : r.GetUInt64(message, &field));
    default:
      return 0;
  }
}

absl::Status CheckRanges(const Message& message, std::string_view source,
                         const std::string& path) {
  const Reflection& r = *message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r.ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    std::string field_path = JoinPath(path, field->name());
    const int count = field->is_repeated() ? r.FieldSize(message, field) : 1;
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (field->message_type()->full_name() == "google.protobuf.Struct") {
        google::protobuf::Struct params;
        params.ParseFromString(
            r.GetMessage(message, field).SerializeAsString());
        for (const auto& [name, value] : params.fields()) {
          std::string item_path = JoinPath(field_path, name);
          if (value.kind_case() != google::protobuf::Value::kNumberValue) {
            return Error(source, item_path,
                         "expected a number (params hold numbers only)");
          }
          SPOTBURST_RETURN_IF_ERROR(
              CheckNumber(source, item_path, *field, value.number_value()));
        }
        continue;
      }
      for (int i = 0; i < count; ++i) {
        const Message& child = field->is_repeated()
                                   ? r.GetRepeatedMessage(message, field, i)
                                   : r.GetMessage(message, field);
        SPOTBURST_RETURN_IF_ERROR(CheckRanges(
            child, source,
            field->is_repeated() ? absl::StrCat(field_path, "[", i, "]")
                                 : field_path));
      }
      continue;
    }
    for (int i = 0; i < count; ++i) {
      SPOTBURST_RETURN_IF_ERROR(CheckNumber(source, field_path, *field,
                                            NumberAt(message, *field, i)));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckPolicyRanges(const v1::Policy& proto,
                               std::string_view source) {
  return CheckRanges(proto, source, "");
}

absl::StatusOr<Policy> PolicyFromProto(const v1::Policy& proto) {
  Policy policy;
  policy.name = proto.name();
  if (proto.has_evaluation_interval_s()) {
    policy.evaluation_interval = absl::Seconds(proto.evaluation_interval_s());
  }
  if (proto.has_notice_poll_interval_s()) {
    policy.notice_poll_interval = absl::Seconds(proto.notice_poll_interval_s());
  }
  policy.baseline = ResourcesFromProto(proto.baseline());

  const v1::InstanceSpec& instance = proto.instance();
  policy.instance.type = instance.type();
  policy.instance.shape = ResourcesFromProto(instance.shape());
  if (instance.has_on_demand_usd_per_hour()) {
    policy.instance.on_demand_usd_per_hour = instance.on_demand_usd_per_hour();
  }
  policy.instance.region = instance.region();
  policy.instance.availability_zone = instance.availability_zone();
  if (!instance.product().empty()) policy.instance.product = instance.product();
  policy.instance.launch_spec = LaunchSpecFromProto(instance.launch_spec());
  if (instance.has_min_markets()) {
    policy.instance.min_markets = instance.min_markets();
  }
  if (instance.has_avoid_interruptions()) {
    const v1::InterruptionAvoidance& avoid = instance.avoid_interruptions();
    InterruptionAvoidance& a = policy.instance.avoid_interruptions;
    if (avoid.has_window_s()) a.window = absl::Seconds(avoid.window_s());
    if (avoid.has_price_tolerance())
      a.price_tolerance = avoid.price_tolerance();
    if (avoid.has_cost_hours()) a.cost_hours = avoid.cost_hours();
    if (avoid.has_prior_hours()) a.prior_hours = avoid.prior_hours();
  }
  for (int i = 0; i < instance.alternatives_size(); ++i) {
    const v1::InstanceAlternative& alt = instance.alternatives(i);
    // 0 is "unset" in the C++ form: a 0 given must not read as unset.
    if (alt.has_weight() && !(alt.weight() >= 1)) {
      return absl::InvalidArgumentError(absl::StrFormat(
          "instance.alternatives[%d].weight: %g must be a whole number >= 1 "
          "(units of instance.shape per instance)",
          i, alt.weight()));
    }
    InstanceAlternative& a = policy.instance.alternatives.emplace_back();
    a.type = alt.type();
    a.shape = ResourcesFromProto(alt.shape());
    a.on_demand_usd_per_hour = alt.on_demand_usd_per_hour();
    if (alt.has_weight()) a.weight = alt.weight();
  }

  const v1::ScalingPolicy& scaling = proto.scaling();
  ScalingPolicy& s = policy.scaling;
  if (!scaling.strategy().empty()) s.strategy = scaling.strategy();
  if (scaling.has_burst_point()) s.burst_point = scaling.burst_point();
  if (scaling.has_min_instances()) s.min_instances = scaling.min_instances();
  if (scaling.has_max_instances()) s.max_instances = scaling.max_instances();
  if (scaling.has_scale_up_cooldown_s()) {
    s.scale_up_cooldown = absl::Seconds(scaling.scale_up_cooldown_s());
  }
  if (scaling.has_scale_down_cooldown_s()) {
    s.scale_down_cooldown = absl::Seconds(scaling.scale_down_cooldown_s());
  }
  if (scaling.has_stabilization_window_s()) {
    s.stabilization_window = absl::Seconds(scaling.stabilization_window_s());
  }
  if (scaling.has_min_instance_lifetime_s()) {
    s.min_instance_lifetime = absl::Seconds(scaling.min_instance_lifetime_s());
  }
  SPOTBURST_ASSIGN_OR_RETURN(
      s.params, ParamsFromProto(scaling.params(), "scaling.params"));
  SPOTBURST_ASSIGN_OR_RETURN(s.forecast, ForecastFromProto(scaling.forecast()));
  SPOTBURST_ASSIGN_OR_RETURN(s.bridge, BridgeModeFromName(scaling.bridge()));

  const v1::BiddingPolicy& bidding = proto.bidding();
  BiddingPolicy& b = policy.bidding;
  if (!bidding.strategy().empty()) b.strategy = bidding.strategy();
  if (bidding.has_max_bid_usd_per_hour()) {
    b.max_bid_usd_per_hour = bidding.max_bid_usd_per_hour();
  }
  if (bidding.has_padding_usd()) b.padding_usd = bidding.padding_usd();
  if (bidding.has_high_multiple()) b.high_multiple = bidding.high_multiple();
  if (bidding.has_floor_at_current()) {
    b.floor_at_current = bidding.floor_at_current();
  }
  if (bidding.has_price_window_s()) {
    b.price_window = absl::Seconds(bidding.price_window_s());
  }
  if (bidding.has_max_price_age_s()) {
    b.max_price_age = absl::Seconds(bidding.max_price_age_s());
  }
  SPOTBURST_ASSIGN_OR_RETURN(
      b.params, ParamsFromProto(bidding.params(), "bidding.params"));

  if (proto.requests().has_timeout_s()) {
    policy.requests.timeout = absl::Seconds(proto.requests().timeout_s());
  }
  if (proto.requests().has_launch_backoff_s()) {
    policy.requests.launch_backoff =
        absl::Seconds(proto.requests().launch_backoff_s());
  }
  if (proto.requests().has_launch_backoff_max_s()) {
    policy.requests.launch_backoff_max =
        absl::Seconds(proto.requests().launch_backoff_max_s());
  }

  const v1::BillingPolicy& billing = proto.billing();
  SPOTBURST_ASSIGN_OR_RETURN(policy.billing.model,
                             BillingModelFromName(billing.model()));
  if (billing.has_partial_hour_limit_min()) {
    policy.billing.partial_hour_limit =
        absl::Minutes(billing.partial_hour_limit_min());
  }
  if (billing.has_drain_time_s()) {
    policy.billing.drain_time = absl::Seconds(billing.drain_time_s());
  }
  if (billing.has_minimum_billed_s()) {
    policy.billing.minimum_billed = absl::Seconds(billing.minimum_billed_s());
  }

  const v1::FallbackPolicy& fallback = proto.fallback();
  FallbackPolicy& f = policy.fallback;
  if (fallback.has_enabled()) f.enabled = fallback.enabled();
  if (fallback.has_retry_spot_after_s()) {
    f.retry_spot_after = absl::Seconds(fallback.retry_spot_after_s());
  }
  if (fallback.has_revert_after_s()) {
    f.revert_after = absl::Seconds(fallback.revert_after_s());
  }
  if (fallback.has_on_demand_only())
    f.on_demand_only = fallback.on_demand_only();
  if (fallback.has_replacement_lead_time_s()) {
    f.replacement_lead_time = absl::Seconds(fallback.replacement_lead_time_s());
  }

  if (proto.cost().has_max_fleet_usd_per_hour()) {
    policy.cost.max_fleet_usd_per_hour = proto.cost().max_fleet_usd_per_hour();
  }
  return policy;
}

v1::Policy PolicyToProto(const Policy& policy) {
  v1::Policy proto;
  proto.set_name(policy.name);
  proto.set_evaluation_interval_s(
      absl::ToDoubleSeconds(policy.evaluation_interval));
  if (policy.notice_poll_interval != absl::ZeroDuration()) {
    proto.set_notice_poll_interval_s(
        absl::ToDoubleSeconds(policy.notice_poll_interval));
  }
  ResourcesToProto(policy.baseline, *proto.mutable_baseline());

  v1::InstanceSpec& instance = *proto.mutable_instance();
  instance.set_type(policy.instance.type);
  ResourcesToProto(policy.instance.shape, *instance.mutable_shape());
  instance.set_on_demand_usd_per_hour(policy.instance.on_demand_usd_per_hour);
  instance.set_region(policy.instance.region);
  instance.set_availability_zone(policy.instance.availability_zone);
  instance.set_product(policy.instance.product);
  LaunchSpecToProto(policy.instance.launch_spec,
                    *instance.mutable_launch_spec());
  instance.set_min_markets(policy.instance.min_markets);
  // Left out when off, so policies without it read back as before.
  if (policy.instance.avoid_interruptions != InterruptionAvoidance{}) {
    const InterruptionAvoidance& a = policy.instance.avoid_interruptions;
    v1::InterruptionAvoidance& avoid = *instance.mutable_avoid_interruptions();
    if (a.window > absl::ZeroDuration()) {
      avoid.set_window_s(absl::ToDoubleSeconds(a.window));
    }
    avoid.set_price_tolerance(a.price_tolerance);
    if (!(a.cost_hours == 0)) avoid.set_cost_hours(a.cost_hours);
    avoid.set_prior_hours(a.prior_hours);
  }
  for (const InstanceAlternative& a : policy.instance.alternatives) {
    v1::InstanceAlternative& alt = *instance.add_alternatives();
    alt.set_type(a.type);
    ResourcesToProto(a.shape, *alt.mutable_shape());
    alt.set_on_demand_usd_per_hour(a.on_demand_usd_per_hour);
    // Left out when derived from the shape: it reads back the same.
    if (a.weight != 0) alt.set_weight(a.weight);
  }

  const ScalingPolicy& s = policy.scaling;
  v1::ScalingPolicy& scaling = *proto.mutable_scaling();
  scaling.set_strategy(s.strategy);
  scaling.set_burst_point(s.burst_point);
  scaling.set_min_instances(s.min_instances);
  scaling.set_max_instances(s.max_instances);
  scaling.set_scale_up_cooldown_s(absl::ToDoubleSeconds(s.scale_up_cooldown));
  scaling.set_scale_down_cooldown_s(
      absl::ToDoubleSeconds(s.scale_down_cooldown));
  scaling.set_stabilization_window_s(
      absl::ToDoubleSeconds(s.stabilization_window));
  scaling.set_min_instance_lifetime_s(
      absl::ToDoubleSeconds(s.min_instance_lifetime));
  ParamsToProto(s.params, *scaling.mutable_params());
  // Left out when default, so policies without it read back as before.
  if (s.forecast != ForecastPolicy{}) {
    v1::ScalingForecast& forecast = *scaling.mutable_forecast();
    forecast.set_mode(std::string(ForecastModeName(s.forecast.mode)));
    forecast.set_headroom(s.forecast.headroom);
    forecast.set_trend_window_s(absl::ToDoubleSeconds(s.forecast.trend_window));
    forecast.set_initial_lag_s(absl::ToDoubleSeconds(s.forecast.initial_lag));
    forecast.set_max_horizon_s(absl::ToDoubleSeconds(s.forecast.max_horizon));
  }
  if (s.bridge != BridgeMode::kOff) {
    scaling.set_bridge(std::string(BridgeModeName(s.bridge)));
  }

  const BiddingPolicy& b = policy.bidding;
  v1::BiddingPolicy& bidding = *proto.mutable_bidding();
  bidding.set_strategy(b.strategy);
  bidding.set_max_bid_usd_per_hour(b.max_bid_usd_per_hour);
  bidding.set_padding_usd(b.padding_usd);
  bidding.set_high_multiple(b.high_multiple);
  bidding.set_floor_at_current(b.floor_at_current);
  bidding.set_price_window_s(absl::ToDoubleSeconds(b.price_window));
  bidding.set_max_price_age_s(absl::ToDoubleSeconds(b.max_price_age));
  ParamsToProto(b.params, *bidding.mutable_params());

  proto.mutable_requests()->set_timeout_s(
      absl::ToDoubleSeconds(policy.requests.timeout));
  proto.mutable_requests()->set_launch_backoff_s(
      absl::ToDoubleSeconds(policy.requests.launch_backoff));
  proto.mutable_requests()->set_launch_backoff_max_s(
      absl::ToDoubleSeconds(policy.requests.launch_backoff_max));

  v1::BillingPolicy& billing = *proto.mutable_billing();
  billing.set_model(std::string(BillingModelName(policy.billing.model)));
  billing.set_partial_hour_limit_min(
      absl::ToDoubleMinutes(policy.billing.partial_hour_limit));
  billing.set_drain_time_s(absl::ToDoubleSeconds(policy.billing.drain_time));
  billing.set_minimum_billed_s(
      absl::ToDoubleSeconds(policy.billing.minimum_billed));

  const FallbackPolicy& f = policy.fallback;
  v1::FallbackPolicy& fallback = *proto.mutable_fallback();
  fallback.set_enabled(f.enabled);
  fallback.set_retry_spot_after_s(absl::ToDoubleSeconds(f.retry_spot_after));
  fallback.set_revert_after_s(absl::ToDoubleSeconds(f.revert_after));
  fallback.set_on_demand_only(f.on_demand_only);
  fallback.set_replacement_lead_time_s(
      absl::ToDoubleSeconds(f.replacement_lead_time));

  proto.mutable_cost()->set_max_fleet_usd_per_hour(
      policy.cost.max_fleet_usd_per_hour);
  return proto;
}

}  // namespace spotburst::internal
