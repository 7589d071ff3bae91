// "high": far above anything observed, so that price spikes do not end the
// instance: high_multiple x the window maximum (and at least current + G).
// The policy's max bid caps it, as every bid.
#include <algorithm>

#include "absl/strings/str_format.h"
#include "strategies/builtin.h"
#include "strategies/function_factory.h"

namespace spotburst::internal {
namespace {

class HighBid final : public BiddingStrategy {
 public:
  explicit HighBid(double multiple) : multiple_(multiple) {}
  BidQuote Quote(const BidContext& context) const override {
    const double high = std::max(multiple_ * context.stats.max_usd,
                                 context.stats.current_usd + kBidStepUsd);
    return {.usd_per_hour = high,
            .rule = ReasonText().Add("%g x window maximum %.4f", multiple_,
                                     context.stats.max_usd)};
  }

 private:
  double multiple_;
};

}  // namespace

std::unique_ptr<BiddingStrategyFactory> NewHighBidFactory() {
  return std::make_unique<BiddingFunctionFactory>(
      "high", "bidding.high_multiple x the window maximum",
      [](const BiddingPolicy& policy)
          -> absl::StatusOr<std::unique_ptr<BiddingStrategy>> {
        if (!(policy.high_multiple >= 1)) {
          return absl::InvalidArgumentError(absl::StrFormat(
              "bidding.high_multiple: %g must be >= 1", policy.high_multiple));
        }
        return std::make_unique<HighBid>(policy.high_multiple);
      });
}

}  // namespace spotburst::internal
