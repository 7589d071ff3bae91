// Failure causes as status payloads.
#include "spotburst/launch_failure.h"

#include <string>
#include <utility>

#include "absl/strings/cord.h"
#include "absl/strings/string_view.h"

namespace spotburst {
namespace {

// The payloads' type URLs: the cause's name and the provider's code.
constexpr absl::string_view kCausePayload = "spotburst.dev/FailureCause";
constexpr absl::string_view kCodePayload = "spotburst.dev/ProviderCode";

constexpr std::pair<FailureCause, std::string_view> kNames[] = {
    {FailureCause::kUnknown, "unknown"},
    {FailureCause::kCapacity, "capacity"},
    {FailureCause::kQuota, "quota"},
    {FailureCause::kPriceTooLow, "price-too-low"},
    {FailureCause::kAuth, "auth"},
    {FailureCause::kClockSkew, "clock-skew"},
    {FailureCause::kConfiguration, "configuration"},
    {FailureCause::kThrottled, "throttled"},
    {FailureCause::kUnavailable, "unavailable"},
};

}  // namespace

std::string_view FailureCauseName(FailureCause cause) {
  for (const auto& [c, name] : kNames) {
    if (c == cause) return name;
  }
  return "unknown";
}

std::optional<FailureCause> FailureCauseFromName(std::string_view name) {
  for (const auto& [cause, n] : kNames) {
    if (n == name) return cause;
  }
  return std::nullopt;
}

absl::Status WithFailureCause(absl::Status status, FailureCause cause,
                              std::string_view provider_code) {
  if (status.ok()) return status;
  status.SetPayload(kCausePayload,
                    absl::Cord(std::string(FailureCauseName(cause))));
  if (!provider_code.empty()) {
    status.SetPayload(kCodePayload, absl::Cord(std::string(provider_code)));
  }
  return status;
}

std::string ProviderCodeOf(const absl::Status& status) {
  const auto payload = status.GetPayload(kCodePayload);
  return payload.has_value() ? std::string(*payload) : std::string();
}

FailureCause FailureCauseOf(const absl::Status& status) {
  const auto payload = status.GetPayload(kCausePayload);
  if (!payload.has_value()) return FailureCause::kUnknown;
  return FailureCauseFromName(std::string(*payload))
      .value_or(FailureCause::kUnknown);
}

bool BlocksLaunches(FailureCause cause) {
  return cause == FailureCause::kCapacity || cause == FailureCause::kQuota;
}

}  // namespace spotburst
