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
    SPOTBURST_RETURN_IF_ERROR(Required(
        v.market().instance_type(), {"markets", i, ".market.instance_type"}));
    const v1::PriceStats& st = v.stats();
    SPOTBURST_RETURN_IF_ERROR(
        CheckAmount(st.min_usd(), {"markets", i, ".stats.min_usd"}));
    SPOTBURST_RETURN_IF_ERROR(
        CheckAmount(st.mean_usd(), {"markets", i, ".stats.mean_usd"}));
    SPOTBURST_RETURN_IF_ERROR(
        CheckAmount(st.max_usd(), {"markets", i, ".stats.max_usd"}));
    SPOTBURST_RETURN_IF_ERROR(
        CheckAmount(st.current_usd(), {"markets", i, ".stats.current_usd"}));
    if (st.points() < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat(Path{"markets", i, ".stats.points"}.Text(), ": ",
                       st.points(), " must be >= 0"));
    }
    SPOTBURST_RETURN_IF_ERROR(CheckAmount(
        v.on_demand_usd_per_hour(), {"markets", i, ".on_demand_usd_per_hour"}));
  }
  for (int i = 0; i < s.fleet().instances_size(); ++i) {
    const v1::Instance& instance = s.fleet().instances(i);
    SPOTBURST_RETURN_IF_ERROR(
        Required(instance.id(), {"fleet.instances", i, ".id"}));
    SPOTBURST_RETURN_IF_ERROR(
        CheckAmount(instance.max_price_usd_per_hour(),
                    {"fleet.instances", i, ".max_price_usd_per_hour"}));
  }
  for (int i = 0; i < s.fleet().requests_size(); ++i) {
    const v1::SpotRequest& request = s.fleet().requests(i);
    SPOTBURST_RETURN_IF_ERROR(
        Required(request.id(), {"fleet.requests", i, ".id"}));
    SPOTBURST_RETURN_IF_ERROR(
        CheckAmount(request.bid_usd_per_hour(),
                    {"fleet.requests", i, ".bid_usd_per_hour"}));
  }
  // Unknown enum numbers are reported by FromProto with their paths.
  return absl::OkStatus();
}

}  // namespace spotburst::internal
