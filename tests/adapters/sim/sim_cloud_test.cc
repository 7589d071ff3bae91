// Tests of the simulated cloud's rules, in exact small cases on hand-made
// traces: batches every 5 minutes, a 5-minute fulfilment delay, 3 minutes
// of boot, a 2-minute notice. t0 (2021-01-01T00:00:00Z) is on a batch
// boundary; times are seconds after it.
#include "sim_cloud.h"

#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spotburst/launch_failure.h"
#include "spotburst/sim/simulated_clock.h"
#include "testing/status_matchers.h"

namespace spotburst::sim::internal {
namespace {

using ::spotburst::testing::IsOk;
using ::spotburst::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr int64_t kT0 = 1609459200;
constexpr double kOnDemand = 0.5;

absl::Time At(int64_t seconds) { return absl::FromUnixSeconds(kT0 + seconds); }

class SimCloudTest : public ::testing::Test {
 protected:
  CloudConfig Config(MarketRegime regime = MarketRegime::kBidSet,
                     BillingModel billing = BillingModel::kHourly) {
    CloudScenario timing;
    timing.request_batch_interval = absl::Minutes(5);
    timing.fulfilment_delay_min = timing.fulfilment_delay_max =
        absl::Minutes(5);
    timing.boot_min = timing.boot_max = absl::Minutes(3);
    timing.interruption_notice = absl::Minutes(2);
    return {.markets = {{.market = market_,
                         .regime = regime,
                         .on_demand_usd_per_hour = kOnDemand}},
            .region = "us-east-1",
            .timing = timing,
            .billing = billing};
  }
  void Make(const CloudConfig& config) {
    cloud_ = std::make_unique<SimCloud>(
        config, std::vector<const PriceHistory*>{&trace_}, clock_);
  }
  // Moves the clock and lets the cloud catch up.
  void Go(int64_t seconds) {
    clock_.SetTime(At(seconds));
    cloud_->AdvanceTo(At(seconds));
  }
  std::vector<std::string> Spot(double bid, int count = 1,
                                const std::string& token = "") {
    auto ids = cloud_->RequestSpot({.count = count,
                                    .instance_type = "c4.large",
                                    .bid_usd_per_hour = bid,
                                    .idempotency_token = token});
    EXPECT_THAT(ids, IsOk());
    return ids.ok() ? *ids : std::vector<std::string>{};
  }
  Fleet List() {
    auto fleet = cloud_->List();
    EXPECT_THAT(fleet, IsOk());
    return fleet.ok() ? *fleet : Fleet{};
  }

  Market market_{.instance_type = "c4.large",
                 .availability_zone = "us-east-1b"};
  PriceHistory trace_{.market = market_, .points = {{At(0), 0.10}}};
  SimulatedClock clock_{At(0)};
  std::unique_ptr<SimCloud> cloud_;
};

TEST_F(SimCloudTest, RequestIsFulfilledAtTheFirstBatchAfterItsDelay) {
  Make(Config());
  Go(60);
  EXPECT_THAT(Spot(0.2), ElementsAre("sir-00000001"));
  Fleet fleet = List();
  ASSERT_THAT(fleet.requests, SizeIs(1));
  EXPECT_EQ(fleet.requests[0].state, SpotRequestState::kOpen);
  EXPECT_EQ(fleet.requests[0].status_code, "pending-evaluation");
  EXPECT_EQ(fleet.requests[0].create_time, At(60));
  // Eligible at 360; the next batch is at 600.
  Go(599);
  EXPECT_EQ(List().requests[0].state, SpotRequestState::kOpen);
  Go(600);
  fleet = List();
  EXPECT_EQ(fleet.requests[0].state, SpotRequestState::kActive);
  EXPECT_EQ(fleet.requests[0].status_code, "fulfilled");
  ASSERT_THAT(fleet.instances, SizeIs(1));
  const Instance& instance = fleet.instances[0];
  EXPECT_EQ(fleet.requests[0].instance_id, instance.id);
  EXPECT_EQ(instance.spot_request_id, "sir-00000001");
  EXPECT_EQ(instance.lifecycle, Lifecycle::kSpot);
  EXPECT_EQ(instance.launch_time, At(600));
  EXPECT_EQ(instance.max_price_usd_per_hour, 0.2);
  // Booting: listed as pending, its resources not yet in the cluster.
  EXPECT_EQ(instance.state, InstanceState::kPending);
  Go(779);
  EXPECT_EQ(cloud_->booting(), 1);
  EXPECT_EQ(cloud_->joined_spot(), 0);
  Go(780);
  EXPECT_EQ(List().instances[0].state, InstanceState::kRunning);
  EXPECT_EQ(cloud_->joined_spot(), 1);
  EXPECT_EQ(cloud_->instances()[0].join_time, At(780));
}

TEST_F(SimCloudTest, ACapacityOutageRefusesLaunchesAndHoldsOpenRequests) {
  CloudConfig config = Config();
  config.markets[0].spot_capacity_outages = {{At(300), At(1800)}};
  Make(config);
  Go(60);
  Spot(0.2);  // before the outage; eligible at 360, batches at 600, 900, ...
  Go(900);
  // Reached its batch inside the outage: it waits, as on EC2.
  Fleet fleet = List();
  EXPECT_EQ(fleet.requests[0].state, SpotRequestState::kOpen);
  EXPECT_EQ(fleet.requests[0].status_code, "capacity-not-available");
  Go(1000);
  auto refused = cloud_->RequestSpot(
      {.count = 1, .instance_type = "c4.large", .bid_usd_per_hour = 0.2});
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(FailureCauseOf(refused.status()), FailureCause::kCapacity);
  EXPECT_EQ(ProviderCodeOf(refused.status()), "InsufficientInstanceCapacity");
  EXPECT_EQ(cloud_->counters().capacity_failures, 1);
  EXPECT_THAT(List().requests, SizeIs(1));  // nothing was made
  Go(1800);
  EXPECT_EQ(List().requests[0].state, SpotRequestState::kActive);
  EXPECT_THAT(Spot(0.2), SizeIs(1));
}

TEST_F(SimCloudTest, RequestsAreHandledInBatches) {
  Make(Config());
  Spot(0.2);  // at 0: eligible at 300
  Go(240);
  Spot(0.2);  // eligible at 540
  Go(301);
  Spot(0.2);  // eligible at 601
  Go(600);
  ASSERT_THAT(cloud_->instances(), SizeIs(2));
  // The first two, made 4 minutes apart, launch together.
  EXPECT_EQ(cloud_->instances()[0].instance.launch_time, At(300));
  EXPECT_EQ(cloud_->instances()[1].instance.launch_time, At(600));
  Go(900);
  ASSERT_THAT(cloud_->instances(), SizeIs(3));
  EXPECT_EQ(cloud_->instances()[2].instance.launch_time, At(900));
}

TEST_F(SimCloudTest, BidBelowThePriceStaysOpenUntilThePriceFalls) {
  trace_.points = {{At(0), 0.10}, {At(1000), 0.04}};
  Make(Config());
  Spot(0.05);
  Spot(0.10);  // at the price: fulfilled
  Go(300);
  Fleet fleet = List();
  EXPECT_EQ(fleet.requests[0].state, SpotRequestState::kOpen);
  EXPECT_EQ(fleet.requests[0].status_code, "price-too-low");
  EXPECT_EQ(fleet.requests[1].state, SpotRequestState::kActive);
  Go(900);
  EXPECT_EQ(List().requests[0].status_code, "price-too-low");
  Go(1200);
  EXPECT_EQ(List().requests[0].state, SpotRequestState::kActive);
  EXPECT_EQ(cloud_->instances()[1].instance.launch_time, At(1200));
}

TEST_F(SimCloudTest,
       BidSetRegimeInterruptsTwoMinutesAfterThePricePassesTheBid) {
  // At the bid (1500): kept. Above it (2000): notice, then the end at 2120,
  // even though the price falls back during the notice.
  trace_.points = {
      {At(0), 0.10}, {At(1500), 0.12}, {At(2000), 0.13}, {At(2060), 0.05}};
  Make(Config(MarketRegime::kBidSet));
  Spot(0.12);
  Go(1999);
  EXPECT_EQ(List().requests[0].status_code, "fulfilled");
  EXPECT_FALSE(List().instances[0].interruption_notice);
  Go(2000);
  Fleet fleet = List();
  EXPECT_EQ(fleet.requests[0].status_code, "marked-for-termination");
  EXPECT_THAT(fleet.instances, SizeIs(1));
  // Listed as under notice, with its end, as the EC2 adapter lists it.
  EXPECT_TRUE(fleet.instances[0].interruption_notice);
  EXPECT_EQ(fleet.instances[0].interruption_time, At(2120));
  Go(2119);
  EXPECT_THAT(List().instances, SizeIs(1));
  Go(2120);
  fleet = List();
  EXPECT_THAT(fleet.instances, IsEmpty());
  EXPECT_EQ(fleet.requests[0].state, SpotRequestState::kClosed);
  EXPECT_EQ(fleet.requests[0].status_code, "instance-terminated-by-price");
  const InstanceRecord& record = cloud_->instances()[0];
  EXPECT_EQ(record.notice_time, At(2000));
  EXPECT_EQ(record.end_time, At(2120));
  EXPECT_TRUE(record.notice_for_price);
  EXPECT_EQ(record.ended_by, EndedBy::kProvider);
  EXPECT_EQ(cloud_->counters().interruptions, 1);
  // Hourly: cut short by the provider in its first hour, it is free.
  EXPECT_EQ(cloud_->meter().spot_cost_usd(), 0);
}

TEST_F(SimCloudTest, CapacityRegimeInterruptsAtTheRateWithANotice) {
  CloudConfig config = Config(MarketRegime::kCapacity);
  config.markets[0].interruption_rate_per_hour =
      6;  // one per 10 minutes on average
  Make(config);
  Spot(1.0);
  Go(10 * 3600);
  const InstanceRecord& record = cloud_->instances()[0];
  ASSERT_EQ(record.ended_by, EndedBy::kProvider);
  EXPECT_FALSE(record.notice_for_price);
  EXPECT_EQ(record.end_time - record.notice_time, absl::Minutes(2));
  EXPECT_EQ(cloud_->requests()[0].request.status_code,
            "instance-terminated-no-capacity");
  EXPECT_EQ(cloud_->counters().interruptions, 1);

  // The same seed draws the same time; another seed, another.
  SimulatedClock clock(At(0));
  SimCloud same(config, {&trace_}, clock);
  config.seed = 2;
  SimCloud other(config, {&trace_}, clock);
  for (SimCloud* c : {&same, &other}) {
    ASSERT_THAT(
        c->RequestSpot({.instance_type = "c4.large", .bid_usd_per_hour = 1.0}),
        IsOk());
    c->AdvanceTo(At(10 * 3600));
  }
  EXPECT_EQ(same.instances()[0].notice_time, record.notice_time);
  EXPECT_NE(other.instances()[0].notice_time, record.notice_time);
}

TEST_F(SimCloudTest, CapacityRegimeWithoutARateNeverInterrupts) {
  Make(Config(MarketRegime::kCapacity));
  Spot(1.0);
  Go(10 * 86400);
  EXPECT_THAT(List().instances, SizeIs(1));
  EXPECT_EQ(cloud_->counters().interruptions, 0);
}

TEST_F(SimCloudTest, OnDemandLaunchesAtOnceAndIsNeverInterrupted) {
  trace_.points = {{At(0), 0.10}, {At(1000), 5.0}};
  Make(Config(MarketRegime::kBidSet));
  Go(60);
  auto ids = cloud_->LaunchOnDemand({.count = 2, .instance_type = "c4.large"});
  ASSERT_THAT(ids, IsOk());
  EXPECT_THAT(*ids, SizeIs(2));
  Fleet fleet = List();
  ASSERT_THAT(fleet.instances, SizeIs(2));
  EXPECT_EQ(fleet.instances[0].lifecycle, Lifecycle::kOnDemand);
  EXPECT_EQ(fleet.instances[0].launch_time, At(60));
  EXPECT_EQ(fleet.instances[0].max_price_usd_per_hour, kOnDemand);
  EXPECT_TRUE(fleet.instances[0].spot_request_id.empty());
  Go(240);
  EXPECT_EQ(cloud_->joined_on_demand(), 2);
  Go(5000);
  EXPECT_THAT(List().instances, SizeIs(2));
  EXPECT_EQ(cloud_->counters().interruptions, 0);
}

TEST_F(SimCloudTest, IdempotencyTokenReuseReturnsTheSameRequests) {
  Make(Config());
  const std::vector<std::string> first = Spot(0.2, 2, "token-1");
  EXPECT_THAT(first, ElementsAre("sir-00000001", "sir-00000002"));
  EXPECT_EQ(Spot(0.2, 2, "token-1"), first);
  Go(600);
  EXPECT_EQ(Spot(0.2, 2, "token-1"), first);  // still, once fulfilled
  EXPECT_THAT(cloud_->requests(), SizeIs(2));
  EXPECT_EQ(cloud_->counters().spot_requests, 2);
  EXPECT_THAT(cloud_->RequestSpot({.count = 3,
                                   .instance_type = "c4.large",
                                   .bid_usd_per_hour = 0.2,
                                   .idempotency_token = "token-1"}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("token-1 was used for 2")));

  auto od = cloud_->LaunchOnDemand(
      {.instance_type = "c4.large", .idempotency_token = "token-2"});
  ASSERT_THAT(od, IsOk());
  auto again = cloud_->LaunchOnDemand(
      {.instance_type = "c4.large", .idempotency_token = "token-2"});
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ(*again, *od);
  EXPECT_THAT(cloud_->instances(), SizeIs(3));  // 2 spot + 1 on-demand
}

TEST_F(SimCloudTest, CancellingAnOpenRequestStopsItsFulfilment) {
  Make(Config());
  const std::vector<std::string> ids = Spot(0.2);
  Go(100);
  ASSERT_THAT(cloud_->CancelRequests(ids), IsOk());
  Fleet fleet = List();
  EXPECT_EQ(fleet.requests[0].state, SpotRequestState::kCancelled);
  EXPECT_EQ(fleet.requests[0].status_code, "canceled-before-fulfillment");
  EXPECT_EQ(cloud_->open_requests(), 0);
  Go(900);
  EXPECT_THAT(cloud_->instances(), IsEmpty());
  EXPECT_EQ(cloud_->counters().requests_cancelled, 1);
  // Cancelling again changes nothing; closed requests leave the listing
  // after the retention (four hours by default).
  ASSERT_THAT(cloud_->CancelRequests(ids), IsOk());
  EXPECT_EQ(cloud_->counters().requests_cancelled, 1);
  Go(100 + 4 * 3600);
  EXPECT_THAT(List().requests, SizeIs(1));
  Go(101 + 4 * 3600);
  EXPECT_THAT(List().requests, IsEmpty());
}

TEST_F(SimCloudTest, CancelWithAnUnknownIdChangesNothing) {
  Make(Config());
  const std::vector<std::string> ids = Spot(0.2);
  EXPECT_THAT(cloud_->CancelRequests({ids[0], "sir-nope"}),
              StatusIs(absl::StatusCode::kNotFound,
                       HasSubstr("sim CancelRequests: no spot request "
                                 "sir-nope")));
  EXPECT_EQ(List().requests[0].state, SpotRequestState::kOpen);
}

TEST_F(SimCloudTest, OneTimeRequestClosesWhenItsInstanceEnds) {
  Make(Config());
  Spot(0.2);
  Go(1000);
  const std::string id = List().instances.at(0).id;
  ASSERT_THAT(cloud_->Terminate({id}), IsOk());
  Fleet fleet = List();
  EXPECT_THAT(fleet.instances, IsEmpty());
  EXPECT_EQ(fleet.requests[0].state, SpotRequestState::kClosed);
  EXPECT_EQ(fleet.requests[0].status_code, "instance-terminated-by-user");
  EXPECT_EQ(cloud_->instances()[0].ended_by, EndedBy::kUser);
  EXPECT_EQ(cloud_->counters().instances_ended_by_user, 1);
  // Ending it again is a no-op; an unknown id is NotFound.
  EXPECT_THAT(cloud_->Terminate({id}), IsOk());
  EXPECT_EQ(cloud_->counters().instances_ended_by_user, 1);
  EXPECT_THAT(cloud_->Terminate({"i-nope"}),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("i-nope")));
  // Hourly: ended by the user after 700 s, it pays its whole first hour.
  EXPECT_DOUBLE_EQ(cloud_->meter().spot_cost_usd(), 0.10);
}

// ListInto reuses the fleet it is given: whatever that held before (more
// instances and requests, other ids, longer strings) is gone, and the
// listing is List()'s, field for field.
TEST_F(SimCloudTest, ListIntoAReusedFleetListsWhatListDoes) {
  Make(Config());
  const std::vector<std::string> ids = Spot(0.2, 2);
  Go(1000);  // both fulfilled
  Fleet reused;
  ASSERT_THAT(cloud_->ListInto(reused), IsOk());
  ASSERT_THAT(reused.instances, SizeIs(2));
  ASSERT_THAT(cloud_->Terminate({reused.instances[0].id}), IsOk());
  ASSERT_THAT(cloud_->CancelRequests({ids[1]}), IsOk());
  Spot(0.2);  // open
  reused.instances[1].availability_zone = "a zone name longer than any";
  reused.requests.resize(4, reused.requests[0]);
  reused.requests.back().id = "sir-stale";

  ASSERT_THAT(cloud_->ListInto(reused), IsOk());
  const Fleet fresh = List();
  ASSERT_THAT(reused.instances, SizeIs(1));
  ASSERT_THAT(fresh.instances, SizeIs(1));
  const Instance& a = reused.instances[0];
  const Instance& b = fresh.instances[0];
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.id, "i-00000002");
  EXPECT_EQ(a.availability_zone, "us-east-1b");
  EXPECT_EQ(a.spot_request_id, b.spot_request_id);
  EXPECT_EQ(a.state, b.state);
  EXPECT_EQ(a.launch_time, b.launch_time);
  EXPECT_EQ(a.max_price_usd_per_hour, b.max_price_usd_per_hour);
  ASSERT_THAT(reused.requests, SizeIs(3));
  ASSERT_THAT(fresh.requests, SizeIs(3));
  for (size_t k = 0; k < fresh.requests.size(); ++k) {
    SCOPED_TRACE(fresh.requests[k].id);
    EXPECT_EQ(reused.requests[k].id, fresh.requests[k].id);
    EXPECT_EQ(reused.requests[k].state, fresh.requests[k].state);
    EXPECT_EQ(reused.requests[k].status_code, fresh.requests[k].status_code);
    EXPECT_EQ(reused.requests[k].instance_id, fresh.requests[k].instance_id);
    EXPECT_EQ(reused.requests[k].create_time, fresh.requests[k].create_time);
  }
  EXPECT_EQ(reused.requests[0].status_code, "instance-terminated-by-user");
  EXPECT_EQ(reused.requests[1].status_code,
            "request-canceled-and-instance-running");
  EXPECT_EQ(reused.requests[2].status_code, "pending-evaluation");
  EXPECT_EQ(reused.requests[2].instance_id, "");
}

TEST_F(SimCloudTest, CancellingAnActiveRequestLeavesItsInstanceRunning) {
  Make(Config());
  const std::vector<std::string> ids = Spot(0.2);
  Go(1000);
  ASSERT_THAT(cloud_->CancelRequests(ids), IsOk());
  Fleet fleet = List();
  EXPECT_THAT(fleet.instances, SizeIs(1));
  EXPECT_EQ(fleet.requests[0].state, SpotRequestState::kCancelled);
  EXPECT_EQ(fleet.requests[0].status_code,
            "request-canceled-and-instance-running");
  EXPECT_EQ(cloud_->counters().requests_cancelled, 0);
}

TEST_F(SimCloudTest, PerSecondBillingChargesTheMinimumToAShortLife) {
  Make(Config(MarketRegime::kBidSet, BillingModel::kPerSecond));
  Spot(0.2);
  Go(330);  // launched at 300
  ASSERT_THAT(cloud_->Terminate({List().instances.at(0).id}), IsOk());
  EXPECT_NEAR(cloud_->meter().spot_cost_usd(), 0.10 * 60 / 3600, 1e-15);
}

TEST_F(SimCloudTest, EndRunBillsLiveInstancesForTheirTimeInsideTheRun) {
  Make(Config());
  Spot(0.2);
  Go(600);  // launched at 300
  cloud_->EndRun(At(1200));
  EXPECT_EQ(cloud_->instances()[0].ended_by, EndedBy::kRunEnd);
  // 15 minutes of the hour that started at 0.10, not the whole hour.
  EXPECT_NEAR(cloud_->meter().spot_cost_usd(), 0.10 / 4, 1e-12);
  EXPECT_DOUBLE_EQ(cloud_->meter().spot_instance_hours(), 0.25);
  EXPECT_EQ(cloud_->live_instances(), 0);
}

TEST_F(SimCloudTest, EndRunLaunchesNothingDueAtTheRunsEnd) {
  Make(Config());
  Spot(0.2);  // eligible at 300, the batch at 300 falls on the run's end
  Go(60);
  cloud_->EndRun(At(300));
  EXPECT_THAT(cloud_->instances(), IsEmpty());
  EXPECT_EQ(cloud_->counters().instances_launched, 0);
  EXPECT_EQ(cloud_->meter().spot_cost_usd(), 0);
}

TEST_F(SimCloudTest, AnOnDemandLaunchInTheLastMinuteCostsThatMinute) {
  Make(Config());
  Go(3540);
  ASSERT_THAT(cloud_->LaunchOnDemand({.count = 1,
                                      .instance_type = "c4.large",
                                      .availability_zone = "us-east-1b"}),
              IsOk());
  cloud_->EndRun(At(3600));
  EXPECT_NEAR(cloud_->meter().on_demand_cost_usd(), kOnDemand / 60, 1e-12);
  EXPECT_NEAR(cloud_->meter().on_demand_instance_hours(), 1.0 / 60, 1e-12);
}

TEST_F(SimCloudTest, HistoryNeverShowsTheFuture) {
  trace_.points = {{At(0), 0.10}, {At(1500), 0.12}, {At(2000), 0.13}};
  Make(Config());
  Go(1000);
  auto history = cloud_->History(market_, At(-86400), At(99999));
  ASSERT_THAT(history, IsOk());
  ASSERT_THAT(history->points, SizeIs(1));
  Go(2000);
  history = cloud_->History(market_, At(1000), At(2000));
  ASSERT_THAT(history, IsOk());
  ASSERT_THAT(history->points, SizeIs(3));  // the one in force at 1000
  EXPECT_EQ(history->points[0].time, At(0));
  EXPECT_THAT(cloud_->History({.instance_type = "m5.large",
                               .availability_zone = "us-east-1b"},
                              At(0), At(1)),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("m5.large")));
  EXPECT_THAT(cloud_->OnDemandPrice("c4.large", "us-east-1"), IsOk());
  EXPECT_EQ(*cloud_->OnDemandPrice("c4.large", ""), kOnDemand);
  EXPECT_THAT(cloud_->OnDemandPrice("m5.large", "us-east-1"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("m5.large")));
}

TEST_F(SimCloudTest, CallsCatchUpWithTheClock) {
  Make(Config());
  Spot(0.2);
  clock_.SetTime(At(600));  // no AdvanceTo: List catches up by itself
  EXPECT_THAT(List().instances, SizeIs(1));
}

TEST_F(SimCloudTest, RejectsWhatItDoesNotSell) {
  Make(Config());
  EXPECT_THAT(cloud_->RequestSpot(
                  {.instance_type = "m5.large", .bid_usd_per_hour = 0.2}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("sim RequestSpot: instance type m5.large")));
  EXPECT_THAT(cloud_->RequestSpot({.instance_type = "c4.large",
                                   .availability_zone = "us-east-1a",
                                   .bid_usd_per_hour = 0.2}),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("us-east-1a is not simulated")));
  EXPECT_THAT(
      cloud_->RequestSpot({.instance_type = "c4.large", .bid_usd_per_hour = 0}),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("bid")));
  EXPECT_THAT(cloud_->LaunchOnDemand({.count = 0, .instance_type = "c4.large"}),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("count")));
  EXPECT_THAT(cloud_->requests(), IsEmpty());
}

TEST_F(SimCloudTest, ADrainTakesTheAgentsCapacityAtOnceAndEndsWithinGrace) {
  CloudConfig config = Config();
  config.cluster = {.reports_agents = true,
                    .drain_min = absl::Seconds(60),
                    .drain_max = absl::Seconds(60)};
  Make(config);
  const std::vector<std::string> ids = Spot(0.2, 2);
  Go(600);  // fulfilled at the 300 s batch, joined at 480 s
  const Fleet fleet = List();
  ASSERT_THAT(fleet.instances, SizeIs(2));
  const std::string first = fleet.instances[0].id;
  ASSERT_EQ(cloud_->joined_spot(), 2);
  ASSERT_THAT(cloud_->Agents(), SizeIs(2));
  EXPECT_EQ(cloud_->Agents()[0].state, AgentState::kActive);

  ASSERT_THAT(cloud_->Drain({first}, absl::Minutes(5)), IsOk());
  EXPECT_EQ(cloud_->joined_spot(), 1);  // nothing new lands on it
  EXPECT_EQ(cloud_->Agents()[0].state, AgentState::kDraining);
  // Idempotent: a second drain changes nothing.
  ASSERT_THAT(cloud_->Drain({first}, absl::Minutes(5)), IsOk());
  EXPECT_EQ(cloud_->joined_spot(), 1);
  Go(659);
  EXPECT_EQ(cloud_->Agents()[0].state, AgentState::kDraining);
  Go(660);
  EXPECT_EQ(cloud_->Agents()[0].state, AgentState::kDrained);
  EXPECT_EQ(cloud_->Agents()[1].state, AgentState::kActive);

  // Ending a drained instance does not take its capacity twice.
  ASSERT_THAT(cloud_->Terminate({first}), IsOk());
  EXPECT_EQ(cloud_->joined_spot(), 1);
  EXPECT_THAT(cloud_->Agents(), SizeIs(1));

  // The grace period cuts a drain short.
  const std::string second = fleet.instances[1].id;
  ASSERT_THAT(cloud_->Drain({second}, absl::Seconds(20)), IsOk());
  Go(680);
  EXPECT_EQ(cloud_->Agents()[0].state, AgentState::kDrained);
}

TEST_F(SimCloudTest, DrainingWithoutAnAgentIsNoErrorAndAnUnknownIdIs) {
  CloudConfig config = Config();
  config.cluster.reports_agents = true;
  Make(config);
  Spot(0.2);
  Go(300);  // launched, still booting
  const Fleet fleet = List();
  ASSERT_THAT(fleet.instances, SizeIs(1));
  EXPECT_THAT(cloud_->Agents(), IsEmpty());
  EXPECT_THAT(cloud_->Drain({fleet.instances[0].id}, absl::Minutes(5)), IsOk());
  Go(480);  // it joins as usual, active
  ASSERT_THAT(cloud_->Agents(), SizeIs(1));
  EXPECT_EQ(cloud_->Agents()[0].state, AgentState::kActive);
  EXPECT_THAT(cloud_->Drain({"i-nope"}, absl::Minutes(5)),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("i-nope")));
}

}  // namespace
}  // namespace spotburst::sim::internal
