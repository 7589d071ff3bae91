// Policy loading and validation: YAML or JSON text -> v1::Policy (the schema,
// with key paths, line numbers and ranges checked by the generic converter)
// -> Policy (defaults applied) -> the rules that span several keys. The same
// range checks run again on the C++ form, so a Policy built in code or
// received over the API meets the same contract as one read from a file.
#include "spotburst/policy.h"

#include <algorithm>
#include <cmath>
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

// Bounded: a type is the user's text, and errors never echo unbounded
// input.
std::string Quoted(std::string_view text) {
  constexpr size_t kMax = 40;
  return absl::StrCat("\"", Sv(text.substr(0, kMax)),
                      text.size() > kMax ? "...\"" : "\"");
}

// The key of a resource in a policy file's shape.
std::string_view ShapeKey(ResourceKind kind) {
  switch (kind) {
    case ResourceKind::kCpus:
      return "cpus";
    case ResourceKind::kMem:
      return "mem_mib";
    case ResourceKind::kDisk:
      return "disk_mib";
    case ResourceKind::kGpus:
      return "gpus";
  }
  return "unknown";
}

absl::Status ValidateAlternatives(const InstanceSpec& instance,
                                  std::string_view source) {
  for (size_t i = 0; i < instance.alternatives.size(); ++i) {
    const InstanceAlternative& alt = instance.alternatives[i];
    const std::string path = absl::StrCat("instance.alternatives[", i, "]");
    if (alt.type.empty()) {
      return Invalid(source, absl::StrCat(path, ".type"),
                     "required (an instance type the engine may launch "
                     "instead of instance.type)");
    }
    if (alt.type == instance.type) {
      return Invalid(
          source, absl::StrCat(path, ".type"),
          absl::StrCat(Quoted(alt.type), " is instance.type already"));
    }
    for (size_t j = 0; j < i; ++j) {
      if (instance.alternatives[j].type == alt.type) {
        return Invalid(
            source, absl::StrCat(path, ".type"),
            absl::StrCat(Quoted(alt.type),
                         " is listed already as instance.alternatives[", j,
                         "]"));
      }
    }
    if (!(alt.on_demand_usd_per_hour > 0)) {
      return Invalid(source, absl::StrCat(path, ".on_demand_usd_per_hour"),
                     absl::StrCat("required and > 0 (the type's on-demand "
                                  "price, USD per hour), got ",
                                  alt.on_demand_usd_per_hour));
    }
    // Units count capacity in instance.shapes: a type must hold at least
    // one in every resource, or a unit would promise what it lacks.
    for (ResourceKind kind : kAllResourceKinds) {
      const double unit = instance.shape.Get(kind);
      const double has = alt.shape.Get(kind);
      if (has < unit) {
        return Invalid(source,
                       absl::StrCat(path, ".shape.", Sv(ShapeKey(kind))),
                       absl::StrCat(has, " is less than instance.shape.",
                                    Sv(ShapeKey(kind)), " (", unit,
                                    "): an alternative holds at least one "
                                    "instance.shape"));
      }
    }
    if (alt.weight != 0 &&
        !(alt.weight >= 1 && alt.weight == std::floor(alt.weight))) {
      return Invalid(source, absl::StrCat(path, ".weight"),
                     absl::StrCat(alt.weight,
                                  " must be a whole number >= 1 (units of "
                                  "instance.shape per instance)"));
    }
  }
  return absl::OkStatus();
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

  SPOTBURST_RETURN_IF_ERROR(ValidateAlternatives(instance, source));

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
                     "required: how fast what was seen of each market fades");
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

int ShapeWeight(const Resources& unit, const Resources& shape) {
  double weight = -1;
  for (ResourceKind kind : kAllResourceKinds) {
    const double per_unit = unit.Get(kind);
    if (per_unit <= 0) continue;
    // The tolerance keeps 7.5 / 3.75 = 1.9999999999999998 at 2.
    const double ratio = std::floor(shape.Get(kind) / per_unit + 1e-9);
    weight = weight < 0 ? ratio : std::min(weight, ratio);
  }
  return static_cast<int>(std::clamp(weight, 0.0, 1e6));
}

int UnitWeight(const InstanceSpec& spec,
               const InstanceAlternative& alternative) {
  if (alternative.weight >= 1) return static_cast<int>(alternative.weight);
  return ShapeWeight(spec.shape, alternative.shape);
}

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
