// Policy loading and validation: YAML or JSON text -> v1::Policy (the schema,
// with key paths, line numbers and ranges checked by the generic converter)
// -> Policy (defaults applied) -> the rules that span several keys. The same
// range checks run again on the C++ form, so a Policy built in code or
// received over the API meets the same contract as one read from a file.
#include "spotburst/policy.h"

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "spotburst/internal/file_util.h"
#include "spotburst/internal/policy_proto.h"
#include "spotburst/internal/yaml_proto.h"
#include "spotburst/status_macros.h"
#include "spotburst/v1/policy.pb.h"

namespace spotburst {
namespace {

// Policy files are a few kilobytes; a bigger file is a mistake, and reading
// it whole would let one bad path grow a long-running sidecar's memory.
constexpr std::uintmax_t kMaxPolicyFileBytes = 1 << 20;

// Debian's abseil has its own string_view, which StrCat needs.
absl::string_view Sv(std::string_view text) {
  return absl::string_view(text.data(), text.size());
}

absl::Status Invalid(std::string_view source, std::string_view path,
                     std::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat(Sv(source), ": ", Sv(path), ": ", Sv(what)));
}

std::string Minutes(absl::Duration d) {
  return absl::StrCat(absl::ToDoubleMinutes(d), " min");
}

// Required keys first (their absence reads better than "0 is out of
// range"), then the schema's ranges, then the rules between keys.
absl::Status Validate(const Policy& policy, std::string_view source) {
  const InstanceSpec& instance = policy.instance;
  if (instance.type.empty()) {
    return Invalid(source, "instance.type",
                   "required (the instance type to burst with, e.g. "
                   "c4.large)");
  }
  if (!(instance.on_demand_usd_per_hour > 0)) {
    return Invalid(source, "instance.on_demand_usd_per_hour",
                   absl::StrCat("required and > 0 (the type's on-demand "
                                "price, USD per hour), got ",
                                instance.on_demand_usd_per_hour));
  }
  const Resources& shape = instance.shape;
  if (!(shape.cpus > 0 || shape.mem_mib > 0 || shape.disk_mib > 0 ||
        shape.gpus > 0)) {
    return Invalid(source, "instance.shape",
                   "required: at least one of cpus, mem_mib, disk_mib, gpus "
                   "must be > 0 (what one instance adds to the cluster)");
  }

  SPOTBURST_RETURN_IF_ERROR(
      internal::CheckPolicyRanges(internal::PolicyToProto(policy), source));

  if (instance.min_markets > 1 && !instance.availability_zone.empty()) {
    return Invalid(source, "instance.min_markets",
                   absl::StrCat(instance.min_markets,
                                " needs instance.availability_zone empty (the "
                                "engine spreads over the zones it chooses "
                                "among), got \"",
                                Sv(instance.availability_zone), "\""));
  }
  if (instance.avoid_interruptions != InterruptionAvoidance{}) {
    if (instance.avoid_interruptions.window <= absl::ZeroDuration()) {
      return Invalid(source, "instance.avoid_interruptions.window_s",
                     "required: how far back interruption notices count");
    }
    if (!instance.availability_zone.empty()) {
      return Invalid(source, "instance.avoid_interruptions",
                     absl::StrCat("needs instance.availability_zone empty (the "
                                  "engine chooses among the zones), got \"",
                                  Sv(instance.availability_zone), "\""));
    }
  }
  const ScalingPolicy& scaling = policy.scaling;
  if (scaling.min_instances > scaling.max_instances) {
    return Invalid(source, "scaling.min_instances",
                   absl::StrCat(scaling.min_instances,
                                " is greater than scaling.max_instances (",
                                scaling.max_instances, ")"));
  }
  const RequestPolicy& requests = policy.requests;
  if (requests.launch_backoff_max < requests.launch_backoff) {
    return Invalid(
        source, "requests.launch_backoff_max_s",
        absl::StrCat(absl::ToDoubleSeconds(requests.launch_backoff_max),
                     " is less than requests.launch_backoff_s (",
                     absl::ToDoubleSeconds(requests.launch_backoff), ")"));
  }
  const BillingPolicy& billing = policy.billing;
  if (billing.model == BillingModel::kHourly &&
      billing.partial_hour_limit + billing.drain_time >= absl::Hours(1)) {
    // The instance must be drained and ended before its paid hour is over;
    // an empty window would postpone every scale-in forever.
    return Invalid(source, "billing.partial_hour_limit_min",
                   absl::StrCat(Minutes(billing.partial_hour_limit),
                                " plus billing.drain_time_s (",
                                absl::ToDoubleSeconds(billing.drain_time),
                                " s) leaves no time to end an instance within "
                                "its 60 min billing hour"));
  }
  return absl::OkStatus();
}

}  // namespace

std::string_view BillingModelName(BillingModel model) {
  switch (model) {
    case BillingModel::kHourly:
      return "hourly";
    case BillingModel::kPerSecond:
      return "per-second";
  }
  return "unknown";
}

std::string_view ForecastModeName(ForecastMode mode) {
  switch (mode) {
    case ForecastMode::kOff:
      return "off";
    case ForecastMode::kAct:
      return "act";
    case ForecastMode::kRecord:
      return "record";
  }
  return "unknown";
}

std::string_view BridgeModeName(BridgeMode mode) {
  switch (mode) {
    case BridgeMode::kOff:
      return "off";
    case BridgeMode::kAll:
      return "all";
    case BridgeMode::kShortfall:
      return "shortfall";
  }
  return "unknown";
}

absl::StatusOr<Policy> ParsePolicy(std::string_view text,
                                   std::string_view source) {
  v1::Policy proto;
  SPOTBURST_RETURN_IF_ERROR(internal::ParseYamlToProto(text, source, proto));
  absl::StatusOr<Policy> policy = internal::PolicyFromProto(proto);
  if (!policy.ok()) {
    return absl::Status(
        policy.status().code(),
        absl::StrCat(Sv(source), ": ", policy.status().message()));
  }
  SPOTBURST_RETURN_IF_ERROR(Validate(*policy, source));
  return policy;
}

absl::StatusOr<Policy> LoadPolicyFile(const std::string& path) {
  SPOTBURST_ASSIGN_OR_RETURN(
      std::string text,
      internal::ReadFileToString(path, "policy", kMaxPolicyFileBytes));
  return ParsePolicy(text, path);
}

absl::Status ValidatePolicy(const Policy& policy) {
  return Validate(policy, "policy");
}

}  // namespace spotburst
