// Sweep grids: the base policy (a file or inline), the cartesian product of
// the settings in the grid's order, and an error naming the line and the
// field (or the combination) for each way a grid can be wrong.
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "spotburst/sim/sweep.h"
#include "testing/status_matchers.h"

namespace spotburst::sim {
namespace {

using ::spotburst::testing::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kInline[] =
    "policy:\n"
    "  name: base\n"
    "  instance: {type: c4.large, shape: {cpus: 2}, "
    "on_demand_usd_per_hour: 0.1}\n"
    "  scaling: {burst_point: 0.75, max_instances: 10}\n";

absl::StatusOr<SweepGrid> Parse(const std::string& text) {
  return ParseSweepGrid(text, "grid.yaml", SPOTBURST_SOURCE_DIR);
}

// The error of a grid with kInline's policy and these settings.
absl::Status SettingsError(const std::string& settings) {
  return Parse(std::string(kInline) + "settings:\n" + settings).status();
}

TEST(CartesianProduct, TheLastIndexTurnsFastest) {
  EXPECT_THAT(
      CartesianProduct({2, 3}),
      ElementsAre(ElementsAre(0, 0), ElementsAre(0, 1), ElementsAre(0, 2),
                  ElementsAre(1, 0), ElementsAre(1, 1), ElementsAre(1, 2)));
  EXPECT_THAT(CartesianProduct({1, 2, 1}),
              ElementsAre(ElementsAre(0, 0, 0), ElementsAre(0, 1, 0)));
  EXPECT_TRUE(CartesianProduct({3, 0}).empty());
  EXPECT_THAT(CartesianProduct({}), ElementsAre(ElementsAre()));
}

TEST(SweepGrid, RunsEveryCombinationOfAnInlinePolicy) {
  absl::StatusOr<SweepGrid> grid =
      Parse(std::string(kInline) +
            "settings:\n"
            "  scaling.burst_point: [0.6, 0.8]\n"
            "  bidding.strategy: [mean, on-demand, current-plus]\n"
            "  scaling.maxInstances: [20]\n");  // a JSON name works too
  ASSERT_TRUE(grid.ok()) << grid.status();
  EXPECT_EQ(grid->name, "grid");
  EXPECT_EQ(grid->base_policy, "base");
  ASSERT_EQ(grid->settings.size(), 3u);
  EXPECT_EQ(grid->settings[0].field, "scaling.burst_point");
  EXPECT_EQ(grid->settings[2].field, "scaling.max_instances");
  ASSERT_EQ(grid->runs.size(), 6u);
  EXPECT_THAT(grid->runs[0].values, ElementsAre("0.6", "mean", "20"));
  EXPECT_THAT(grid->runs[4].values, ElementsAre("0.8", "on-demand", "20"));
  const Policy& p = grid->runs[4].policy;
  EXPECT_DOUBLE_EQ(p.scaling.burst_point, 0.8);
  EXPECT_EQ(p.bidding.strategy, "on-demand");
  EXPECT_EQ(p.scaling.max_instances, 20);
  // What no setting touches stays the base's.
  EXPECT_EQ(p.instance.type, "c4.large");
  EXPECT_EQ(grid->runs[0].policy.scaling.max_instances, 20);
  EXPECT_EQ(p.name,
            "scaling.burst_point=0.8 bidding.strategy=on-demand "
            "scaling.max_instances=20");
}

TEST(SweepGrid, ReadsTheBasePolicyFileRelativeToTheGrid) {
  absl::StatusOr<SweepGrid> grid = Parse(
      "name: tuning\n"
      "policy: examples/policies/compare/target-current-plus.yaml\n"
      "settings:\n"
      "  scaling.params.unused: [1, 2]\n"
      "  billing.model: [hourly]\n");
  ASSERT_TRUE(grid.ok()) << grid.status();
  EXPECT_EQ(grid->name, "tuning");
  EXPECT_EQ(grid->base_policy, "target-current-plus");
  ASSERT_EQ(grid->runs.size(), 2u);
  EXPECT_EQ(grid->runs[1].policy.scaling.params.at("unused"), 2);
  EXPECT_EQ(grid->runs[1].policy.billing.model, BillingModel::kHourly);
  EXPECT_EQ(grid->runs[1].policy.scaling.strategy, "target");
}

TEST(SweepGrid, TheShippedExamplesLoad) {
  for (const char* name :
       {"showcase-week.yaml", "four-weeks-frontier.yaml", "zones-spread.yaml",
        "zones-2021-avoid.yaml", "zones-2021-prior.yaml"}) {
    absl::StatusOr<SweepGrid> grid = LoadSweepGridFile(
        std::string(SPOTBURST_SOURCE_DIR) + "/examples/sweeps/" + name);
    ASSERT_TRUE(grid.ok()) << name << ": " << grid.status();
    EXPECT_GT(grid->runs.size(), 1u) << name;
  }
}

TEST(SweepGrid, AnUnknownFieldPathNamesItsLineAndTheKnownFields) {
  EXPECT_THAT(SettingsError("  scaling.burst_point: [0.6]\n"
                            "  scaling.burst_pont: [0.7]\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("grid.yaml:7: scaling.burst_pont: "
                                       "unknown field \"burst_pont\" in "
                                       "scaling"),
                             HasSubstr("known: strategy, burst_point"))));
  EXPECT_THAT(SettingsError("  scalingg.burst_point: [0.6]\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("grid.yaml:6: scalingg.burst_point: unknown "
                                 "field \"scalingg\" in the policy")));
}

TEST(SweepGrid, FieldsThatHoldNoSingleValueAreRefused) {
  EXPECT_THAT(SettingsError("  scaling: [1]\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("scaling is a section")));
  EXPECT_THAT(SettingsError("  instance.launch_spec.tags: [a]\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("a sweep sets single values")));
  EXPECT_THAT(SettingsError("  scaling.burst_point.x: [1]\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("scaling.burst_point is a value")));
  EXPECT_THAT(SettingsError("  bidding.params: [1]\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("name one: bidding.params.NAME")));
}

TEST(SweepGrid, AValueOfTheWrongTypeOrRangeNamesItsLine) {
  EXPECT_THAT(SettingsError("  scaling.max_instances:\n"
                            "    - 10\n"
                            "    - ten\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("grid.yaml:8: scaling.max_instances: "
                                 "expected an integer, got \"ten\"")));
  EXPECT_THAT(SettingsError("  scaling.burst_point: [0.5, 1.5]\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("grid.yaml:6: scaling.burst_point: 1.5 is "
                                 "out of range (0, 1]")));
  EXPECT_THAT(SettingsError("  scaling.burst_point: [[0.5]]\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("expected a single value")));
  EXPECT_THAT(SettingsError("  scaling.burst_point: 0.5\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("scaling.burst_point: expected a list of "
                                 "values")));
}

TEST(SweepGrid, AnEmptyListIsRefused) {
  EXPECT_THAT(SettingsError("  scaling.burst_point: []\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("grid.yaml:6: scaling.burst_point: empty "
                                 "list")));
}

TEST(SweepGrid, AFieldSetTwiceIsRefused) {
  EXPECT_THAT(SettingsError("  scaling.burst_point: [0.6]\n"
                            "  scaling.burstPoint: [0.7]\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("grid.yaml:7: scaling.burstPoint: set twice "
                                 "(first on line 6)")));
}

TEST(SweepGrid, AnInvalidCombinationIsNamed) {
  // Each value is fine alone; 20 instances at least with at most 10 is not.
  EXPECT_THAT(
      SettingsError("  scaling.min_instances: [0, 20]\n"
                    "  scaling.max_instances: [10, 30]\n"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               AllOf(HasSubstr("grid.yaml: combination 3 of 4 "
                               "(scaling.min_instances=20, "
                               "scaling.max_instances=10): "),
                     HasSubstr("scaling.min_instances: 20 is greater than "
                               "scaling.max_instances (10)"))));
  EXPECT_THAT(SettingsError("  bidding.strategy: [mean, meen]\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("combination 2 of 2 "
                                       "(bidding.strategy=meen)"),
                             HasSubstr("meen"))));
}

TEST(SweepGrid, MoreThanTheMostRunsIsRefusedBeforeAnyIsMade) {
  std::string values = "[";
  for (int i = 1; i <= 101; ++i) absl::StrAppend(&values, i > 1 ? ", " : "", i);
  values += "]";
  EXPECT_THAT(SettingsError("  scaling.max_instances: " + values +
                            "\n  scaling.min_instances: " + values + "\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("101 x 101 combinations and more, above the "
                                 "10000 a sweep runs")));
}

TEST(SweepGrid, TheGridItselfMustBeWellFormed) {
  EXPECT_THAT(Parse("settings:\n  scaling.burst_point: [0.6]\n").status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("policy: missing")));
  EXPECT_THAT(Parse(kInline).status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("settings: missing")));
  EXPECT_THAT(Parse(std::string(kInline) + "setings: {}\n").status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("grid.yaml:5: setings: unknown key")));
  EXPECT_THAT(Parse(std::string(kInline) + "policy: other.yaml\n").status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("grid.yaml:5: policy: set twice (first on "
                                 "line 1)")));
  EXPECT_THAT(Parse(std::string(kInline) + "name: {a: 1}\n").status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("grid.yaml:5: name: expected a string")));
  EXPECT_THAT(
      Parse("policy: no/such/policy.yaml\nsettings: {a: [1]}\n").status(),
      StatusIs(absl::StatusCode::kNotFound, HasSubstr("policy")));
  EXPECT_THAT(
      Parse("policy: {instance: {type: c4.large}}\n"
            "settings: {scaling.burst_point: [0.6]}\n")
          .status(),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("grid.yaml: inline policy: instance.on_demand")));
  EXPECT_THAT(Parse("policy: [\n").status(),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("YAML syntax error")));
}

TEST(SweepGrid, ErrorsDoNotEchoLongInput) {
  const std::string long_name(5000, 'x');
  const absl::Status s = SettingsError("  " + long_name + ": [1]\n");
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument,
                          Not(HasSubstr(std::string(100, 'x')))));
  const std::string long_value(5000, 'y');
  EXPECT_THAT(SettingsError("  bidding.strategy: [" + long_value + "]\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("a value of 5000 characters"),
                             Not(HasSubstr(std::string(100, 'y'))))));
  EXPECT_THAT(Parse("policy: " + long_name + "\nsettings: {a: [1]}\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       AllOf(HasSubstr("policy: a path of 5000 characters"),
                             Not(HasSubstr(std::string(100, 'x'))))));
}

}  // namespace
}  // namespace spotburst::sim
