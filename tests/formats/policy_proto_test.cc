// PolicyToProto / PolicyFromProto, the conversion the gRPC API uses, and
// how the YAML loader prints the schema's ranges.
#include "spotburst/internal/policy_proto.h"

#include <cmath>
#include <string>

#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "gtest/gtest.h"
#include "spotburst/internal/yaml_proto.h"
#include "spotburst/policy.h"
#include "spotburst/v1/policy.pb.h"
#include "testing/status_matchers.h"

namespace spotburst {
namespace {

using ::spotburst::testing::IsOk;
using ::spotburst::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::StartsWith;

Policy ValidPolicy() {
  Policy policy;
  policy.instance.type = "c4.large";
  policy.instance.shape = {.cpus = 2, .mem_mib = 3840};
  policy.instance.on_demand_usd_per_hour = 0.1;
  return policy;
}

// --- Proto conversion ------------------------------------------------------

// Every non-default value, so a field lost on the way shows up.
Policy FullPolicy() {
  Policy p = ValidPolicy();
  p.name = "full";
  p.evaluation_interval = absl::Seconds(30);
  p.baseline = {.cpus = 40, .mem_mib = 81920, .disk_mib = 819200, .gpus = 1};
  p.instance.shape.gpus = 0.5;
  p.instance.region = "us-east-1";
  p.instance.availability_zone = "us-east-1b";
  p.instance.product = "Linux/UNIX (Amazon VPC)";
  p.instance.launch_spec = {.image_id = "ami-1",
                            .key_name = "k",
                            .security_group_ids = {"sg-1", "sg-2"},
                            .subnet_id = "subnet-1",
                            .iam_instance_profile = "role",
                            .user_data_file = "/etc/ud",
                            .tags = {{"team", "batch"}}};
  p.scaling = {.strategy = "target",
               .burst_point = 0.6,
               .min_instances = 1,
               .max_instances = 7,
               .scale_up_cooldown = absl::Seconds(1),
               .scale_down_cooldown = absl::Seconds(2),
               .stabilization_window = absl::Seconds(3),
               .min_instance_lifetime = absl::Seconds(4),
               .params = {{"a", 1.5}},
               .forecast = {.mode = ForecastMode::kRecord,
                            .headroom = 0.2,
                            .trend_window = absl::Seconds(600),
                            .initial_lag = absl::Seconds(500),
                            .max_horizon = absl::Seconds(1200)},
               .bridge = BridgeMode::kShortfall};
  p.instance.avoid_interruptions = {.window = absl::Hours(6),
                                    .price_tolerance = 0.2,
                                    .cost_hours = 2,
                                    .prior_hours = 25};
  p.notice_poll_interval = absl::Seconds(5);
  p.bidding = {.strategy = "mean",
               .max_bid_usd_per_hour = 0.25,
               .padding_usd = 0.01,
               .high_multiple = 5,
               .floor_at_current = true,
               .price_window = absl::Hours(2),
               .max_price_age = absl::Hours(3),
               .params = {{"b", -2}}};
  p.requests.timeout = absl::Seconds(90);
  p.billing = {.model = BillingModel::kPerSecond,
               .partial_hour_limit = absl::Minutes(45),
               .drain_time = absl::Seconds(30),
               .minimum_billed = absl::Seconds(120)};
  p.fallback = {.enabled = true,
                .retry_spot_after = absl::Seconds(5),
                .revert_after = absl::Seconds(6),
                .replacement_lead_time = absl::Seconds(7),
                .on_demand_only = true};
  p.cost.max_fleet_usd_per_hour = 2.5;
  return p;
}

// Fails for any optional field left unset, at any depth.
void ExpectEveryOptionalFieldSet(const google::protobuf::Message& message,
                                 const std::string& path) {
  const auto& descriptor = *message.GetDescriptor();
  const auto& reflection = *message.GetReflection();
  for (int i = 0; i < descriptor.field_count(); ++i) {
    const auto* field = descriptor.field(i);
    const std::string field_path = path + field->name();
    if (field->has_presence()) {
      EXPECT_TRUE(reflection.HasField(message, field)) << field_path;
    }
    if (!field->is_repeated() &&
        field->cpp_type() ==
            google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE &&
        field->message_type()->full_name() != "google.protobuf.Struct") {
      ExpectEveryOptionalFieldSet(reflection.GetMessage(message, field),
                                  field_path + ".");
    }
  }
}

TEST(PolicyProto, RoundTripKeepsEveryField) {
  const Policy original = FullPolicy();
  const v1::Policy proto = internal::PolicyToProto(original);
  ExpectEveryOptionalFieldSet(proto, "");
  absl::StatusOr<Policy> back = internal::PolicyFromProto(proto);
  ASSERT_THAT(back, IsOk());
  EXPECT_EQ(back->name, original.name);
  EXPECT_EQ(back->evaluation_interval, original.evaluation_interval);
  EXPECT_EQ(back->baseline, original.baseline);
  const InstanceSpec& i = back->instance;
  EXPECT_EQ(i.type, original.instance.type);
  EXPECT_EQ(i.shape, original.instance.shape);
  EXPECT_EQ(i.on_demand_usd_per_hour, original.instance.on_demand_usd_per_hour);
  EXPECT_EQ(i.region, original.instance.region);
  EXPECT_EQ(i.availability_zone, original.instance.availability_zone);
  EXPECT_EQ(i.product, original.instance.product);
  EXPECT_EQ(i.avoid_interruptions, original.instance.avoid_interruptions);
  const LaunchSpec& l = i.launch_spec;
  const LaunchSpec& ol = original.instance.launch_spec;
  EXPECT_EQ(l.image_id, ol.image_id);
  EXPECT_EQ(l.key_name, ol.key_name);
  EXPECT_EQ(l.security_group_ids, ol.security_group_ids);
  EXPECT_EQ(l.subnet_id, ol.subnet_id);
  EXPECT_EQ(l.iam_instance_profile, ol.iam_instance_profile);
  EXPECT_EQ(l.user_data_file, ol.user_data_file);
  EXPECT_EQ(l.tags, ol.tags);
  const ScalingPolicy& s = back->scaling;
  const ScalingPolicy& os = original.scaling;
  EXPECT_EQ(s.strategy, os.strategy);
  EXPECT_EQ(s.bridge, os.bridge);
  EXPECT_EQ(s.burst_point, os.burst_point);
  EXPECT_EQ(s.min_instances, os.min_instances);
  EXPECT_EQ(s.max_instances, os.max_instances);
  EXPECT_EQ(s.scale_up_cooldown, os.scale_up_cooldown);
  EXPECT_EQ(s.scale_down_cooldown, os.scale_down_cooldown);
  EXPECT_EQ(s.stabilization_window, os.stabilization_window);
  EXPECT_EQ(s.min_instance_lifetime, os.min_instance_lifetime);
  EXPECT_EQ(s.params, os.params);
  EXPECT_EQ(s.forecast, os.forecast);
  EXPECT_EQ(back->notice_poll_interval, original.notice_poll_interval);
  const BiddingPolicy& b = back->bidding;
  const BiddingPolicy& ob = original.bidding;
  EXPECT_EQ(b.strategy, ob.strategy);
  EXPECT_EQ(b.max_bid_usd_per_hour, ob.max_bid_usd_per_hour);
  EXPECT_EQ(b.padding_usd, ob.padding_usd);
  EXPECT_EQ(b.high_multiple, ob.high_multiple);
  EXPECT_EQ(b.floor_at_current, ob.floor_at_current);
  EXPECT_EQ(b.price_window, ob.price_window);
  EXPECT_EQ(b.max_price_age, ob.max_price_age);
  EXPECT_EQ(b.params, ob.params);
  EXPECT_EQ(back->requests.timeout, original.requests.timeout);
  EXPECT_EQ(back->billing.model, original.billing.model);
  EXPECT_EQ(back->billing.partial_hour_limit,
            original.billing.partial_hour_limit);
  EXPECT_EQ(back->billing.drain_time, original.billing.drain_time);
  EXPECT_EQ(back->billing.minimum_billed, original.billing.minimum_billed);
  EXPECT_EQ(back->fallback.enabled, original.fallback.enabled);
  EXPECT_EQ(back->fallback.retry_spot_after,
            original.fallback.retry_spot_after);
  EXPECT_EQ(back->fallback.revert_after, original.fallback.revert_after);
  EXPECT_EQ(back->fallback.replacement_lead_time,
            original.fallback.replacement_lead_time);
  EXPECT_EQ(back->fallback.on_demand_only, original.fallback.on_demand_only);
  EXPECT_EQ(back->cost.max_fleet_usd_per_hour,
            original.cost.max_fleet_usd_per_hour);
  EXPECT_EQ(internal::PolicyToProto(*back).DebugString(), proto.DebugString());
}

TEST(PolicyProto, FromProtoRejectsBadModelAndNonNumericParams) {
  v1::Policy proto;
  proto.mutable_billing()->set_model("weekly");
  EXPECT_THAT(internal::PolicyFromProto(proto),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("billing.model: unknown billing model")));
  proto.mutable_billing()->set_model("per-second");
  (*proto.mutable_bidding()->mutable_params()->mutable_fields())["x"]
      .set_string_value("high");
  EXPECT_THAT(internal::PolicyFromProto(proto),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       "bidding.params.x: expected a number (params hold "
                       "numbers only)"));
}

TEST(YamlProto, FormatsRangesFromTheSchema) {
  const auto* scaling = v1::ScalingPolicy::descriptor();
  EXPECT_EQ(internal::FormatRange(*scaling->FindFieldByName("burst_point")),
            "(0, 1]");
  EXPECT_EQ(internal::FormatRange(
                *v1::Resources::descriptor()->FindFieldByName("cpus")),
            "[0, inf)");
  EXPECT_EQ(internal::FormatRange(*scaling->FindFieldByName("strategy")), "");
}

}  // namespace
}  // namespace spotburst
