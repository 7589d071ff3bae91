// Tests of scenario loading: defaults, path resolution and errors that
// name the key.
#include <filesystem>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spotburst/sim/scenario.h"
#include "testing/status_matchers.h"

namespace spotburst::sim {
namespace {

using ::spotburst::testing::IsOk;
using ::spotburst::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::SizeIs;

constexpr char kMinimal[] = R"(
start: "2021-04-06T14:00:00Z"
duration_s: 3600
market:
  price_trace: ../data/trace.csv
)";

std::string Examples() {
  return std::string(SPOTBURST_SOURCE_DIR) + "/examples/scenarios/";
}

absl::StatusOr<Scenario> Parse(const std::string& yaml) {
  return ParseScenario(yaml, "s.yaml", "/work/scenarios");
}

TEST(ScenarioLoader, MinimalScenarioGetsTheDefaults) {
  auto s = Parse(kMinimal);
  ASSERT_THAT(s, IsOk());
  EXPECT_EQ(s->name, "s");  // the file's stem
  EXPECT_EQ(s->start, absl::FromUnixSeconds(1617717600));
  EXPECT_EQ(s->duration, absl::Hours(1));
  EXPECT_EQ(s->seed, 1u);
  EXPECT_EQ(s->markets[0].price_trace, "/work/data/trace.csv");
  EXPECT_EQ(s->markets[0].regime, MarketRegime::kBidSet);
  EXPECT_EQ(s->markets[0].interruption_rate_per_hour, 0);
  EXPECT_EQ(s->cloud.request_batch_interval, absl::Minutes(5));
  EXPECT_EQ(s->cloud.fulfilment_delay_min, absl::Minutes(5));
  EXPECT_EQ(s->cloud.fulfilment_delay_max, absl::Minutes(5));
  EXPECT_EQ(s->cloud.boot_min, absl::Minutes(3));
  EXPECT_EQ(s->cloud.boot_max, absl::Minutes(4));
  EXPECT_EQ(s->cloud.interruption_notice, absl::Minutes(2));
  EXPECT_FALSE(s->cloud.billing.has_value());
  EXPECT_EQ(s->demand.workload_scale, 1);
  EXPECT_TRUE(s->demand.phases.empty());
  EXPECT_FALSE(s->baseline.has_value());
}

TEST(ScenarioLoader, ReadsEveryKey) {
  auto s = Parse(R"(
name: all
start: "2015-07-13T10:00:00Z"
duration_s: 7200
seed: 42
market:
  price_trace: /abs/trace.csv
  instance_type: m3.medium
  availability_zone: us-east-1b
  regime: capacity
  interruption_rate_per_hour: 0.5
  on_demand_usd_per_hour: 0.067
cloud:
  request_batch_interval_s: 60
  fulfilment_delay_min_s: 10
  fulfilment_delay_max_s: 20
  boot_min_s: 30
  boot_max_s: 40
  interruption_notice_s: 90
  billing: per-second
demand:
  phases:
    - {at_s: 0, tasks: 100, per_task: {cpus: 1, mem_mib: 128}}
    - {at_s: 1800, tasks: 0}
  base: {cpus: 0.5}
policies: [p.yaml]
baseline: {cpus: 40, mem_mib: 81920}
)");
  ASSERT_THAT(s, IsOk());
  EXPECT_EQ(s->name, "all");
  EXPECT_EQ(s->seed, 42u);
  EXPECT_EQ(s->markets[0].price_trace, "/abs/trace.csv");
  EXPECT_EQ(s->markets[0].instance_type, "m3.medium");
  EXPECT_EQ(s->markets[0].regime, MarketRegime::kCapacity);
  EXPECT_EQ(s->markets[0].interruption_rate_per_hour, 0.5);
  EXPECT_EQ(s->markets[0].on_demand_usd_per_hour, 0.067);
  EXPECT_EQ(s->cloud.request_batch_interval, absl::Minutes(1));
  EXPECT_EQ(s->cloud.fulfilment_delay_max, absl::Seconds(20));
  EXPECT_EQ(s->cloud.boot_max, absl::Seconds(40));
  EXPECT_EQ(s->cloud.interruption_notice, absl::Seconds(90));
  EXPECT_EQ(s->cloud.billing, BillingModel::kPerSecond);
  ASSERT_THAT(s->demand.phases, SizeIs(2));
  EXPECT_EQ(s->demand.phases[0].per_task.mem_mib, 128);
  EXPECT_EQ(s->demand.phases[1].at, absl::Minutes(30));
  EXPECT_EQ(s->demand.base.cpus, 0.5);
  EXPECT_THAT(s->policies, ::testing::ElementsAre("/work/scenarios/p.yaml"));
  EXPECT_EQ(s->baseline, (Resources{.cpus = 40, .mem_mib = 81920}));
}

TEST(ScenarioLoader, LoadsTheExamplesWithPathsNextToThem) {
  for (const char* name : {"experiment1-scale-up", "experiment1-revised",
                           "experiment2-scale-down"}) {
    auto s = LoadScenarioFile(Examples() + name + ".yaml");
    ASSERT_THAT(s, IsOk()) << name;
    EXPECT_EQ(s->name, name);
    EXPECT_TRUE(std::filesystem::exists(s->markets[0].price_trace)) << name;
    ASSERT_THAT(s->policies, SizeIs(1));
    EXPECT_TRUE(std::filesystem::exists(s->policies[0])) << name;
  }
}

TEST(ScenarioLoader, RequiredKeysAreNamed) {
  EXPECT_THAT(Parse("duration_s: 60\nmarket: {price_trace: t.csv}\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("scenario: s.yaml: start: required")));
  EXPECT_THAT(Parse("start: \"2021-01-01T00:00:00Z\"\n"
                    "market: {price_trace: t.csv}\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("duration_s: required")));
  EXPECT_THAT(Parse("start: \"2021-01-01T00:00:00Z\"\nduration_s: 60\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("market.price_trace: required")));
}

TEST(ScenarioLoader, BadValuesAreNamed) {
  const std::string base = std::string(kMinimal);
  EXPECT_THAT(Parse("start: yesterday\nduration_s: 60\n"
                    "market: {price_trace: t.csv}\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("start: bad time \"yesterday\"")));
  EXPECT_THAT(Parse(base + "  regime: auction\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("market.regime: unknown regime \"auction\"")));
  EXPECT_THAT(Parse(base + "  interruption_rate_per_hour: 0.1\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("market.interruption_rate_per_hour: only "
                                 "applies to regime: capacity")));
  EXPECT_THAT(Parse(base + "cloud: {billing: monthly}\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("cloud.billing: unknown billing model")));
  EXPECT_THAT(
      Parse(base + "cloud: {fulfilment_delay_min_s: 600}\n"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("cloud.fulfilment_delay_min_s: 600 s is more than "
                         "cloud.fulfilment_delay_max_s")));
  EXPECT_THAT(Parse(base + "cloud: {boot_min_s: 300, boot_max_s: 200}\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("cloud.boot_min_s")));
  EXPECT_THAT(Parse(base + "cluster: {drain_min_s: 300, drain_max_s: 200}\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("cluster.drain_min_s: 300 s is more than "
                                 "cluster.drain_max_s")));
  EXPECT_THAT(
      Parse(base + "cluster: {reports_agent: true}\n"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("reports_agent")));
  EXPECT_THAT(
      Parse(base + "cloud: {spot_capacity_outages: [{at_s: 60}]}\n"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("cloud.spot_capacity_outages[0]: needs both at_s "
                         "and for_s")));
  EXPECT_THAT(
      Parse(base + "cloud: {spot_capacity_outages: [{at_s: 60, for_s: 0}]}\n"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("cloud.spot_capacity_outages[0].for_s")));
  EXPECT_THAT(Parse(base + "demand:\n  phases:\n    - {at_s: 60, tasks: 1}\n"
                           "    - {at_s: 30, tasks: 2}\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("demand.phases[1].at_s: 30 s is before")));
  EXPECT_THAT(
      Parse(base + "demand:\n  workload_trace: w.csv\n"
                   "  phases: [{at_s: 0, tasks: 1}]\n"),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("not both")));
}

// Times outside years 1-9999 cannot be written back to JSON or gRPC; the
// simulator refuses them like every other input.
TEST(ScenarioLoader, StartOutsideTheTimestampRangeIsRefused) {
  for (const char* start : {"0000-06-01T00:00:00Z", "-0001-01-01T00:00:00Z",
                            "10000-01-01T00:00:00Z"}) {
    EXPECT_THAT(Parse(std::string("start: \"") + start +
                      "\"\nduration_s: 60\nmarket: {price_trace: t.csv}\n"),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         HasSubstr("start: bad time")))
        << start;
  }
}

// A phase time past any scenario once overflowed its conversion to whole
// seconds (undefined behaviour; found by tests/fuzz).
TEST(ScenarioLoader, APhaseTimeBeyondTenYearsIsRefused) {
  EXPECT_THAT(Parse(std::string(kMinimal) +
                    "demand:\n  phases:\n    - {at_s: 0, tasks: 1}\n"
                    "    - {at_s: 1.44e111, tasks: 2}\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("demand.phases[1].at_s")));
}

TEST(ScenarioLoader, SchemaErrorsNameTheKeyAndLine) {
  EXPECT_THAT(Parse(std::string(kMinimal) + "  colour: blue\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("scenario: s.yaml:6: market.colour")));
  EXPECT_THAT(Parse("start: \"2021-01-01T00:00:00Z\"\nduration_s: 0\n"
                    "market: {price_trace: t.csv}\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("duration_s: 0 is out of range")));
}

TEST(ScenarioLoader, MissingFileIsNotFound) {
  EXPECT_THAT(LoadScenarioFile("/nonexistent/s.yaml"),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr("s.yaml")));
}

}  // namespace
}  // namespace spotburst::sim
