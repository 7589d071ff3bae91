// The whole loop against the EC2 test endpoint (fake_ec2.py) over HTTP:
// Controller + Engine + Ec2PriceFeed + Ec2InstanceManager, signed calls,
// launches by tag and token, a capacity failure answered on-demand in the
// same tick, a stuck request, an interruption, scale-in at billing points,
// throttling, dropped replies and a restart that launches nothing twice.
#include <memory>
#include <string>
#include <vector>

#include "adapters/ec2/ec2_fakes.h"
#include "adapters/ec2/testing/fake_ec2_server.h"
#include "ec2_instance_manager.h"
#include "ec2_price_feed.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "query_client.h"
#include "spotburst/controller.h"
#include "spotburst/engine.h"
#include "spotburst/wire_format.h"
#include "testing/engine_fixtures.h"

namespace spotburst::ec2 {
namespace {

using testing::FakeClock;
using testing::FakeEc2Server;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::StaticCredentials;

absl::Time Start() { return *ParseEc2Time("2024-05-02T09:00:00Z"); }

class FixedMetrics final : public MetricsSource {
 public:
  absl::StatusOr<ClusterState> Snapshot() override {
    return ClusterState{.used = {.cpus = cpus, .mem_mib = 2048}};
  }
  double cpus = 34;  // of a 40-CPU baseline: one instance to add
};

// The prototype's policy on EC2: an image to launch, a bid well under
// on-demand, and the on-demand fallback.
Policy BurstPolicy() {
  Policy p = ::spotburst::testing::PrototypePolicy();
  p.name = "ec2-test";
  p.instance.launch_spec = {.image_id = "ami-0abcdef1234567890",
                            .security_group_ids = {"sg-0123456789abcdef0"},
                            .tags = {{"team", "batch"}}};
  p.bidding.padding_usd = 0.01;
  p.fallback.enabled = true;
  return p;
}

// One world: the endpoint, the adapter over real HTTP, and the loop.
class Ec2LifecycleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    clock_.now = Start();
    server_ = std::make_unique<FakeEc2Server>(Start(), "AKIDEXAMPLE",
                                              testing::kTestSecret);
    ASSERT_FALSE(server_->url().empty());
    server_->Control("prices", {{"prices",
                                 {{{"instance_type", "c4.large"},
                                   {"zone", "us-east-1a"},
                                   {"price", "0.03"},
                                   {"time", "2024-05-02T08:00:00Z"}}}}});
    http_ = http::NewCurlHttpClient({});
  }

  // The adapter and the controller, as a (re)started daemon builds them.
  void Boot(SpotPath path = SpotPath::kRunInstances,
            std::optional<EngineState> state = std::nullopt) {
    controller_.reset();
    manager_.reset();
    feed_.reset();
    client_ = std::make_unique<QueryClient>(
        *http_, credentials_, clock_,
        QueryClientOptions{.region = "us-east-1",
                           .endpoint = server_->url(),
                           .backoff_base = absl::Milliseconds(50)});
    feed_ = std::make_unique<Ec2PriceFeed>(
        *client_, std::map<std::string, double>{{"c4.large", 0.1}});
    manager_ = std::make_unique<Ec2InstanceManager>(
        *client_, FleetOptions{.pool = "mesos-a",
                               .policy_name = policy_.name,
                               .spot_path = path,
                               .on_demand_usd_per_hour = 0.1});
    engine_ = std::make_unique<Engine>(*Engine::Create(policy_));
    controller_ = std::make_unique<Controller>(*engine_, metrics_, *feed_,
                                               *manager_, clock_);
    if (state) controller_->set_engine_state(*state);
  }

  // Both clocks move together.
  void Advance(absl::Duration d) {
    clock_.now += d;
    server_->Control("clock", {{"advance_s", absl::ToInt64Seconds(d)}});
  }

  std::vector<nlohmann::json> Instances(const std::string& state = "") {
    std::vector<nlohmann::json> out;
    const nlohmann::json state_now = server_->State();
    for (const nlohmann::json& i : state_now["instances"]) {
      if (state.empty() || i["state"] == state) out.push_back(i);
    }
    return out;
  }

  // (action, HTTP status) of every call so far.
  std::vector<std::pair<std::string, int>> Calls() {
    std::vector<std::pair<std::string, int>> out;
    const nlohmann::json state_now = server_->State();
    for (const nlohmann::json& c : state_now["calls"]) {
      out.push_back({c["action"].get<std::string>(), c["status"].get<int>()});
    }
    return out;
  }

  int CountCalls(const std::string& action, int status = 0) {
    int n = 0;
    for (const auto& [a, s] : Calls()) {
      if (a == action && (status == 0 || s == status)) ++n;
    }
    return n;
  }

  Policy policy_ = BurstPolicy();
  FakeClock clock_;
  FixedMetrics metrics_;
  StaticCredentials credentials_;
  std::unique_ptr<FakeEc2Server> server_;
  std::unique_ptr<http::HttpClient> http_;
  std::unique_ptr<QueryClient> client_;
  std::unique_ptr<Ec2PriceFeed> feed_;
  std::unique_ptr<Ec2InstanceManager> manager_;
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<Controller> controller_;
};

TEST_F(Ec2LifecycleTest, ScalesOutWithTaggedSpotInstancesAndListsThemBack) {
  Boot();
  const TickReport first = controller_->Tick();
  ASSERT_TRUE(first.status.ok()) << first.status;
  ASSERT_TRUE(first.apply_errors.empty()) << first.apply_errors[0];
  std::vector<nlohmann::json> launched = Instances();
  ASSERT_EQ(launched.size(), 1u);
  EXPECT_EQ(launched[0]["lifecycle"], "spot");
  EXPECT_EQ(launched[0]["zone"], "us-east-1a");
  EXPECT_EQ(launched[0]["tags"]["spotburst:pool"], "mesos-a");
  EXPECT_EQ(launched[0]["tags"]["team"], "batch");
  EXPECT_EQ(launched[0]["client_token"],
            first.plan->actions.back().idempotency_token);

  Advance(absl::Minutes(1));
  const TickReport second = controller_->Tick();
  ASSERT_TRUE(second.status.ok()) << second.status;
  // The first instance is listed back by its tag, with its bid.
  ASSERT_EQ(second.input.fleet.instances.size(), 1u);
  EXPECT_EQ(second.input.fleet.instances[0].lifecycle, Lifecycle::kSpot);
  EXPECT_DOUBLE_EQ(second.input.fleet.instances[0].max_price_usd_per_hour,
                   0.04);
  // 34 of 42 CPUs is still over the burst point: one more.
  EXPECT_EQ(Instances().size(), 2u);

  // What a decision log keeps of a tick (its state, plan and next state)
  // holds no secret.
  for (const TickReport* r : {&first, &second}) {
    const std::string recorded = StateToJson(r->input, r->time) +
                                 PlanToJson(*r->plan, r->next_state) +
                                 PlanToText(*r->plan);
    EXPECT_THAT(recorded, Not(HasSubstr(testing::kTestSecret)));
    EXPECT_THAT(recorded, Not(HasSubstr("wJalrXUtnFEMI")));
  }
}

TEST_F(Ec2LifecycleTest, ACapacityFailureLaunchesOnDemandInTheSameTick) {
  server_->Control("capacity", {{"instance_type", "c4.large"},
                                {"zone", "us-east-1a"},
                                {"lifecycle", "spot"},
                                {"available", false}});
  Boot();
  const TickReport report = controller_->Tick();
  ASSERT_EQ(report.launch_failures.size(), 1u);
  EXPECT_EQ(report.launch_failures[0].code, "InsufficientInstanceCapacity");
  ASSERT_EQ(report.follow_ups.size(), 1u);
  EXPECT_TRUE(report.follow_ups[0].status.ok()) << report.follow_ups[0].status;
  const std::vector<nlohmann::json> launched = Instances();
  ASSERT_EQ(launched.size(), 1u);
  EXPECT_EQ(launched[0]["lifecycle"], "on-demand");
  EXPECT_EQ(CountCalls("RunInstances", 500), 1);  // not retried blindly
  EXPECT_EQ(CountCalls("RunInstances", 200), 1);
  EXPECT_THAT(PlanToText(*report.follow_ups[0].plan),
              HasSubstr("note launch-backoff: spot capacity short in "
                        "c4.large/us-east-1a/Linux/UNIX "
                        "(InsufficientInstanceCapacity"));
}

TEST_F(Ec2LifecycleTest, AStuckRequestIsCancelledAndReplacedOnDemand) {
  server_->Control("capacity", {{"instance_type", "c4.large"},
                                {"zone", "us-east-1a"},
                                {"lifecycle", "spot"},
                                {"available", false}});
  Boot(SpotPath::kRequestSpotInstances);
  ASSERT_TRUE(controller_->Tick().status.ok());
  nlohmann::json requests = server_->State()["spot_requests"];
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0]["state"], "open");
  Advance(absl::Minutes(11));
  const TickReport late = controller_->Tick();
  ASSERT_TRUE(late.status.ok()) << late.status;
  EXPECT_EQ(late.input.fleet.requests[0].status_code, "capacity-not-available");
  requests = server_->State()["spot_requests"];
  EXPECT_EQ(requests[0]["state"], "cancelled");
  // The timed-out request's replacement and this tick's scale-up, both
  // on-demand: spot did not serve.
  int planned = 0;
  for (const Action& a : late.plan->actions) {
    if (a.kind == ActionKind::kLaunchOnDemand) planned += a.count;
    EXPECT_NE(a.kind, ActionKind::kRequestSpot);
  }
  const std::vector<nlohmann::json> launched = Instances();
  EXPECT_GE(planned, 1);
  ASSERT_EQ(static_cast<int>(launched.size()), planned);
  for (const nlohmann::json& i : launched)
    EXPECT_EQ(i["lifecycle"], "on-demand");
}

TEST_F(Ec2LifecycleTest, AnInterruptedInstanceIsReplacedNeverTerminated) {
  Boot();
  ASSERT_TRUE(controller_->Tick().status.ok());
  Advance(absl::Minutes(2));
  metrics_.cpus = 30;  // one instance is right: 30 of 42
  ASSERT_TRUE(controller_->Tick().status.ok());
  ASSERT_EQ(Instances().size(), 1u);
  const std::string victim = Instances()[0]["id"];
  server_->Control("interrupt",
                   {{"instance_id", victim}, {"action", "terminate"}});
  const TickReport report = controller_->Tick();
  ASSERT_TRUE(report.status.ok()) << report.status;
  ASSERT_EQ(report.input.fleet.instances.size(), 1u);
  EXPECT_TRUE(report.input.fleet.instances[0].interruption_notice);
  EXPECT_THAT(PlanToText(*report.plan),
              HasSubstr("note interruption: 1 instance(s) under interruption "
                        "notice: " +
                        victim));
  EXPECT_EQ(Instances().size(), 2u);  // the replacement
  EXPECT_EQ(CountCalls("TerminateInstances"), 0);
}

TEST_F(Ec2LifecycleTest, ScalesInOnlyAtBillingPoints) {
  Boot();
  ASSERT_TRUE(controller_->Tick().status.ok());
  Advance(absl::Minutes(1));
  ASSERT_TRUE(controller_->Tick().status.ok());
  ASSERT_EQ(Instances().size(), 2u);
  metrics_.cpus = 0;
  Advance(absl::Minutes(9));  // 10 and 9 minutes into their hours
  TickReport early = controller_->Tick();
  ASSERT_TRUE(early.status.ok()) << early.status;
  EXPECT_EQ(CountCalls("TerminateInstances"), 0);
  Advance(absl::Minutes(12));  // 22 and 21 minutes: endable
  TickReport due = controller_->Tick();
  ASSERT_TRUE(due.status.ok()) << due.status;
  EXPECT_EQ(CountCalls("TerminateInstances", 200), 1);
  EXPECT_EQ(Instances("running").size(), 0u);
}

TEST_F(Ec2LifecycleTest, ThrottlingIsRetriedWithinTheTick) {
  server_->Control("throttle", {{"next_calls", 2}});
  Boot();
  const TickReport report = controller_->Tick();
  ASSERT_TRUE(report.status.ok()) << report.status;
  EXPECT_EQ(Instances().size(), 1u);
  EXPECT_EQ(client_->retries(), 2);
}

TEST_F(Ec2LifecycleTest, ADroppedReplyAndARestartLaunchNothingTwice) {
  server_->Control("drop_reply",
                   {{"next_calls", 1}, {"action", "RunInstances"}});
  Boot();
  const TickReport report = controller_->Tick();
  ASSERT_TRUE(report.status.ok()) << report.status;
  // EC2 applied the call, the reply was lost, the retry carried the same
  // token: one instance.
  EXPECT_EQ(CountCalls("RunInstances"), 2);
  ASSERT_EQ(Instances().size(), 1u);

  // A restarted daemon at the same moment with the state it saved finds the
  // fleet by its tag and launches nothing more for the same decision.
  const EngineState saved = controller_->engine_state();
  Boot(SpotPath::kRunInstances, saved);
  const TickReport again = controller_->Tick();
  ASSERT_TRUE(again.status.ok()) << again.status;
  EXPECT_EQ(again.input.fleet.instances.size(), 1u);
  EXPECT_LE(Instances().size(), 2u);
  for (const nlohmann::json& i : Instances()) {
    EXPECT_EQ(i["tags"]["spotburst:pool"], "mesos-a");
  }
}

TEST_F(Ec2LifecycleTest, AWrongSecretIsRefusedAndNothingHappens) {
  class WrongSecret final : public CredentialsProvider {
   public:
    absl::StatusOr<AwsCredentials> Get(absl::Time) override {
      return AwsCredentials{.access_key_id = "AKIDEXAMPLE",
                            .secret_access_key = "not-the-secret-xyzzy",
                            .source = "test"};
    }
  } wrong;
  QueryClient client(*http_, wrong, clock_,
                     {.region = "us-east-1", .endpoint = server_->url()});
  Ec2InstanceManager manager(client, {.pool = "mesos-a"});
  absl::StatusOr<Fleet> fleet = manager.List();
  EXPECT_EQ(fleet.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(fleet.status().message(), HasSubstr("SignatureDoesNotMatch"));
  EXPECT_THAT(fleet.status().message(), Not(HasSubstr("xyzzy")));
  EXPECT_TRUE(Instances().empty());
}

}  // namespace
}  // namespace spotburst::ec2
