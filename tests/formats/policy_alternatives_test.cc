// instance.alternatives: loading, the units each type counts for, and the
// errors that name the field.
#include <string>

#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "spotburst/internal/policy_proto.h"
#include "spotburst/policy.h"
#include "spotburst/v1/policy.pb.h"
#include "testing/status_matchers.h"

namespace spotburst {
namespace {

using ::spotburst::testing::IsOk;
using ::spotburst::testing::StatusIs;
using ::testing::HasSubstr;

// One unit is a c3.large; a c3.xlarge holds two.
std::string PolicyYaml(const std::string& alternatives) {
  return R"(name: any-type
instance:
  type: c3.large
  shape: {cpus: 2, mem_mib: 3750}
  on_demand_usd_per_hour: 0.105
)" + alternatives;
}

constexpr char kTwoAlternatives[] = R"(  alternatives:
    - type: c3.xlarge
      shape: {cpus: 4, mem_mib: 7500}
      on_demand_usd_per_hour: 0.21
    - type: c3.4xlarge
      shape: {cpus: 16, mem_mib: 30000}
      on_demand_usd_per_hour: 0.84
      weight: 3
)";

TEST(PolicyAlternatives, WithoutAlternativesThePolicyHasNone) {
  absl::StatusOr<Policy> policy = ParsePolicy(PolicyYaml(""));
  ASSERT_THAT(policy, IsOk());
  EXPECT_TRUE(policy->instance.alternatives.empty());
  // And its proto carries none: plans and API answers stay as they were.
  EXPECT_EQ(internal::PolicyToProto(*policy).instance().alternatives_size(), 0);
}

TEST(PolicyAlternatives, WeightDefaultsToTheShapesItHoldsOrIsGiven) {
  absl::StatusOr<Policy> policy = ParsePolicy(PolicyYaml(kTwoAlternatives));
  ASSERT_THAT(policy, IsOk());
  const InstanceSpec& spec = policy->instance;
  ASSERT_EQ(spec.alternatives.size(), 2u);
  EXPECT_EQ(spec.alternatives[0].type, "c3.xlarge");
  EXPECT_EQ(spec.alternatives[0].on_demand_usd_per_hour, 0.21);
  EXPECT_EQ(spec.alternatives[0].weight, 0);  // unset: from the shape
  EXPECT_EQ(UnitWeight(spec, spec.alternatives[0]), 2);
  // An explicit weight wins over the 8 its shape holds.
  EXPECT_EQ(UnitWeight(spec, spec.alternatives[1]), 3);
}

TEST(PolicyAlternatives, DefaultWeightIsTheSmallestWholeRatio) {
  // 8 cpus = 4 units, 15 GiB = 4.1 units, disk not in the unit: 4.
  EXPECT_EQ(ShapeWeight({.cpus = 2, .mem_mib = 3750},
                        {.cpus = 8, .mem_mib = 15360, .disk_mib = 1}),
            4);
  // Memory-bound: 2 cpus hold 2 units but 7.5 GiB only 1.
  EXPECT_EQ(ShapeWeight({.cpus = 1, .mem_mib = 7680},
                        {.cpus = 2, .mem_mib = 15616 / 2}),
            1);
  // Ratios that are whole in decimal stay whole in binary.
  EXPECT_EQ(ShapeWeight({.cpus = 0.1}, {.cpus = 0.3}), 3);
}

TEST(PolicyAlternatives, ErrorsNameTheField) {
  struct Case {
    std::string alternatives;
    std::string error;
  };
  const std::string first = R"(  alternatives:
    - type: c3.xlarge
      shape: {cpus: 4, mem_mib: 7500}
      on_demand_usd_per_hour: 0.21
)";
  const Case cases[] = {
      {first + R"(    - type: r3.large
      shape: {cpus: 2, mem_mib: 3000}
      on_demand_usd_per_hour: 0.175
)",
       "instance.alternatives[1].shape.mem_mib: 3000 is less than "
       "instance.shape.mem_mib (3750)"},
      {first + R"(    - type: c3.2xlarge
      shape: {cpus: 8, mem_mib: 15000}
      on_demand_usd_per_hour: 0.42
      weight: 1.5
)",
       "instance.alternatives[1].weight: 1.5 must be a whole number >= 1"},
      {first + R"(    - type: c3.2xlarge
      shape: {cpus: 8, mem_mib: 15000}
      on_demand_usd_per_hour: 0.42
      weight: 0
)",
       "instance.alternatives[1].weight: "},
      {first + R"(    - type: c3.xlarge
      shape: {cpus: 4, mem_mib: 7500}
      on_demand_usd_per_hour: 0.21
)",
       "instance.alternatives[1].type: \"c3.xlarge\" is listed already as "
       "instance.alternatives[0]"},
      {first + R"(    - type: c3.large
      shape: {cpus: 2, mem_mib: 3750}
      on_demand_usd_per_hour: 0.105
)",
       "instance.alternatives[1].type: \"c3.large\" is instance.type "
       "already"},
      {first + R"(    - shape: {cpus: 8, mem_mib: 15000}
      on_demand_usd_per_hour: 0.42
)",
       "instance.alternatives[1].type: required"},
      {first + R"(    - type: c3.2xlarge
      shape: {cpus: 8, mem_mib: 15000}
)",
       "instance.alternatives[1].on_demand_usd_per_hour: required"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.error);
    EXPECT_THAT(
        ParsePolicy(PolicyYaml(c.alternatives)),
        StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr(c.error)));
  }
}

TEST(PolicyAlternatives, ErrorsDoNotEchoALongType) {
  const std::string type(5000, 'x');
  absl::StatusOr<Policy> policy = ParsePolicy(
      PolicyYaml("  alternatives:\n    - type: " + type +
                 "\n      shape: {cpus: 4, mem_mib: 7500}\n"
                 "      on_demand_usd_per_hour: 0.21\n    - type: " +
                 type +
                 "\n      shape: {cpus: 4, mem_mib: 7500}\n"
                 "      on_demand_usd_per_hour: 0.21\n"));
  ASSERT_THAT(policy, StatusIs(absl::StatusCode::kInvalidArgument,
                               HasSubstr("is listed already")));
  EXPECT_LT(policy.status().message().size(), 300u);
}

TEST(PolicyAlternatives, CodeBuiltPoliciesMeetTheSameRules) {
  absl::StatusOr<Policy> policy = ParsePolicy(PolicyYaml(kTwoAlternatives));
  ASSERT_THAT(policy, IsOk());
  Policy bad = *policy;
  bad.instance.alternatives[0].shape.cpus = 1;
  EXPECT_THAT(ValidatePolicy(bad),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("instance.alternatives[0].shape.cpus: 1 is "
                                 "less than instance.shape.cpus (2)")));
}

TEST(PolicyAlternatives, RoundTripYamlProtoJsonAndBack) {
  absl::StatusOr<Policy> policy = ParsePolicy(PolicyYaml(kTwoAlternatives));
  ASSERT_THAT(policy, IsOk());
  const v1::Policy proto = internal::PolicyToProto(*policy);
  std::string json;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(proto, &json).ok());
  EXPECT_THAT(json, HasSubstr("\"alternatives\""));
  // The JSON text loads as a policy file does.
  absl::StatusOr<Policy> back = ParsePolicy(json, "<json>");
  ASSERT_THAT(back, IsOk());
  ASSERT_EQ(back->instance.alternatives.size(), 2u);
  EXPECT_EQ(back->instance.alternatives, policy->instance.alternatives);
  EXPECT_EQ(internal::PolicyToProto(*back).DebugString(), proto.DebugString());
}

}  // namespace
}  // namespace spotburst
