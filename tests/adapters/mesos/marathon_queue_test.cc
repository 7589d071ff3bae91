#include "marathon_queue.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "testing/status_matchers.h"

namespace spotburst::mesos {
namespace {

using ::spotburst::testing::IsOk;
using ::spotburst::testing::StatusIs;
using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::SizeIs;

// Marathon's documented example queue, trimmed.
constexpr char kExampleQueue[] = R"json({
  "queue": [
    {
      "app": { "id": "/etl/worker", "instances": 40, "cpus": 2.0, "mem": 4096.0, "disk": 0.0,
               "gpus": 0, "constraints": [["hostname", "UNIQUE"]] },
      "count": 12,
      "role": "*",
      "delay": { "timeLeftSeconds": 0, "overdue": true },
      "since": "2024-05-02T09:14:03.120Z",
      "processedOffersSummary": {
        "processedOffersCount": 84,
        "unusedOffersCount": 84,
        "lastUnusedOfferAt": "2024-05-02T09:16:40.002Z",
        "rejectSummaryLastOffers": [
          { "reason": "UnfulfilledRole",       "declined": 0, "processed": 6 },
          { "reason": "UnfulfilledConstraint", "declined": 0, "processed": 6 },
          { "reason": "InsufficientCpus",      "declined": 5, "processed": 6 },
          { "reason": "InsufficientMemory",    "declined": 1, "processed": 1 }
        ]
      }
    }
  ]
})json";

constexpr char kPodQueue[] = R"json({"queue": [{
  "pod": {
    "id": "/web/frontend",
    "scaling": {"kind": "fixed", "instances": 4},
    "containers": [
      {"name": "nginx", "resources": {"cpus": 0.5, "mem": 256, "disk": 100}},
      {"name": "app", "resources": {"cpus": 1.5, "mem": 1024, "gpus": 1}}
    ],
    "executorResources": {"cpus": 0.1, "mem": 32, "disk": 10},
    "scheduling": {"placement": {
      "constraints": [{"fieldName": "cloud_type", "operator": "LIKE",
                       "value": "burst|private"},
                      {"fieldName": "hostname", "operator": "UNIQUE"}],
      "acceptedResourceRoles": ["*", "web"]}}
  },
  "count": 3, "role": "web",
  "delay": {"timeLeftSeconds": 12.5, "overdue": false}
}]})json";

TEST(ParseMarathonQueueTest, ReadsAnApp) {
  auto queue = ParseMarathonQueue(kExampleQueue);
  ASSERT_THAT(queue, IsOk());
  ASSERT_THAT(*queue, SizeIs(1));
  const MarathonQueueItem& item = (*queue)[0];
  EXPECT_EQ(item.id, "/etl/worker");
  EXPECT_FALSE(item.is_pod);
  EXPECT_EQ(item.count, 12);
  EXPECT_EQ(item.per_instance, (Resources{.cpus = 2, .mem_mib = 4096}));
  EXPECT_EQ(item.role, "*");
  EXPECT_EQ(item.delay_time_left_s, 0);
  EXPECT_TRUE(item.delay_overdue);
  EXPECT_THAT(item.constraints,
              ElementsAre(MarathonConstraint{"hostname", "UNIQUE", {}}));
  EXPECT_FALSE(item.accepted_resource_roles.has_value());
  ASSERT_TRUE(item.offers.has_value());
  EXPECT_EQ(item.offers->processed_offers, 84);
  EXPECT_EQ(item.offers->unused_offers, 84);
  EXPECT_THAT(item.offers->reject_summary_last_offers,
              ElementsAre(OfferRejects{"UnfulfilledRole", 0, 6},
                          OfferRejects{"UnfulfilledConstraint", 0, 6},
                          OfferRejects{"InsufficientCpus", 5, 6},
                          OfferRejects{"InsufficientMemory", 1, 1}));
}

TEST(ParseMarathonQueueTest, ReadsAPodWithItsContainersAndExecutorSummed) {
  auto queue = ParseMarathonQueue(kPodQueue);
  ASSERT_THAT(queue, IsOk());
  ASSERT_THAT(*queue, SizeIs(1));
  const MarathonQueueItem& item = (*queue)[0];
  EXPECT_EQ(item.id, "/web/frontend");
  EXPECT_TRUE(item.is_pod);
  EXPECT_EQ(item.count, 3);
  EXPECT_DOUBLE_EQ(item.per_instance.cpus, 2.1);
  EXPECT_DOUBLE_EQ(item.per_instance.mem_mib, 1312);
  EXPECT_DOUBLE_EQ(item.per_instance.disk_mib, 110);
  EXPECT_DOUBLE_EQ(item.per_instance.gpus, 1);
  EXPECT_EQ(item.role, "web");
  EXPECT_EQ(item.delay_time_left_s, 12.5);
  EXPECT_FALSE(item.delay_overdue);
  EXPECT_THAT(
      item.constraints,
      ElementsAre(MarathonConstraint{"cloud_type", "LIKE", "burst|private"},
                  MarathonConstraint{"hostname", "UNIQUE", {}}));
  EXPECT_EQ(item.accepted_resource_roles,
            (std::vector<std::string>{"*", "web"}));
  EXPECT_FALSE(item.offers.has_value());
}

TEST(ParseMarathonQueueTest, IgnoresUnknownFieldsAndTakesDefaults) {
  auto queue = ParseMarathonQueue(R"({"extra": {"a": [1, {"b": null}]},
      "queue": [{"app": {"id": "/a", "cpus": 5, "cpus": 1, "labels": {"x": "y"},
                         "container": {"docker": {"image": "i"}}},
                 "count": 2, "lastUnusedOffers": [{"offer": {}}],
                 "unknown": [true, false]}]})");
  ASSERT_THAT(queue, IsOk());
  ASSERT_THAT(*queue, SizeIs(1));
  // A key given twice: the last counts.
  EXPECT_EQ((*queue)[0].per_instance, Resources{.cpus = 1});
  EXPECT_TRUE((*queue)[0].delay_overdue);  // no delay: not backed off
  EXPECT_EQ((*queue)[0].delay_time_left_s, 0);
  EXPECT_EQ((*queue)[0].role, "");
  EXPECT_TRUE((*queue)[0].constraints.empty());

  EXPECT_THAT(ParseMarathonQueue(R"({"queue": []})"),
              ::spotburst::testing::IsOkAndHolds(SizeIs(0)));
}

TEST(ParseMarathonQueueTest, ErrorsNameTheItemIdAndField) {
  // The bad field comes before the id: the error still names the app.
  EXPECT_THAT(
      ParseMarathonQueue(R"({"queue": [{"app": {"id": "/ok"}, "count": 1},
          {"count": -3, "app": {"id": "/etl/worker"}}]})"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               AllOf(HasSubstr("/v2/queue"),
                     HasSubstr("queue[1] (app \"/etl/worker\")"),
                     HasSubstr("count: -3 is negative"))));
  EXPECT_THAT(
      ParseMarathonQueue(R"({"queue": [{"app": {"cpus": "two", "id": "/a"},
                                        "count": 1}]})"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               AllOf(HasSubstr("queue[0] (app \"/a\")"),
                     HasSubstr("app.cpus: \"two\" is not a number"))));
  EXPECT_THAT(
      ParseMarathonQueue(R"({"queue": [{"app": {"id": "/a", "mem": 1e400},
                                        "count": 1}]})"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("app.mem: 1e400 is not a finite number")));
  EXPECT_THAT(ParseMarathonQueue(R"({"queue": [{"app": {"id": "/a", "disk": -1},
                                        "count": 1}]})"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("app.disk: -1 is negative")));
  EXPECT_THAT(
      ParseMarathonQueue(R"({"queue": [{"app": {"id": "/a"}, "count": 1.5}]})"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("count: 1.5 is not a whole number")));
  EXPECT_THAT(
      ParseMarathonQueue(R"({"queue": [{"app": {"id": "/a"}, "count": 1,
          "delay": {"overdue": "no"}}]})"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("delay.overdue: \"no\" is not true or false")));
  EXPECT_THAT(ParseMarathonQueue(R"({"queue": [{"app": {"id": "/a",
          "constraints": [["hostname", "UNIQUE"], ["rack"]]}, "count": 1}]})"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("app.constraints[1]: has 1 strings")));
  EXPECT_THAT(ParseMarathonQueue(R"({"queue": [{"app": {"id": "/a",
          "constraints": [["rack", "CLUSTER", 3]]}, "count": 1}]})"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("app.constraints[0][2]: 3 is not a string")));
  EXPECT_THAT(
      ParseMarathonQueue(R"({"queue": [{"pod": {"id": "/p",
          "scheduling": {"placement": {"constraints": [{"operator": "UNIQUE"}]}}},
          "count": 1}]})"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               AllOf(HasSubstr("queue[0] (pod \"/p\")"),
                     HasSubstr("pod.scheduling.placement.constraints[0]: "
                               "fieldName is missing"))));
  EXPECT_THAT(
      ParseMarathonQueue(R"({"queue": [{"pod": {"id": "/p",
          "containers": [{"resources": {"cpus": [1]}}]}, "count": 1}]})"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("pod.containers[0].resources.cpus: an array is not "
                         "a number")));
  EXPECT_THAT(
      ParseMarathonQueue(R"({"queue": [{"app": {"id": "/a"}, "count": 1,
          "processedOffersSummary": {"rejectSummaryLastOffers":
              [{"reason": "InsufficientCpus", "declined": -1}]}}]})"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("processedOffersSummary.rejectSummaryLastOffers[0]."
                         "declined: -1 is negative")));
}

TEST(ParseMarathonQueueTest, RefusesItemsWithoutAWorkloadOrCount) {
  EXPECT_THAT(ParseMarathonQueue(R"({"queue": [{"count": 1}]})"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("queue[0]: item: has neither app nor pod")));
  EXPECT_THAT(ParseMarathonQueue(R"({"queue": [{"app": {"id": "/a"}}]})"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("queue[0] (app \"/a\"): count: missing")));
  EXPECT_THAT(ParseMarathonQueue(R"({"queue": [{"app": {}, "count": 1}]})"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("app.id: missing or empty")));
  EXPECT_THAT(ParseMarathonQueue(R"({"queue": [{"app": {"id": "/a"},
                                     "pod": {"id": "/b"}, "count": 1}]})"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("has both app and pod")));
}

TEST(ParseMarathonQueueTest, RefusesWhatIsNotAQueue) {
  EXPECT_THAT(ParseMarathonQueue("[]"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("/v2/queue: not a JSON object")));
  EXPECT_THAT(ParseMarathonQueue(R"({"apps": []})"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("\"queue\" is missing")));
  EXPECT_THAT(ParseMarathonQueue(R"({"queue": {}})"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("queue is not an array")));
  EXPECT_THAT(ParseMarathonQueue(R"({"queue": []} {})"),
              StatusIs(absl::StatusCode::kInvalidArgument,
                       HasSubstr("/v2/queue: malformed JSON")));
  EXPECT_THAT(
      ParseMarathonQueue(""),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("/v2/queue")));
}

TEST(ParseMarathonQueueTest, AMissingCommaInAnItemIsMalformed) {
  // Looking ahead for the app's id met the error; the item was then read
  // again from a document simdjson had given up on, and crashed.
  EXPECT_THAT(
      ParseMarathonQueue(R"({"queue": [{"x": {"a": 1}, "count": 1 "y"}]})"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("/v2/queue: queue[0]: item: malformed JSON")));
  EXPECT_THAT(
      ParseMarathonQueue(
          R"({"queue": [{"app": {"cpus": 1 "id": "/a"}, "count": 1}]})"),
      StatusIs(absl::StatusCode::kInvalidArgument,
               HasSubstr("queue[0]: item: malformed JSON")));
}

TEST(ParseMarathonQueueTest, RefusesEveryTruncation) {
  const std::string body = kExampleQueue;
  // Cutting after the final '}' leaves only whitespace, which is whole.
  const size_t end = body.rfind('}');
  for (size_t size = 0; size < end; ++size) {
    EXPECT_THAT(
        ParseMarathonQueue(body.substr(0, size)),
        StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("/v2/queue")))
        << "cut at " << size << ": ..." << body.substr(size - size / 2, 20);
  }
  EXPECT_THAT(ParseMarathonQueue(body.substr(0, end + 1)), IsOk());
}

TEST(ParseMarathonQueueTest, QuotesOnlyAShortPieceOfInput) {
  const std::string long_id(10000, 'x');
  const std::string long_text(10000, 'y');
  auto parsed = ParseMarathonQueue(R"({"queue": [{"app": {"id": ")" + long_id +
                                   R"(", "cpus": ")" + long_text +
                                   R"("}, "count": 1}]})");
  ASSERT_THAT(parsed, StatusIs(absl::StatusCode::kInvalidArgument,
                               HasSubstr("app.cpus")));
  EXPECT_LT(parsed.status().message().size(), 300u);
  EXPECT_THAT(std::string(parsed.status().message()),
              Not(HasSubstr(std::string(100, 'x'))));
}

}  // namespace
}  // namespace spotburst::mesos
