// Market names and the check that price statistics can be bid on.
#include "spotburst/market.h"

#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace spotburst {

std::string Market::Name() const {
  return absl::StrCat(instance_type, "/", availability_zone, "/", product);
}

absl::Status CheckPriceStats(const Market& market, const PriceStats& stats,
                             absl::Time now, absl::Duration max_age) {
  // Bad numbers first: they mean a broken feed, not merely an old one.
  const std::pair<const char*, double> prices[] = {
      {"current_usd", stats.current_usd},
      {"min_usd", stats.min_usd},
      {"mean_usd", stats.mean_usd},
      {"max_usd", stats.max_usd},
  };
  for (const auto& [field, value] : prices) {
    if (!std::isfinite(value) || value < 0) {
      return absl::InvalidArgumentError(
          absl::StrFormat("market %s: %s is %g; must be a finite price >= 0",
                          market.Name(), field, value));
    }
  }
  if (stats.points < 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "market %s: points is %d; must be >= 0", market.Name(), stats.points));
  }
  if (stats.points == 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("market ", market.Name(), ": no price history"));
  }
  if (max_age > absl::ZeroDuration()) {
    if (stats.last_change == absl::InfinitePast()) {
      return absl::FailedPreconditionError(
          absl::StrCat("market ", market.Name(),
                       ": stale: time of last price change unknown, max age ",
                       absl::FormatDuration(max_age)));
    }
    const absl::Duration age = now - stats.last_change;
    if (age > max_age) {
      return absl::FailedPreconditionError(
          absl::StrCat("market ", market.Name(), ": stale: last price change ",
                       absl::FormatDuration(age), " ago, max age ",
                       absl::FormatDuration(max_age)));
    }
  }
  return absl::OkStatus();
}

}  // namespace spotburst
