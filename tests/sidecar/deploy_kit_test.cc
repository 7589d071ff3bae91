// examples/deploy/: the managed configuration loads and validates with the
// policy it names, the systemd unit agrees with it, and the IAM policy is
// the one docs/ec2.md shows.
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "sidecar/config.h"
#include "sidecar/listen_address.h"
#include "sidecar/policy_store.h"
#include "sidecar_testing.h"

namespace spotburst::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kConfig[] = "examples/deploy/spotburstd.yaml";

sidecar::SidecarOptions DeployOptions() {
  sidecar::SidecarOptions options;
  const absl::Status loaded = sidecar::ApplyConfigFile(Repo(kConfig), options);
  EXPECT_TRUE(loaded.ok()) << loaded;
  return options;
}

TEST(DeployKit, TheConfigurationLoadsValidatesAndNamesAPolicyThatLoads) {
  const sidecar::SidecarOptions options = DeployOptions();
  const absl::Status valid = options.Validate();
  ASSERT_TRUE(valid.ok()) << valid;
  // The policy, by a path relative to examples/deploy/.
  ASSERT_EQ(options.policy_files.size(), 1u);
  EXPECT_EQ(std::filesystem::path(options.policy_files.at("ec2-burst")),
            std::filesystem::path(Repo("examples/policies/ec2-burst.yaml"))
                .lexically_normal());
  absl::StatusOr<std::unique_ptr<sidecar::PolicyStore>> policies =
      sidecar::PolicyStore::Create(options.policy_files);
  ASSERT_TRUE(policies.ok()) << policies.status();

  // A live world that starts harmless, serving on loopback only.
  ASSERT_TRUE(options.managed.has_value());
  const sidecar::ManagedOptions& managed = *options.managed;
  EXPECT_EQ(managed.policy_name, "ec2-burst");
  EXPECT_TRUE(managed.live());
  ASSERT_TRUE(managed.mesos.has_value());
  EXPECT_THAT(managed.mesos->zookeeper, StartsWith("zk://10."));
  EXPECT_THAT(managed.mesos->marathon, StartsWith("http://10."));
  EXPECT_EQ(managed.mesos->private_selector.at("cloud_type"), "private");
  EXPECT_EQ(managed.mesos->burst_attributes.at("cloud_type"), "burst");
  ASSERT_TRUE(managed.ec2.has_value());
  EXPECT_EQ(managed.ec2->region(), "us-east-1");
  EXPECT_EQ(managed.ec2->pool(), "mesos-a");
  EXPECT_EQ(managed.ec2->on_demand_usd_per_hour().at("c4.large"), 0.1);
  EXPECT_TRUE(options.dry_run);
  EXPECT_THAT(managed.state_file, StartsWith("/var/lib/spotburst/"));
  EXPECT_THAT(options.decision_log.path, StartsWith("/var/log/spotburst/"));
  EXPECT_TRUE(sidecar::ParseListenAddress(options.listen)->loopback());
  EXPECT_TRUE(sidecar::ParseMetricsListen(options.metrics_listen)->loopback());
  EXPECT_TRUE(options.tls.cert_file.empty());
}

// The commented-out ha: block, uncommented (and the state file it replaces
// taken out), is a valid configuration: its keys are real.
TEST(DeployKit, TheCommentedHaBlockIsValidOnceUncommented) {
  const std::string text = ReadAll(Repo(kConfig));
  std::string uncommented;
  bool in_ha = false;
  int ha_lines = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (line == "  # ha:") in_ha = true;
    if (in_ha && absl::ConsumePrefix(&line, "  # ")) {
      absl::StrAppend(&uncommented, "  ", line, "\n");
      ++ha_lines;
      continue;
    }
    in_ha = false;
    if (absl::StartsWith(line, "  state_file:")) continue;
    absl::StrAppend(&uncommented, line, "\n");
  }
  ASSERT_GE(ha_lines, 3) << "no `  # ha:` block in " << kConfig;
  EXPECT_THAT(uncommented, HasSubstr("\n  ha:\n    zookeeper: "));
  sidecar::SidecarOptions options;
  const absl::Status loaded = sidecar::ApplyConfigText(
      uncommented, "spotburstd.yaml",
      std::filesystem::path(Repo(kConfig)).parent_path().string(), options);
  EXPECT_TRUE(loaded.ok()) << loaded << "\n" << uncommented;
}

// "Key=value" lines of a systemd unit; a key given twice keeps both values.
std::multimap<std::string, std::string> UnitSettings(const std::string& text) {
  std::multimap<std::string, std::string> settings;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (line.empty() || line[0] == '#' || line[0] == '[') continue;
    const size_t eq = line.find('=');
    if (eq == absl::string_view::npos) continue;
    settings.emplace(std::string(line.substr(0, eq)),
                     std::string(line.substr(eq + 1)));
  }
  return settings;
}

std::string One(const std::multimap<std::string, std::string>& settings,
                const std::string& key) {
  EXPECT_EQ(settings.count(key), 1u) << key;
  auto it = settings.find(key);
  return it == settings.end() ? "" : it->second;
}

TEST(DeployKit, TheUnitRunsTheConfigurationAndOutwaitsItsShutdown) {
  const auto unit =
      UnitSettings(ReadAll(Repo("examples/deploy/spotburstd.service")));
  EXPECT_EQ(One(unit, "Type"), "simple");  // no sd_notify
  EXPECT_EQ(One(unit, "User"), "spotburst");
  EXPECT_EQ(
      One(unit, "ExecStart"),
      "/usr/local/bin/spotburstd --config /etc/spotburst/spotburstd.yaml");
  EXPECT_EQ(One(unit, "ExecStartPre"),
            One(unit, "ExecStart") + " --check_config");
  EXPECT_EQ(One(unit, "EnvironmentFile"), "-/etc/spotburst/environment");
  // Secrets come from the environment file, never from the unit.
  EXPECT_EQ(unit.count("Environment"), 0u);

  // The daemon writes where the unit lets it, and nowhere else.
  const sidecar::SidecarOptions options = DeployOptions();
  ASSERT_TRUE(options.managed.has_value());
  const std::string state_dir = "/var/lib/" + One(unit, "StateDirectory");
  const std::string logs_dir = "/var/log/" + One(unit, "LogsDirectory");
  EXPECT_EQ(std::filesystem::path(options.managed->state_file).parent_path(),
            state_dir);
  EXPECT_EQ(std::filesystem::path(options.decision_log.path).parent_path(),
            logs_dir);
  EXPECT_EQ(One(unit, "ReadWritePaths"), state_dir + " " + logs_dir);
  EXPECT_EQ(One(unit, "ProtectSystem"), "strict");
  EXPECT_EQ(One(unit, "CapabilityBoundingSet"), "");

  // SIGTERM, then time for the tick in flight (its EC2 calls retry for up
  // to retry_budget_s) and the calls in flight (shutdown_grace_s) before
  // SIGKILL could cut the decision log short.
  EXPECT_EQ(One(unit, "KillSignal"), "SIGTERM");
  const std::string stop = One(unit, "TimeoutStopSec");
  absl::string_view timeout = stop;
  ASSERT_TRUE(absl::ConsumeSuffix(&timeout, "s")) << timeout;
  double stop_s = 0;
  ASSERT_TRUE(absl::SimpleAtod(timeout, &stop_s)) << timeout;
  const double retry_budget_s = options.managed->ec2->has_retry_budget_s()
                                    ? options.managed->ec2->retry_budget_s()
                                    : 20;
  EXPECT_GT(stop_s,
            absl::ToDoubleSeconds(options.shutdown_grace) + retry_budget_s);
}

// The JSON block of docs/ec2.md's "Permissions (IAM)" section.
std::string DocumentedIamPolicy() {
  const std::string doc = ReadAll(Repo("docs/ec2.md"));
  const size_t section = doc.find("## Permissions (IAM)");
  if (section == std::string::npos) return "";
  const size_t start = doc.find("```json\n", section);
  if (start == std::string::npos) return "";
  const size_t end = doc.find("```\n", start + 8);
  if (end == std::string::npos) return "";
  return doc.substr(start + 8, end - start - 8);
}

TEST(DeployKit, TheIamPolicyIsTheDocumentedOneForThePool) {
  const std::string file = ReadAll(Repo("examples/deploy/iam-policy.json"));
  ASSERT_FALSE(file.empty());
  EXPECT_EQ(file, DocumentedIamPolicy())
      << "examples/deploy/iam-policy.json and docs/ec2.md's policy differ";
  google::protobuf::Struct policy;
  ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(file, &policy).ok())
      << "not JSON";
  // Its pool is the configuration's: every spotburst:pool condition names it.
  const sidecar::SidecarOptions options = DeployOptions();
  ASSERT_TRUE(options.managed.has_value() && options.managed->ec2.has_value());
  const std::string pool = options.managed->ec2->pool();
  int conditions = 0;
  for (const auto& statement :
       policy.fields().at("Statement").list_value().values()) {
    const auto& fields = statement.struct_value().fields();
    if (!fields.contains("Condition")) continue;
    for (const auto& [op, test] :
         fields.at("Condition").struct_value().fields()) {
      for (const auto& [key, value] : test.struct_value().fields()) {
        if (!absl::EndsWith(key, "/spotburst:pool")) continue;
        ++conditions;
        EXPECT_EQ(value.string_value(), pool) << key;
      }
    }
  }
  EXPECT_EQ(conditions, 2);  // launching, and ending
}

}  // namespace
}  // namespace spotburst::testing
