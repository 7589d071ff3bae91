// Value checks of a state read from JSON or gRPC, with field paths in the
// errors so a person can find the bad value in the input.
#include <cmath>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "spotburst/status_macros.h"
#include "state_proto.h"

namespace spotburst::internal {
namespace {

absl::Status CheckAmount(double value, absl::string_view path) {
  if (!std::isfinite(value)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: %g must be a finite number", path, value));
  }
  if (value < 0) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: %g must be >= 0", path, value));
  }
  return absl::OkStatus();
}

absl::Status CheckResources(const v1::Resources& r, absl::string_view path) {
  SPOTBURST_RETURN_IF_ERROR(CheckAmount(r.cpus(), absl::StrCat(path, ".cpus")));
  SPOTBURST_RETURN_IF_ERROR(
      CheckAmount(r.mem_mib(), absl::StrCat(path, ".mem_mib")));
  SPOTBURST_RETURN_IF_ERROR(
      CheckAmount(r.disk_mib(), absl::StrCat(path, ".disk_mib")));
  return CheckAmount(r.gpus(), absl::StrCat(path, ".gpus"));
}

absl::Status Required(const std::string& value, absl::string_view path) {
  if (value.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": required"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateEvaluationState(const v1::EvaluationState& s) {
  if (!s.has_now()) return absl::InvalidArgumentError("now: required");
  SPOTBURST_RETURN_IF_ERROR(CheckResources(s.cluster().used(), "cluster.used"));
  SPOTBURST_RETURN_IF_ERROR(
      CheckResources(s.cluster().queued(), "cluster.queued"));
  SPOTBURST_RETURN_IF_ERROR(
      CheckResources(s.cluster().baseline(), "cluster.baseline"));
  for (int i = 0; i < s.markets_size(); ++i) {
    const v1::MarketView& v = s.markets(i);
    const std::string path = absl::StrCat("markets[", i, "]");
    SPOTBURST_RETURN_IF_ERROR(
        Required(v.market().instance_type(), path + ".market.instance_type"));
    const v1::PriceStats& st = v.stats();
    SPOTBURST_RETURN_IF_ERROR(
        CheckAmount(st.min_usd(), path + ".stats.min_usd"));
    SPOTBURST_RETURN_IF_ERROR(
        CheckAmount(st.mean_usd(), path + ".stats.mean_usd"));
    SPOTBURST_RETURN_IF_ERROR(
        CheckAmount(st.max_usd(), path + ".stats.max_usd"));
    SPOTBURST_RETURN_IF_ERROR(
        CheckAmount(st.current_usd(), path + ".stats.current_usd"));
    if (st.points() < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ".stats.points: ", st.points(), " must be >= 0"));
    }
    SPOTBURST_RETURN_IF_ERROR(CheckAmount(v.on_demand_usd_per_hour(),
                                          path + ".on_demand_usd_per_hour"));
  }
  for (int i = 0; i < s.fleet().instances_size(); ++i) {
    const v1::Instance& instance = s.fleet().instances(i);
    const std::string path = absl::StrCat("fleet.instances[", i, "]");
    SPOTBURST_RETURN_IF_ERROR(Required(instance.id(), path + ".id"));
    SPOTBURST_RETURN_IF_ERROR(CheckAmount(instance.max_price_usd_per_hour(),
                                          path + ".max_price_usd_per_hour"));
  }
  for (int i = 0; i < s.fleet().requests_size(); ++i) {
    const v1::SpotRequest& request = s.fleet().requests(i);
    const std::string path = absl::StrCat("fleet.requests[", i, "]");
    SPOTBURST_RETURN_IF_ERROR(Required(request.id(), path + ".id"));
    SPOTBURST_RETURN_IF_ERROR(
        CheckAmount(request.bid_usd_per_hour(), path + ".bid_usd_per_hour"));
  }
  // Unknown enum numbers are reported by FromProto with their paths.
  return absl::OkStatus();
}

}  // namespace spotburst::internal
