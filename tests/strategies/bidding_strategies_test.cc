// Every built-in bidding strategy on worked numbers, with the policy's floor
// and cap applied by ComputeBid.
#include <cmath>
#include <limits>
#include <memory>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spotburst/bidding.h"
#include "spotburst/strategy_registry.h"
#include "testing/engine_fixtures.h"
#include "testing/status_matchers.h"

namespace spotburst {
namespace {

using ::spotburst::testing::IsOk;
using ::spotburst::testing::Market;
using ::spotburst::testing::StatusIs;
using ::spotburst::testing::T0;
using ::testing::HasSubstr;

struct BidCase {
  std::string name;
  std::string strategy;
  double expected;
};

class BuiltinBid : public ::testing::TestWithParam<BidCase> {};

// Window: min 0.0200, mean 0.0300, max 0.0800, current 0.0260; on-demand
// 0.1; padding 0.1; high multiple 10; max bid 0.5.
TEST_P(BuiltinBid, QuotesTheDocumentedPrice) {
  BiddingPolicy policy;
  policy.strategy = GetParam().strategy;
  policy.padding_usd = 0.1;
  policy.max_bid_usd_per_hour = 0.5;
  auto factory = StrategyRegistry::Builtin().FindBidding(policy.strategy);
  ASSERT_THAT(factory, IsOk());
  auto strategy = (*factory)->Create(policy);
  ASSERT_THAT(strategy, IsOk());
  auto bid = ComputeBid(**strategy, policy, Market(0.026, 0.02, 0.03, 0.08),
                        0.1, T0());
  ASSERT_THAT(bid, IsOk());
  EXPECT_DOUBLE_EQ(bid->usd_per_hour, GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Strategies, BuiltinBid,
    ::testing::Values(BidCase{"MinimumIsLowestPlusG", "minimum", 0.021},
                      BidCase{"MeanIsWindowMean", "mean", 0.03},
                      BidCase{"OnDemandIsOnDemandPrice", "on-demand", 0.1},
                      // 10 x 0.08 = 0.8, capped by max bid 0.5
                      BidCase{"HighIsCappedByMaxBid", "high", 0.5},
                      BidCase{"CurrentIsCurrentPlusG", "current", 0.027},
                      BidCase{"CurrentPlusAddsPadding", "current-plus", 0.126}),
    [](const auto& info) { return info.param.name; });

absl::StatusOr<BidResult> Bid(const BiddingPolicy& policy,
                              const MarketView& view, double on_demand = 0.1) {
  auto factory = StrategyRegistry::Builtin().FindBidding(policy.strategy);
  if (!factory.ok()) return factory.status();
  auto strategy = (*factory)->Create(policy);
  if (!strategy.ok()) return strategy.status();
  return ComputeBid(**strategy, policy, view, on_demand, T0());
}

TEST(PrototypeBid, PaddingOfOneStepBidsCurrentPlusOneMill) {
  // The prototype's listing: market 0.026, padding 0.001 -> bid 0.027.
  BiddingPolicy policy;
  policy.padding_usd = 0.001;
  auto bid = Bid(policy, Market(0.026));
  ASSERT_THAT(bid, IsOk());
  EXPECT_DOUBLE_EQ(bid->usd_per_hour, 0.027);
  EXPECT_THAT(bid->quote.rule.ToString(),
              HasSubstr("current 0.0260 + padding 0.0010"));
  EXPECT_TRUE(bid->adjustments.empty());
}

TEST(PrototypeBid, CapsAtMaximumBidAndSaysSo) {
  BiddingPolicy policy;
  policy.padding_usd = 0.1;
  policy.max_bid_usd_per_hour = 0.05;
  auto bid = Bid(policy, Market(0.026));
  ASSERT_THAT(bid, IsOk());
  EXPECT_DOUBLE_EQ(bid->usd_per_hour, 0.05);
  ASSERT_EQ(bid->adjustments.size(), 1u);
  EXPECT_EQ(bid->adjustments[0].code, ReasonCode::kBidCapped);
  EXPECT_FALSE(bid->below_current);
}

// The reason a plan and `spotburst bid` print: the strategy's number, then
// each change the policy made to it, so that a capped bid never reads as
// the strategy's own.
TEST(BidReason, ACappedBidReadsAsCappedAndBelowTheCurrentPrice) {
  BiddingPolicy policy;
  policy.padding_usd = 0.001;
  policy.max_bid_usd_per_hour = 0.5;
  auto bid = Bid(policy, Market(0.7));
  ASSERT_THAT(bid, IsOk());
  EXPECT_EQ(bid->reason.ToString(),
            "bid 0.5000: current 0.7000 + padding 0.0010 = 0.7010, capped at "
            "max bid 0.5000, below the current price");
}

TEST(BidReason, AnUnchangedBidIsTheStrategysRule) {
  BiddingPolicy policy;
  policy.padding_usd = 0.001;
  auto bid = Bid(policy, Market(0.026));
  ASSERT_THAT(bid, IsOk());
  EXPECT_EQ(bid->reason.ToString(),
            "bid 0.0270: current 0.0260 + padding 0.0010");
}

TEST(BidReason, AFlooredThenCappedBidNamesBothSteps) {
  BiddingPolicy policy;
  policy.strategy = "minimum";
  policy.floor_at_current = true;
  policy.max_bid_usd_per_hour = 0.3;
  auto bid = Bid(policy, Market(0.9, 0.02, 0.3, 0.9));
  ASSERT_THAT(bid, IsOk());
  EXPECT_EQ(bid->reason.ToString(),
            "bid 0.3000: window minimum 0.0200 + G 0.0010 = 0.0210, raised to "
            "current 0.9000 + 0.0010 = 0.9010, capped at max bid 0.3000, "
            "below the current price");
}

TEST(BidReason, AnUncappedBidBelowTheCurrentPriceSaysSo) {
  BiddingPolicy policy;
  policy.strategy = "minimum";
  auto bid = Bid(policy, Market(0.05, 0.02, 0.03, 0.06));
  ASSERT_THAT(bid, IsOk());
  EXPECT_EQ(bid->reason.ToString(),
            "bid 0.0210: window minimum 0.0200 + G 0.0010, below the current "
            "price");
}

TEST(BidFloor, RaisesAMeanBelowCurrentToCurrentPlusG) {
  BiddingPolicy policy;
  policy.strategy = "mean";
  policy.floor_at_current = true;
  auto bid = Bid(policy, Market(0.05, 0.02, 0.03, 0.06));
  ASSERT_THAT(bid, IsOk());
  EXPECT_DOUBLE_EQ(bid->usd_per_hour, 0.051);
  EXPECT_EQ(bid->adjustments.at(0).code, ReasonCode::kBidFloored);
}

TEST(BidFloor, CapWinsOverFloorAndBidIsMarkedBelowCurrent) {
  BiddingPolicy policy;
  policy.strategy = "minimum";
  policy.floor_at_current = true;
  policy.max_bid_usd_per_hour = 0.3;
  auto bid = Bid(policy, Market(0.9, 0.02, 0.3, 0.9));
  ASSERT_THAT(bid, IsOk());
  EXPECT_DOUBLE_EQ(bid->usd_per_hour, 0.3);
  EXPECT_TRUE(bid->below_current);
}

TEST(BidWithoutFloor, MinimumMayBidBelowCurrent) {
  BiddingPolicy policy;
  policy.strategy = "minimum";
  auto bid = Bid(policy, Market(0.05, 0.02, 0.03, 0.06));
  ASSERT_THAT(bid, IsOk());
  EXPECT_DOUBLE_EQ(bid->usd_per_hour, 0.021);
  EXPECT_TRUE(bid->below_current);
}

TEST(HighBid, IsMultipleOfWindowMaximumBelowTheCap) {
  BiddingPolicy policy;
  policy.strategy = "high";
  policy.high_multiple = 4;
  auto bid = Bid(policy, Market(0.026, 0.02, 0.03, 0.08));
  ASSERT_THAT(bid, IsOk());
  EXPECT_DOUBLE_EQ(bid->usd_per_hour, 0.32);
}

TEST(BadPrices, EmptyHistoryIsAnErrorNamingTheMarket) {
  MarketView view = Market(0.026);
  view.stats.points = 0;
  EXPECT_THAT(Bid(BiddingPolicy{}, view),
              StatusIs(absl::StatusCode::kFailedPrecondition,
                       HasSubstr("c4.large/us-east-1a")));
}

TEST(BadPrices, NaNCurrentPriceIsAnErrorNamingTheMarket) {
  MarketView view = Market(std::numeric_limits<double>::quiet_NaN());
  EXPECT_THAT(Bid(BiddingPolicy{}, view),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("c4.large/us-east-1a")));
}

TEST(BadPrices, NegativeMinimumIsAnError) {
  BiddingPolicy policy;
  policy.strategy = "minimum";
  MarketView view = Market(0.03);
  view.stats.min_usd = -0.01;
  EXPECT_THAT(Bid(policy, view), StatusIs(absl::StatusCode::kInvalidArgument,
                                          HasSubstr("min_usd")));
}

TEST(BadPrices, StaleHistoryIsAnErrorWhenMaxAgeIsSet) {
  BiddingPolicy policy;
  policy.max_price_age = absl::Minutes(1);
  EXPECT_THAT(
      Bid(policy, Market(0.03)),
      StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("stale")));
}

TEST(Registry, UnknownStrategyListsTheRegisteredNames) {
  EXPECT_THAT(StrategyRegistry::Builtin().FindBidding("median"),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("current-plus, high, mean, minimum")));
}

class FixedBid final : public BiddingStrategy {
 public:
  BidQuote Quote(const BidContext&) const override {
    return {.usd_per_hour = 0.042, .rule = "fixed"};
  }
};

class FixedBidFactory final : public BiddingStrategyFactory {
 public:
  std::string_view name() const override { return "acme.fixed"; }
  std::string_view description() const override { return "fixed 0.042"; }
  absl::StatusOr<std::unique_ptr<BiddingStrategy>> Create(
      const BiddingPolicy&) const override {
    return std::make_unique<FixedBid>();
  }
};

TEST(Registry, EmbedderAddsAStrategyAndDuplicatesAreRefused) {
  StrategyRegistry::Builder builder;
  RegisterBuiltinStrategies(builder);
  ASSERT_THAT(builder.AddBidding(std::make_unique<FixedBidFactory>()), IsOk());
  EXPECT_THAT(
      builder.AddBidding(std::make_unique<FixedBidFactory>()),
      StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("acme.fixed")));
  StrategyRegistry registry = std::move(builder).Build();
  auto factory = registry.FindBidding("acme.fixed");
  ASSERT_THAT(factory, IsOk());
  BiddingPolicy policy;
  auto strategy = (*factory)->Create(policy);
  ASSERT_THAT(strategy, IsOk());
  auto bid = ComputeBid(**strategy, policy, Market(0.03), 0.1, T0());
  ASSERT_THAT(bid, IsOk());
  EXPECT_DOUBLE_EQ(bid->usd_per_hour, 0.042);
}

}  // namespace
}  // namespace spotburst
