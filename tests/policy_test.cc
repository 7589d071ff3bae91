// Policy loading: the example policies, YAML and JSON forms, defaults, every
// kind of rejected input (with its key path and line), the cross-field rules
// of ValidatePolicy, and the proto round trip used by the API.
#include "spotburst/policy.h"

#include <cmath>
#include <filesystem>
#include <limits>
#include <string>

#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "gtest/gtest.h"
#include "spotburst/internal/policy_proto.h"
#include "spotburst/internal/yaml_proto.h"
#include "spotburst/v1/policy.pb.h"
#include "testing/minimal_policy.h"
#include "testing/status_matchers.h"

namespace spotburst {
namespace {

using ::spotburst::testing::IsOk;
using ::spotburst::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::string RepoPath(const std::string& relative) {
  return std::string(SPOTBURST_SOURCE_DIR) + "/" + relative;
}

absl::StatusOr<Policy> ParseWith(const std::string& extra) {
  return testing::ParseMinimalPolicyWith(extra);
}

Policy ValidPolicy() {
  Policy policy;
  policy.instance.type = "c4.large";
  policy.instance.shape = {.cpus = 2, .mem_mib = 3840};
  policy.instance.on_demand_usd_per_hour = 0.1;
  return policy;
}

// --- The example policies --------------------------------------------------

class ExamplePolicy : public ::testing::TestWithParam<const char*> {};

TEST_P(ExamplePolicy, LoadsWithTheExperimentsCommonSettings) {
  absl::StatusOr<Policy> policy =
      LoadPolicyFile(RepoPath(std::string("examples/policies/") + GetParam()));
  ASSERT_THAT(policy, IsOk());
  EXPECT_EQ(policy->evaluation_interval, absl::Seconds(60));
  EXPECT_EQ(policy->scaling.max_instances, 10);
  EXPECT_EQ(policy->bidding.max_bid_usd_per_hour, 0.5);
  EXPECT_EQ(policy->bidding.strategy, "current-plus");
  EXPECT_EQ(policy->requests.timeout, absl::Minutes(10));
  EXPECT_EQ(policy->baseline,
            (Resources{.cpus = 40, .mem_mib = 81920, .disk_mib = 819200}));
  EXPECT_EQ(policy->instance.region, "us-east-1");
}

TEST(ExamplePolicy, TheEc2PolicyCarriesAWholeLaunchSpecification) {
  absl::StatusOr<Policy> policy =
      LoadPolicyFile(RepoPath("examples/policies/ec2-burst.yaml"));
  ASSERT_THAT(policy, IsOk());
  const LaunchSpec& spec = policy->instance.launch_spec;
  EXPECT_EQ(spec.image_id, "ami-0abcdef1234567890");
  EXPECT_EQ(spec.subnet_id, "subnet-0a1b2c3d4e5f67890");
  EXPECT_EQ(spec.security_group_ids,
            std::vector<std::string>{"sg-0123456789abcdef0"});
  EXPECT_EQ(spec.iam_instance_profile, "burst-agent");
  EXPECT_EQ(spec.tags.at("team"), "batch");
  // The burst agent's boot script ships with it.
  EXPECT_EQ(spec.user_data_file, "examples/mesos/burst-agent-user-data.sh");
  EXPECT_TRUE(std::filesystem::is_regular_file(RepoPath(spec.user_data_file)));
}

INSTANTIATE_TEST_SUITE_P(All, ExamplePolicy,
                         ::testing::Values("ec2-burst.yaml",
                                           "experiment1-scale-up.yaml",
                                           "experiment1-revised.yaml",
                                           "experiment2-scale-down.yaml",
                                           "on-demand-fallback.yaml"));

TEST(ExamplePolicies, Experiment1ScaleUpHasTable54Values) {
  absl::StatusOr<Policy> policy =
      LoadPolicyFile(RepoPath("examples/policies/experiment1-scale-up.yaml"));
  ASSERT_THAT(policy, IsOk());
  EXPECT_EQ(policy->instance.type, "m3.medium");
  EXPECT_EQ(policy->instance.shape,
            (Resources{.cpus = 1, .mem_mib = 3840, .disk_mib = 4096}));
  EXPECT_EQ(policy->instance.on_demand_usd_per_hour, 0.067);
  EXPECT_EQ(policy->scaling.strategy, "burst-point");
  EXPECT_EQ(policy->scaling.burst_point, 0.85);
  EXPECT_EQ(policy->bidding.padding_usd, 0.001);
}

TEST(ExamplePolicies, Experiment1RevisedHasTable55Values) {
  absl::StatusOr<Policy> policy =
      LoadPolicyFile(RepoPath("examples/policies/experiment1-revised.yaml"));
  ASSERT_THAT(policy, IsOk());
  EXPECT_EQ(policy->instance.type, "c4.large");
  EXPECT_EQ(policy->instance.shape, (Resources{.cpus = 2, .mem_mib = 3840}));
  EXPECT_EQ(policy->instance.on_demand_usd_per_hour, 0.1);
  EXPECT_EQ(policy->scaling.burst_point, 0.75);
  EXPECT_EQ(policy->bidding.padding_usd, 0.1);
  EXPECT_EQ(policy->billing.partial_hour_limit, absl::Minutes(50));
}

TEST(ExamplePolicies, Experiment2HasTwentyMinutePartialHourLimit) {
  absl::StatusOr<Policy> policy =
      LoadPolicyFile(RepoPath("examples/policies/experiment2-scale-down.yaml"));
  ASSERT_THAT(policy, IsOk());
  EXPECT_EQ(policy->billing.model, BillingModel::kHourly);
  EXPECT_EQ(policy->billing.partial_hour_limit, absl::Minutes(20));
  EXPECT_EQ(policy->scaling.burst_point, 0.75);
  EXPECT_EQ(policy->bidding.padding_usd, 0.1);
}

TEST(ExamplePolicies, OnDemandFallbackUsesTodaysMarketSettings) {
  absl::StatusOr<Policy> policy =
      LoadPolicyFile(RepoPath("examples/policies/on-demand-fallback.yaml"));
  ASSERT_THAT(policy, IsOk());
  EXPECT_EQ(policy->scaling.strategy, "target");
  EXPECT_EQ(policy->billing.model, BillingModel::kPerSecond);
  EXPECT_TRUE(policy->fallback.enabled);
  EXPECT_TRUE(policy->bidding.floor_at_current);
  EXPECT_EQ(policy->cost.max_fleet_usd_per_hour, 2.0);
  EXPECT_EQ(policy->scaling.scale_up_cooldown, absl::Minutes(2));
  EXPECT_EQ(policy->scaling.scale_down_cooldown, absl::Minutes(10));
  EXPECT_EQ(policy->scaling.stabilization_window, absl::Minutes(5));
  EXPECT_EQ(policy->instance.launch_spec.tags.at("team"), "batch");
}

// --- Accepted forms and defaults ----------------------------------------

TEST(ParsePolicy, JsonFormMatchesYamlForm) {
  absl::StatusOr<Policy> json = LoadPolicyFile(
      RepoPath("tests/testdata/policies/experiment2-scale-down.json"));
  absl::StatusOr<Policy> yaml =
      LoadPolicyFile(RepoPath("examples/policies/experiment2-scale-down.yaml"));
  ASSERT_THAT(json, IsOk());
  ASSERT_THAT(yaml, IsOk());
  EXPECT_EQ(internal::PolicyToProto(*json).DebugString(),
            internal::PolicyToProto(*yaml).DebugString());
}

TEST(ParsePolicy, AcceptsCamelCaseKeys) {
  absl::StatusOr<Policy> policy = ParsePolicy(R"(
evaluationIntervalS: 30
instance: {type: c4.large, shape: {memMib: 3840}, onDemandUsdPerHour: 0.1}
scaling: {burstPoint: 0.5, maxInstances: 4}
billing: {partialHourLimitMin: 40, drainTimeS: 60}
)");
  ASSERT_THAT(policy, IsOk());
  EXPECT_EQ(policy->evaluation_interval, absl::Seconds(30));
  EXPECT_EQ(policy->instance.shape.mem_mib, 3840);
  EXPECT_EQ(policy->scaling.burst_point, 0.5);
  EXPECT_EQ(policy->scaling.max_instances, 4);
  EXPECT_EQ(policy->billing.partial_hour_limit, absl::Minutes(40));
  EXPECT_EQ(policy->billing.drain_time, absl::Minutes(1));
}

TEST(ParsePolicy, AppliesDefaultsWhenKeysAreAbsent) {
  absl::StatusOr<Policy> policy = ParseWith("scaling:\nbilling:\n");
  ASSERT_THAT(policy, IsOk());
  const Policy defaults;
  EXPECT_EQ(policy->evaluation_interval, absl::Seconds(60));
  EXPECT_EQ(policy->baseline, Resources{});  // use the cluster's baseline
  EXPECT_EQ(policy->instance.product, "Linux/UNIX");
  EXPECT_EQ(policy->scaling.strategy, "burst-point");
  EXPECT_EQ(policy->scaling.burst_point, 0.75);
  EXPECT_EQ(policy->scaling.max_instances, 10);
  EXPECT_EQ(policy->bidding.strategy, defaults.bidding.strategy);
  EXPECT_EQ(policy->bidding.max_bid_usd_per_hour, 0.5);
  EXPECT_EQ(policy->bidding.padding_usd, 0.001);
  EXPECT_EQ(policy->bidding.price_window, absl::Hours(24));
  EXPECT_EQ(policy->requests.timeout, absl::Minutes(10));
  EXPECT_EQ(policy->billing.model, BillingModel::kHourly);
  EXPECT_EQ(policy->billing.partial_hour_limit, absl::Minutes(50));
  EXPECT_EQ(policy->billing.minimum_billed, absl::Seconds(60));
  EXPECT_FALSE(policy->fallback.enabled);
  EXPECT_EQ(policy->fallback.retry_spot_after, absl::Minutes(30));
  EXPECT_EQ(policy->cost.max_fleet_usd_per_hour, 0);
}

TEST(ParsePolicy, LeavesStrategyNamesToTheRegistry) {
  EXPECT_THAT(ParseWith("scaling: {strategy: acme.my-scaler}\n"), IsOk());
}

TEST(ParsePolicy, AcceptsStrategyParamsAsNumbers) {
  absl::StatusOr<Policy> policy =
      ParseWith("bidding:\n  params: {alpha: 0.5, steps: 3}\n");
  ASSERT_THAT(policy, IsOk());
  EXPECT_EQ(policy->bidding.params.at("alpha"), 0.5);
  EXPECT_EQ(policy->bidding.params.at("steps"), 3);
}

// --- Rejected input: key path, line and reason ----------------------------

TEST(ParsePolicy, RejectsUnknownKeyListingKnownOnes) {
  EXPECT_THAT(ParseWith("scaling:\n  burst_pont: 0.8\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       StartsWith("policy.yaml:6: scaling.burst_pont: unknown "
                                  "key (known: strategy, burst_point, ")));
}

TEST(ParsePolicy, RejectsWordForInteger) {
  EXPECT_THAT(ParseWith("scaling:\n  max_instances: ten\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("policy.yaml:6: scaling.max_instances: "
                                 "expected an integer, got \"ten\"")));
}

TEST(ParsePolicy, RejectsFractionForInteger) {
  EXPECT_THAT(ParseWith("scaling: {max_instances: 1.5}\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("scaling.max_instances: expected an integer, "
                                 "got \"1.5\"")));
}

TEST(ParsePolicy, RejectsMappingWhereScalarBelongs) {
  EXPECT_THAT(ParseWith("scaling:\n  max_instances: {a: 1}\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("scaling.max_instances: expected an integer, "
                                 "got a mapping")));
}

TEST(ParsePolicy, RejectsQuotedNumber) {
  EXPECT_THAT(ParseWith("scaling: {burst_point: \"0.8\"}\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("scaling.burst_point: expected a finite "
                                 "number, got \"0.8\"")));
}

TEST(ParsePolicy, RejectsOutOfRangeWithRangeAndLine) {
  EXPECT_THAT(ParseWith("scaling:\n  strategy: burst-point\n"
                        "  burst_point: 1.5\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "policy.yaml:7: scaling.burst_point: 1.5 is out of "
                       "range (0, 1]"));
  EXPECT_THAT(ParseWith("scaling: {burst_point: 0}\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("scaling.burst_point: 0 is out of range "
                                 "(0, 1]")));
  EXPECT_THAT(ParseWith("bidding: {padding_usd: -0.001}\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("bidding.padding_usd: -0.001 is out of range "
                                 "[0, 100]")));
}

TEST(ParsePolicy, RejectsNanAndInfinity) {
  for (const char* value : {".nan", "NaN", ".inf", "-.Inf", "inf"}) {
    EXPECT_THAT(
        ParseWith(std::string("bidding: {padding_usd: ") + value + "}\n"),
        StatusIs(absl::StatusCode::kInvalidArgument,
                 HasSubstr("bidding.padding_usd: " + std::string(value) +
                           " is not allowed (NaN and infinity")))
        << value;
  }
}

TEST(ParsePolicy, BoolAcceptsTrueAndFalseOnly) {
  EXPECT_THAT(ParseWith("fallback: {enabled: true}\n"), IsOk());
  EXPECT_THAT(ParseWith("fallback: {enabled: yes}\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("fallback.enabled: expected true or false, "
                                 "got \"yes\"")));
}

TEST(ParsePolicy, RejectsStructuredValuesForStrings) {
  EXPECT_THAT(ParsePolicy("name: [a, b]\n", "policy.yaml"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("policy.yaml:1: name: expected a string, got "
                                 "a sequence")));
}

TEST(ParsePolicy, RepeatedAndMapFieldsNeedTheirShape) {
  EXPECT_THAT(
      ParseWith("  launch_spec: {security_group_ids: sg-1}\n"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("instance.launch_spec.security_group_ids: expected a "
                         "sequence, got \"sg-1\"")));
  EXPECT_THAT(ParseWith("  launch_spec: {tags: [team]}\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("instance.launch_spec.tags: expected a "
                                 "mapping, got a sequence")));
  absl::StatusOr<Policy> policy = ParseWith(
      "  launch_spec: {security_group_ids: [sg-1, sg-2], tags: {a: b}}\n");
  ASSERT_THAT(policy, IsOk());
  EXPECT_THAT(policy->instance.launch_spec.security_group_ids,
              ::testing::ElementsAre("sg-1", "sg-2"));
  EXPECT_EQ(policy->instance.launch_spec.tags.at("a"), "b");
}

TEST(ParsePolicy, ParamsRejectStringValues) {
  EXPECT_THAT(ParseWith("scaling:\n  params: {alpha: high}\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("policy.yaml:6: scaling.params.alpha: "
                                 "expected a finite number (params hold "
                                 "numbers only), got \"high\"")));
  EXPECT_THAT(ParseWith("scaling:\n  params: [1, 2]\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("scaling.params: expected a mapping of name "
                                 "-> number, got a sequence")));
}

TEST(ParsePolicy, RejectsDuplicateKeys) {
  EXPECT_THAT(ParseWith("scaling:\n  burst_point: 0.5\n  burstPoint: 0.6\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("policy.yaml:7: scaling.burstPoint: duplicate "
                                 "key (first set on line 6)")));
}

TEST(ParsePolicy, RejectsUnknownBillingModel) {
  EXPECT_THAT(ParseWith("billing: {model: monthly}\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("policy.yaml: billing.model: unknown billing "
                                 "model \"monthly\" (allowed: hourly, "
                                 "per-second)")));
}

TEST(ParsePolicy, RejectsMinInstancesAboveMax) {
  EXPECT_THAT(ParseWith("scaling: {min_instances: 5, max_instances: 3}\n"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("policy.yaml: scaling.min_instances: 5 is "
                                 "greater than scaling.max_instances (3)")));
}

TEST(ParsePolicy, RejectsHourlyPartialHourPlusDrainOverAnHour) {
  EXPECT_THAT(
      ParseWith("billing: {partial_hour_limit_min: 55, drain_time_s: 600}\n"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("billing.partial_hour_limit_min: 55 min plus "
                         "billing.drain_time_s (600 s) leaves no time")));
  // Per-second billing has no billing hour to fit in.
  EXPECT_THAT(ParseWith("billing: {model: per-second, "
                        "partial_hour_limit_min: 55, drain_time_s: 600}\n"),
              IsOk());
}

TEST(ParsePolicy, RejectsMissingRequiredInstanceKeys) {
  EXPECT_THAT(ParsePolicy("", "empty.yaml"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("empty.yaml: instance.type: required")));
  EXPECT_THAT(
      ParsePolicy("instance: {type: c4.large, shape: {cpus: 2}}\n", "p.yaml"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("p.yaml: instance.on_demand_usd_per_hour: required")));
  EXPECT_THAT(ParsePolicy("instance: {type: c4.large, "
                          "on_demand_usd_per_hour: 0.1}\n",
                          "p.yaml"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("p.yaml: instance.shape: required")));
}

TEST(ParsePolicy, SyntaxErrorNamesLineAndColumn) {
  EXPECT_THAT(
      ParsePolicy("scaling:\n  burst_point: 0.5\n bad: [1, 2\n", "policy.yaml"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               StartsWith("policy.yaml:3:")));
  absl::StatusOr<Policy> from_file =
      LoadPolicyFile(RepoPath("tests/testdata/policies/syntax-error.yaml"));
  EXPECT_THAT(from_file, StatusIs(absl::StatusCode::kInvalidArgument,
                                  HasSubstr("syntax-error.yaml:5:8: YAML "
                                            "syntax error: ")));
}

// yaml-cpp's LoadAll never returns on these (found by tests/fuzz): the
// parse must end, with an error.
TEST(ParsePolicy, EndsOnTextThatOnceNeverFinishedParsing) {
  for (const char* text : {",", ", for `spotburst compare`:", "a: 1\n,\n"}) {
    SCOPED_TRACE(text);
    EXPECT_THAT(
        ParsePolicy(text, "policy.yaml"),
        StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("policy.yaml")));
  }
}

TEST(ParsePolicy, RejectsSeveralDocumentsAndNonMappingRoot) {
  EXPECT_THAT(ParsePolicy("name: a\n---\nname: b\n", "policy.yaml"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("expected one YAML document, found 2")));
  EXPECT_THAT(ParsePolicy("[1, 2]\n", "policy.yaml"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "policy.yaml:1: expected a mapping, got a sequence"));
}

TEST(LoadPolicyFile, FileErrorsNameThePathAndLine) {
  const std::string missing = RepoPath("tests/testdata/policies/none.yaml");
  EXPECT_THAT(LoadPolicyFile(missing),
              StatusIs(absl::StatusCode::kNotFound, HasSubstr(missing)));
  EXPECT_THAT(
      LoadPolicyFile(RepoPath("tests/testdata/policies")),
      StatusIs(absl::StatusCode::kNotFound, HasSubstr("not a regular file")));
  EXPECT_THAT(LoadPolicyFile(RepoPath(
                  "tests/testdata/policies/burst-point-out-of-range.yaml")),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("burst-point-out-of-range.yaml:9: "
                                 "scaling.burst_point: 1.5 is out of range "
                                 "(0, 1]")));
}

// --- ValidatePolicy on a Policy built in code --------------------------

TEST(ValidatePolicy, AcceptsAllZeroBaseline) {
  EXPECT_THAT(ValidatePolicy(ValidPolicy()), IsOk());
}

TEST(ValidatePolicy, RechecksSingleKeyRanges) {
  constexpr double nan = std::numeric_limits<double>::quiet_NaN();
  struct Case {
    const char* key;
    void (*mutate)(Policy&);
  };
  const Case cases[] = {
      {"scaling.scale_up_cooldown_s: -1 is out of range [0, 86400]",
       [](Policy& p) { p.scaling.scale_up_cooldown = absl::Seconds(-1); }},
      {"scaling.burst_point: 0 is out of range (0, 1]",
       [](Policy& p) { p.scaling.burst_point = 0; }},
      {"scaling.burst_point: 1.01 is out of range (0, 1]",
       [](Policy& p) { p.scaling.burst_point = 1.01; }},
      {"bidding.padding_usd: -0.5 is out of range [0, 100]",
       [](Policy& p) { p.bidding.padding_usd = -0.5; }},
      {"bidding.high_multiple: nan is not a finite number",
       [](Policy& p) { p.bidding.high_multiple = nan; }},
      {"baseline.cpus: nan is not a finite number",
       [](Policy& p) { p.baseline.cpus = nan; }},
      {"scaling.params.alpha: inf is not a finite number",
       [](Policy& p) { p.scaling.params["alpha"] = INFINITY; }},
      {"evaluation_interval_s: 0 is out of range [1, 86400]",
       [](Policy& p) { p.evaluation_interval = absl::ZeroDuration(); }},
      {"bidding.max_bid_usd_per_hour: 0 is out of range (0, 1000]",
       [](Policy& p) { p.bidding.max_bid_usd_per_hour = 0; }},
      {"requests.timeout_s: inf is not a finite number",
       [](Policy& p) { p.requests.timeout = absl::InfiniteDuration(); }},
  };
  for (const Case& c : cases) {
    Policy policy = ValidPolicy();
    c.mutate(policy);
    EXPECT_THAT(ValidatePolicy(policy),
                StatusIs(absl::StatusCode::kInvalidArgument,
                         std::string("policy: ") + c.key));
  }
}

TEST(ValidatePolicy, ChecksRequiredAndCrossKeyRules) {
  Policy policy = ValidPolicy();
  policy.instance.type.clear();
  EXPECT_THAT(ValidatePolicy(policy),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("instance.type: required")));
  policy = ValidPolicy();
  policy.instance.on_demand_usd_per_hour = std::nan("");
  EXPECT_THAT(ValidatePolicy(policy),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("instance.on_demand_usd_per_hour")));
  policy = ValidPolicy();
  policy.instance.shape = Resources{};
  EXPECT_THAT(ValidatePolicy(policy),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("instance.shape: required")));
  policy = ValidPolicy();
  policy.scaling.min_instances = 11;
  EXPECT_THAT(ValidatePolicy(policy),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("scaling.min_instances: 11 is greater")));
  policy = ValidPolicy();
  policy.billing.partial_hour_limit = absl::Minutes(59);
  policy.billing.drain_time = absl::Seconds(61);
  EXPECT_THAT(ValidatePolicy(policy),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("billing.partial_hour_limit_min: 59 min")));
}

TEST(BillingModelName, NamesBothModels) {
  EXPECT_EQ(BillingModelName(BillingModel::kHourly), "hourly");
  EXPECT_EQ(BillingModelName(BillingModel::kPerSecond), "per-second");
}

}  // namespace
}  // namespace spotburst
