// The decision log: bounded on disk and in memory, one Decision per line,
// and `spotburst replay` over it reports exactly the plans that change.
#include "sidecar/decision_log.h"

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "sidecar/event_log.h"
#include "sidecar_testing.h"

namespace spotburst::testing {
namespace {

using sidecar::DecisionEntry;
using sidecar::DecisionLog;
using sidecar::DecisionLogOptions;
using sidecar::ScopedEventCapture;
using ::testing::HasSubstr;

std::vector<std::string> Lines(const std::string& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

DecisionEntry Entry(int i) {
  DecisionEntry entry;
  entry.decision_id = absl::StrCat("d-", i);
  entry.time = absl::FromUnixSeconds(1700000000 + i);
  entry.policy_name = "exp1";
  entry.state = ExampleStateProto();
  return entry;
}

// The decision ids of the file's lines; "<unparsable>" for a line that is
// not a whole Decision.
std::vector<std::string> DecisionIds(const std::string& path) {
  std::vector<std::string> ids;
  for (const std::string& line : Lines(path)) {
    v1::Decision decision;
    ids.push_back(
        google::protobuf::util::JsonStringToMessage(line, &decision).ok()
            ? decision.decision_id()
            : "<unparsable>");
  }
  return ids;
}

// The captured events that start with `prefix`.
std::vector<std::string> Events(const ScopedEventCapture& capture,
                                const std::string& prefix) {
  std::vector<std::string> out;
  for (const std::string& line : capture.lines()) {
    if (absl::StartsWith(line, prefix)) out.push_back(line);
  }
  return out;
}

TEST(DecisionLog, WritesOneParsableDecisionPerLine) {
  const std::string path = MakeTempDir() + "/decisions.jsonl";
  auto log = DecisionLog::Open({.path = path});
  ASSERT_TRUE(log.ok()) << log.status();
  for (int i = 0; i < 3; ++i) EXPECT_TRUE((*log)->Record(Entry(i)));
  (*log)->Close();

  const std::vector<std::string> lines = Lines(path);
  ASSERT_EQ(lines.size(), 3u);
  v1::Decision decision;
  ASSERT_TRUE(
      google::protobuf::util::JsonStringToMessage(lines[2], &decision).ok());
  EXPECT_EQ(decision.decision_id(), "d-2");
  EXPECT_EQ(decision.policy_name(), "exp1");
  EXPECT_EQ(decision.state().markets(0).market().instance_type(), "c4.large");
  EXPECT_EQ((*log)->stats().written, 3);
}

TEST(DecisionLog, RotatesAndKeepsAtMostMaxFiles) {
  const std::string dir = MakeTempDir();
  const std::string path = dir + "/decisions.jsonl";
  auto log =
      DecisionLog::Open({.path = path, .max_file_bytes = 8192, .max_files = 3});
  ASSERT_TRUE(log.ok()) << log.status();
  for (int i = 0; i < 200; ++i) ASSERT_TRUE((*log)->Record(Entry(i)));
  (*log)->Close();

  EXPECT_GT((*log)->stats().rotations, 2);
  std::vector<std::string> files;
  for (const auto& file : std::filesystem::directory_iterator(dir)) {
    files.push_back(file.path().filename().string());
    EXPECT_LE(std::filesystem::file_size(file.path()), 8192u);
  }
  EXPECT_THAT(files, ::testing::UnorderedElementsAre(
                         "decisions.jsonl", "decisions.jsonl.1",
                         "decisions.jsonl.2", "spotburst-decision-log.lock"));
  // The newest decision is the last line of the current file.
  EXPECT_THAT(Lines(path).back(), HasSubstr("\"decision_id\":\"d-199\""));
}

TEST(DecisionLog, DropsAndCountsWhatWouldPassTheMemoryBound) {
  const std::string path = MakeTempDir() + "/decisions.jsonl";
  auto log = DecisionLog::Open({.path = path, .queue_max_bytes = 65536});
  ASSERT_TRUE(log.ok()) << log.status();
  DecisionEntry huge = Entry(1);
  huge.state.mutable_fleet()->mutable_instances(0)->set_id(
      std::string(70000, 'i'));
  EXPECT_FALSE((*log)->Record(std::move(huge)));
  EXPECT_TRUE((*log)->Record(Entry(2)));
  (*log)->Close();
  EXPECT_FALSE((*log)->Record(Entry(3)));  // closed

  const DecisionLog::Stats stats = (*log)->stats();
  EXPECT_EQ(stats.recorded, 1);
  EXPECT_EQ(stats.dropped, 2);
  EXPECT_EQ(Lines(path).size(), 1u);
}

TEST(DecisionLog, BadOptionsNameTheField) {
  auto log = DecisionLog::Open({.path = "/tmp/x", .max_files = 0});
  EXPECT_EQ(log.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(log.status().message()),
              ::testing::StartsWith("decision_log.max_files: 0"));
}

// Two complete decisions, then one cut short by a crash.
std::string WriteCrashedLog(const std::string& path) {
  {
    auto log = DecisionLog::Open({.path = path});
    EXPECT_TRUE(log.ok()) << log.status();
    for (int i = 0; i < 2; ++i) EXPECT_TRUE((*log)->Record(Entry(i)));
  }
  const std::string torn = "{\"decision_id\":\"d-torn\",\"time\":\"2023-11";
  std::ofstream(path, std::ios::app) << torn;
  return torn;
}

TEST(DecisionLog, ATornLastLineIsCutOnOpenSoTheNextDecisionIsWhole) {
  const std::string path = MakeTempDir() + "/decisions.jsonl";
  const std::string torn = WriteCrashedLog(path);
  const auto complete_bytes = std::filesystem::file_size(path) - torn.size();

  ScopedEventCapture capture;
  auto log = DecisionLog::Open({.path = path});
  ASSERT_TRUE(log.ok()) << log.status();
  EXPECT_TRUE((*log)->Record(Entry(7)));
  (*log)->Close();

  EXPECT_THAT(DecisionIds(path), ::testing::ElementsAre("d-0", "d-1", "d-7"));
  EXPECT_THAT(Events(capture, "event=decision_log_torn_tail_cut"),
              ::testing::ElementsAre(absl::StrCat(
                  "event=decision_log_torn_tail_cut path=", path,
                  " offset=", complete_bytes, " bytes=", torn.size())));
}

TEST(DecisionLog, ACompleteDecisionMissingOnlyItsNewlineIsKept) {
  const std::string path = MakeTempDir() + "/decisions.jsonl";
  {
    auto log = DecisionLog::Open({.path = path});
    ASSERT_TRUE(log.ok()) << log.status();
    EXPECT_TRUE((*log)->Record(Entry(0)));
  }
  std::filesystem::resize_file(path, std::filesystem::file_size(path) - 1);

  ScopedEventCapture capture;
  auto log = DecisionLog::Open({.path = path});
  ASSERT_TRUE(log.ok()) << log.status();
  EXPECT_TRUE((*log)->Record(Entry(1)));
  (*log)->Close();
  EXPECT_THAT(DecisionIds(path), ::testing::ElementsAre("d-0", "d-1"));
  EXPECT_THAT(Events(capture, "event=decision_log_tail_ended"),
              ::testing::SizeIs(1));
}

TEST(DecisionLog, AFileThatDoesNotEndLikeADecisionLogIsRefusedUnchanged) {
  const std::string path = MakeTempDir() + "/notes.txt";
  WriteAll(path, "line one\nsomething else, no newline");
  auto log = DecisionLog::Open({.path = path});
  EXPECT_EQ(log.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(log.status().message()), HasSubstr(path));
  EXPECT_EQ(ReadAll(path), "line one\nsomething else, no newline");
}

TEST(DecisionLog, ADecisionWithNoJsonFormIsCountedAndTheNextOneWritten) {
  const std::string path = MakeTempDir() + "/decisions.jsonl";
  ScopedEventCapture capture;
  auto log = DecisionLog::Open({.path = path});
  ASSERT_TRUE(log.ok()) << log.status();
  DecisionEntry bad = Entry(1);
  // The binary form takes any seconds; the JSON form only years 1-9999.
  bad.state.mutable_fleet()
      ->mutable_instances(0)
      ->mutable_launch_time()
      ->set_seconds(int64_t{1} << 40);
  // Record does not format: it accepts the decision, the writer finds out.
  EXPECT_TRUE((*log)->Record(std::move(bad)));
  EXPECT_TRUE((*log)->Record(Entry(2)));
  (*log)->Close();

  const DecisionLog::Stats stats = (*log)->stats();
  EXPECT_EQ(stats.recorded, 2);
  EXPECT_EQ(stats.serialize_errors, 1);
  EXPECT_EQ(stats.written, 1);
  EXPECT_THAT(DecisionIds(path), ::testing::ElementsAre("d-2"));
  EXPECT_THAT(Events(capture, "event=decision_log_serialize_failed"),
              ::testing::ElementsAre(HasSubstr("failed=1")));
}

TEST(DecisionLog, EachLineCarriesItsOwnDecisionsPolicy) {
  const std::string path = MakeTempDir() + "/decisions.jsonl";
  auto log = DecisionLog::Open({.path = path});
  ASSERT_TRUE(log.ok()) << log.status();
  auto policy = [](const std::string& name) {
    auto p = std::make_shared<v1::Policy>();
    p->set_name(name);
    return std::shared_ptr<const v1::Policy>(std::move(p));
  };
  const auto a = policy("a"), b = policy("b");
  const std::vector<std::shared_ptr<const v1::Policy>> order = {a, b, b,
                                                                nullptr, a};
  for (size_t i = 0; i < order.size(); ++i) {
    DecisionEntry entry = Entry(static_cast<int>(i));
    entry.policy = order[i];
    ASSERT_TRUE((*log)->Record(std::move(entry)));
  }
  (*log)->Close();

  std::vector<std::string> names;
  for (const std::string& line : Lines(path)) {
    v1::Decision decision;
    ASSERT_TRUE(
        google::protobuf::util::JsonStringToMessage(line, &decision).ok());
    names.push_back(decision.has_policy() ? decision.policy().name()
                                          : "<none>");
  }
  EXPECT_THAT(names, ::testing::ElementsAre("a", "b", "b", "<none>", "a"));
}

TEST(DecisionLog, AFullQueueRefusesTheNewestAndKeepsWhatItHolds) {
  const std::string path = MakeTempDir() + "/decisions.jsonl";
  ScopedEventCapture capture;
  auto log = DecisionLog::OpenForTest({.path = path, .queue_capacity = 5},
                                      {.hold_writer = true});
  ASSERT_TRUE(log.ok()) << log.status();
  std::vector<bool> accepted;
  for (int i = 0; i < 8; ++i) accepted.push_back((*log)->Record(Entry(i)));
  EXPECT_THAT(accepted, ::testing::ElementsAre(true, true, true, true, true,
                                               false, false, false));
  EXPECT_EQ((*log)->stats().dropped, 3);
  (*log)->Close();

  // What was queued is written, in the order it was recorded.
  EXPECT_THAT(DecisionIds(path),
              ::testing::ElementsAre("d-0", "d-1", "d-2", "d-3", "d-4"));
  EXPECT_THAT(Events(capture, "event=decision_log_dropped"),
              ::testing::ElementsAre(HasSubstr("dropped=3 dropped_total=3")));
}

TEST(DecisionLog, ConcurrentRecordsAreAllWrittenEachInItsCallersOrder) {
  const std::string path = MakeTempDir() + "/decisions.jsonl";
  auto log = DecisionLog::Open({.path = path, .queue_capacity = 1000});
  ASSERT_TRUE(log.ok()) << log.status();
  constexpr int kThreads = 4, kEach = 100;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kEach; ++i) {
        DecisionEntry entry = Entry(i);
        entry.decision_id = absl::StrCat("t", t, "-", i);
        EXPECT_TRUE((*log)->Record(std::move(entry)));
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  (*log)->Close();

  std::vector<int> next(kThreads, 0);
  for (const std::string& id : DecisionIds(path)) {
    int t = 0, i = 0;
    ASSERT_EQ(std::sscanf(id.c_str(), "t%d-%d", &t, &i), 2) << id;
    EXPECT_EQ(i, next[t]) << "thread " << t << " out of order";
    next[t] = i + 1;
  }
  EXPECT_THAT(next, ::testing::Each(kEach));
  EXPECT_EQ((*log)->stats().written, kThreads * kEach);
}

TEST(DecisionLog, ASecondLogInTheSameDirectoryIsRefusedWhileTheFirstIsOpen) {
  const std::string dir = MakeTempDir();
  auto first = DecisionLog::Open({.path = dir + "/a.jsonl"});
  ASSERT_TRUE(first.ok()) << first.status();
  auto second = DecisionLog::Open({.path = dir + "/b.jsonl"});
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(second.status().message()),
              ::testing::AllOf(HasSubstr(dir), HasSubstr("another process")));
  EXPECT_FALSE(std::filesystem::exists(dir + "/b.jsonl"));

  (*first)->Close();
  EXPECT_TRUE(DecisionLog::Open({.path = dir + "/b.jsonl"}).ok());
}

TEST(DecisionLog, TheQueueHoldsAtMostQueueMaxBytesOfDecisionsAsWritten) {
  const std::string path = MakeTempDir() + "/decisions.jsonl";
  auto log = DecisionLog::OpenForTest({.path = path, .queue_max_bytes = 65536},
                                      {.hold_writer = true});
  ASSERT_TRUE(log.ok()) << log.status();
  int accepted = 0, refused = 0;
  for (int i = 0; refused < 3; ++i) {
    ((*log)->Record(Entry(i)) ? accepted : refused) += 1;
  }
  (*log)->Close();

  const DecisionLog::Stats stats = (*log)->stats();
  EXPECT_EQ(stats.recorded, accepted);
  EXPECT_EQ(stats.dropped, 3);
  // Everything accepted was waiting at once: its bytes are the bound's.
  EXPECT_EQ(stats.written, accepted);
  EXPECT_LE(std::filesystem::file_size(path), 65536u);
  EXPECT_GT(std::filesystem::file_size(path), 65536u / 2);
}

TEST(DecisionLog, CloseWritesWhatFitsBeforeTheDeadlineThenSaysWhatItDropped) {
  const std::string path = MakeTempDir() + "/decisions.jsonl";
  // A clock that moves one second each time it is read.
  const absl::Time start = absl::FromUnixSeconds(1700000000);
  auto ticks = std::make_shared<std::atomic<int64_t>>(0);
  auto log = DecisionLog::OpenForTest(
      {.path = path}, {.hold_writer = true, .clock = [start, ticks] {
                         return start + absl::Seconds(ticks->fetch_add(1));
                       }});
  ASSERT_TRUE(log.ok()) << log.status();
  for (int i = 0; i < 100; ++i) ASSERT_TRUE((*log)->Record(Entry(i)));

  ScopedEventCapture capture;
  (*log)->Close(start + absl::Seconds(20));
  const DecisionLog::Stats stats = (*log)->stats();
  EXPECT_GT(stats.written, 0);
  EXPECT_LT(stats.written, 100);
  EXPECT_EQ(stats.written + stats.unwritten_at_close, 100);
  EXPECT_EQ(static_cast<int64_t>(Lines(path).size()), stats.written);
  EXPECT_THAT(Events(capture, "event=decision_log_close_deadline"),
              ::testing::ElementsAre(HasSubstr(
                  absl::StrCat("written=", stats.written,
                               " unwritten=", stats.unwritten_at_close))));
}

TEST(DecisionLog, CloseWithADeadlinePassedWritesNothingMore) {
  const std::string path = MakeTempDir() + "/decisions.jsonl";
  auto log = DecisionLog::OpenForTest({.path = path}, {.hold_writer = true});
  ASSERT_TRUE(log.ok()) << log.status();
  for (int i = 0; i < 10; ++i) ASSERT_TRUE((*log)->Record(Entry(i)));
  (*log)->Close(absl::Now() - absl::Seconds(1));
  EXPECT_EQ((*log)->stats().written, 0);
  EXPECT_EQ((*log)->stats().unwritten_at_close, 10);
  EXPECT_EQ(std::filesystem::file_size(path), 0u);
}

// Decisions made through the server, then replayed by the CLI.
class DecisionReplayTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log_path_ = MakeTempDir() + "/decisions.jsonl";
    sidecar::SidecarOptions options;
    options.policy_files = {{"exp1", Repo(kPolicyFile)}};
    options.decision_log.path = log_path_;
    auto server = StartServer(std::move(options));
    ASSERT_NE(server, nullptr);
    auto stub = v1::PolicyService::NewStub(PlainChannel(server->port()));
    // Three loads, by name and inline: scale up, hold, scale down.
    for (double cpus : {38.5, 30.0, 2.0}) {
      v1::EvaluateRequest request;
      if (cpus == 30.0) {
        request.set_policy_text(ReadAll(Repo(kPolicyFile)));
      } else {
        request.set_policy_name("exp1");
      }
      *request.mutable_state() = ExampleStateProto();
      request.mutable_state()->mutable_cluster()->mutable_used()->set_cpus(
          cpus);
      request.mutable_state()->mutable_cluster()->clear_queued();
      request.set_decision_id(absl::StrCat("cpus-", cpus));
      grpc::ClientContext context;
      SetDeadline(context);
      v1::EvaluateResponse response;
      ASSERT_TRUE(stub->Evaluate(&context, request, &response).ok());
      EXPECT_TRUE(response.recorded());
    }
    server->Shutdown(absl::Now() + absl::Seconds(5));  // writes the log out
    ASSERT_EQ(Lines(log_path_).size(), 3u);
  }

  std::string log_path_;
};

TEST_F(DecisionReplayTest, ReplaysToTheSamePlansUnderTheRecordedPolicy) {
  RunResult replay = RunProgram({SPOTBURST_CLI_PATH, "replay", log_path_});
  EXPECT_EQ(replay.exit_code, 0) << replay.out << replay.err;
  EXPECT_THAT(replay.out,
              HasSubstr("replayed 3 decisions: 0 changed, 0 failed"));
}

TEST_F(DecisionReplayTest, ReportsEveryDecisionAChangedPolicyChanges) {
  // An eager policy: the same, bursting at 50 % instead of 75 %.
  const std::string policy = MakeTempDir() + "/eager.yaml";
  std::string text = ReadAll(Repo(kPolicyFile));
  ASSERT_NE(text.find("burst_point: 0.75"), std::string::npos);
  text.replace(text.find("burst_point: 0.75"), 17, "burst_point: 0.50");
  WriteAll(policy, text);

  RunResult replay = RunProgram(
      {SPOTBURST_CLI_PATH, "replay", "--policy=" + policy, log_path_});
  EXPECT_EQ(replay.exit_code, 1) << replay.out << replay.err;
  EXPECT_THAT(replay.out, HasSubstr("changed cpus-30 ("));
  EXPECT_THAT(replay.out, HasSubstr("desired"));
  EXPECT_THAT(replay.out, HasSubstr("0 failed"));
  EXPECT_THAT(replay.out, ::testing::Not(HasSubstr(" 0 changed")));
}

// The policy file with `from` replaced by `to`, in a fresh directory.
std::string EditedPolicy(const std::string& from, const std::string& to) {
  std::string text = ReadAll(Repo(kPolicyFile));
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  const std::string path = MakeTempDir() + "/edited.yaml";
  WriteAll(path, text);
  return path;
}

// An older engine's wording: every reason and note of every recorded plan
// says the same in other words.
void RewordReasons(const std::string& log_path) {
  std::string out;
  for (const std::string& line : Lines(log_path)) {
    v1::Decision decision;
    ASSERT_TRUE(
        google::protobuf::util::JsonStringToMessage(line, &decision).ok());
    v1::Plan& plan = *decision.mutable_plan();
    for (v1::Reason& note : *plan.mutable_notes()) {
      note.set_message("older wording: " + note.message());
    }
    for (v1::Action& action : *plan.mutable_actions()) {
      for (v1::Reason& reason : *action.mutable_reasons()) {
        reason.set_message("older wording: " + reason.message());
      }
    }
    google::protobuf::util::JsonPrintOptions options;
    options.preserve_proto_field_names = true;
    std::string json;
    ASSERT_TRUE(
        google::protobuf::util::MessageToJsonString(decision, &json, options)
            .ok());
    absl::StrAppend(&out, json, "\n");
  }
  WriteAll(log_path, out);
}

TEST_F(DecisionReplayTest, ARenamedPolicyAndRewordedReasonsChangeNoDecision) {
  // The scale-up decision has actions, whose tokens derive from the name.
  ASSERT_THAT(ReadAll(log_path_), HasSubstr("\"idempotency_token\""));
  RewordReasons(log_path_);
  ASSERT_THAT(ReadAll(log_path_), HasSubstr("older wording: "));
  const std::string policy =
      EditedPolicy("name: experiment1-revised", "name: renamed-candidate");

  RunResult replay = RunProgram(
      {SPOTBURST_CLI_PATH, "replay", "--policy=" + policy, log_path_});
  EXPECT_EQ(replay.exit_code, 0) << replay.out << replay.err;
  EXPECT_EQ(replay.out, absl::StrCat("replayed 3 decisions under ", policy,
                                     ": 0 changed, 0 failed\n"));
}

TEST_F(DecisionReplayTest, AChangedBidIsReportedWithTheBidsBeforeAndAfter) {
  // current-plus: current price + padding, the padding 0.1 -> 0.2.
  const std::string policy =
      EditedPolicy("padding_usd: 0.1", "padding_usd: 0.2");
  const double current = ExampleState().input.markets.at(0).stats.current_usd;
  const std::string before = absl::StrFormat("%.4f", current + 0.1);
  const std::string after = absl::StrFormat("%.4f", current + 0.2);

  RunResult replay = RunProgram(
      {SPOTBURST_CLI_PATH, "replay", "--policy=" + policy, log_path_});
  EXPECT_EQ(replay.exit_code, 1) << replay.out << replay.err;
  // The scale-up requests two instances (one more, and one in place of the
  // timed-out request) as before, at the new bid.
  EXPECT_THAT(replay.out, HasSubstr(absl::StrCat(
                              "changed cpus-38.5 (", log_path_,
                              ":1): request-spot 2 x c4.large in "
                              "us-east-1b @ ",
                              before, " -> 2 x c4.large in us-east-1b @ ",
                              after, "; bid ", before, " -> ", after, "\n")));
  EXPECT_THAT(replay.out, ::testing::Not(HasSubstr("desired")));
  EXPECT_THAT(replay.out, HasSubstr(": 3 changed, 0 failed\n"));
}

TEST_F(DecisionReplayTest, ABrokenLineIsReportedAndTheRestReplayed) {
  std::ofstream(log_path_, std::ios::app) << "{\"decision_id\": \"x\"}\n";
  RunResult replay = RunProgram({SPOTBURST_CLI_PATH, "replay", log_path_});
  EXPECT_EQ(replay.exit_code, 1);
  EXPECT_THAT(replay.out, HasSubstr(":4: policy: missing"));
  EXPECT_THAT(replay.out,
              HasSubstr("replayed 4 decisions: 0 changed, 1 failed"));
}

TEST_F(DecisionReplayTest, ATornLastLineIsNamedAndTheCompleteOnesReplayed) {
  std::ofstream(log_path_, std::ios::app) << "{\"decision_id\":\"x\",\"po";
  RunResult replay = RunProgram({SPOTBURST_CLI_PATH, "replay", log_path_});
  EXPECT_EQ(replay.exit_code, 0) << replay.out << replay.err;
  EXPECT_THAT(replay.out, HasSubstr(absl::StrCat("torn ", log_path_, ":4: ")));
  EXPECT_THAT(replay.out, HasSubstr("replayed 3 decisions: 0 changed, 0 "
                                    "failed, 1 torn line skipped"));
}

TEST_F(DecisionReplayTest, ALastLineThatIsNoDecisionAtAllIsAFailureNotATear) {
  std::ofstream(log_path_, std::ios::app) << "not json";
  RunResult replay = RunProgram({SPOTBURST_CLI_PATH, "replay", log_path_});
  EXPECT_EQ(replay.exit_code, 1) << replay.out << replay.err;
  EXPECT_THAT(replay.out,
              HasSubstr(absl::StrCat("failed ", log_path_, ":4: ")));
  EXPECT_THAT(replay.out,
              HasSubstr("replayed 4 decisions: 0 changed, 1 failed\n"));
}

TEST_F(DecisionReplayTest, ALineOverTheLimitIsAnErrorNamingItsLine) {
  const std::string first = Lines(log_path_).front();
  ASSERT_LT(first.size(), 65536u);
  std::ofstream(log_path_, std::ios::app) << std::string(200000, ' ') << "\n"
                                          << first << "\n";
  RunResult replay = RunProgram(
      {SPOTBURST_CLI_PATH, "replay", "--max_decision_bytes=65536", log_path_});
  EXPECT_EQ(replay.exit_code, 1) << replay.out << replay.err;
  EXPECT_THAT(replay.out,
              HasSubstr(absl::StrCat("failed ", log_path_,
                                     ":4: line of 200000 bytes is longer than "
                                     "--max_decision_bytes=65536")));
  EXPECT_THAT(replay.out,
              HasSubstr("replayed 5 decisions: 0 changed, 1 failed"));
}

TEST_F(DecisionReplayTest,
       ADirectoryOrADeviceIsRefusedBeforeAnythingIsReplayed) {
  const std::string dir = MakeTempDir();
  RunResult replay = RunProgram({SPOTBURST_CLI_PATH, "replay", log_path_, dir});
  EXPECT_EQ(replay.exit_code, 2);
  EXPECT_EQ(replay.out, "");
  EXPECT_THAT(replay.err,
              HasSubstr(absl::StrCat(dir,
                                     ": is a directory, not a regular "
                                     "file")));

  replay = RunProgram({SPOTBURST_CLI_PATH, "replay", "/dev/zero"});
  EXPECT_EQ(replay.exit_code, 2);
  EXPECT_EQ(replay.out, "");
  EXPECT_THAT(replay.err, HasSubstr("/dev/zero: is a character device, not a "
                                    "regular file"));
}

}  // namespace
}  // namespace spotburst::testing
