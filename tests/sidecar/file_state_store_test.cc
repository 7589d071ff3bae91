// The state file of managed mode: what a restart reads back, what it
// refuses (naming the file and the field), one daemon per file, and a
// checkpoint that survives a crash at any point of a save, whole.
#include "sidecar/file_state_store.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <set>
#include <string>

#include "absl/random/random.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "sidecar/event_log.h"
#include "sidecar_testing.h"

namespace spotburst::sidecar {
namespace {

using ::spotburst::testing::MakeTempDir;
using ::spotburst::testing::ReadAll;
using ::spotburst::testing::WriteAll;
using ::testing::AllOf;
using ::testing::HasSubstr;

constexpr int64_t kT0 = 1700000000;

// A checkpoint with every kind of memory the engine keeps; `n` varies it.
v1::ControllerCheckpoint Checkpoint(int n) {
  v1::ControllerCheckpoint c;
  v1::EngineState& e = *c.mutable_engine_state();
  e.mutable_last_scale_up()->set_seconds(kT0 + n);
  e.mutable_last_scale_down()->set_seconds(kT0 - 600);
  e.mutable_scale_in_wanted_since()->set_seconds(kT0 - 60);
  e.set_supply_mode(v1::SUPPLY_MODE_ON_DEMAND);
  e.mutable_supply_mode_since()->set_seconds(kT0 - 300);
  e.set_fallback_reason("spot capacity short in us-east-1b");
  e.set_fallback_for_capacity(true);
  e.mutable_spot_healthy_since()->set_seconds(kT0 - 30);
  for (int i = 0; i < 1 + n % 3; ++i) {
    v1::LaunchBackoff& b = *e.add_backoffs();
    b.mutable_market()->set_instance_type("c4.large");
    b.mutable_market()->set_availability_zone(absl::StrCat("us-east-1", i));
    b.set_lifecycle(v1::LIFECYCLE_SPOT);
    b.set_cause(i % 2 == 0 ? v1::FAILURE_CAUSE_CAPACITY
                           : v1::FAILURE_CAUSE_QUOTA);
    b.set_failures(1 + i);
    b.mutable_last_failure()->set_seconds(kT0 - 10);
    b.mutable_until()->set_seconds(kT0 + 600);
    b.set_code("InsufficientInstanceCapacity");
  }
  for (int i = 0; i < 2 + n % 5; ++i) {
    v1::AgentDrain& d = *e.add_drains();
    d.set_instance_id(absl::StrCat("i-", n, "-", i));
    d.mutable_started()->set_seconds(kT0 - i);
    d.set_for_interruption(i % 2 == 1);
  }
  c.set_policy_name("prod");
  c.set_policy_revision(absl::StrCat(n));
  c.mutable_saved_at()->set_seconds(kT0 + n);
  c.mutable_saved_at()->set_nanos(123000000);
  c.set_saved_by("host-a");
  return c;
}

bool Same(const v1::ControllerCheckpoint& a,
          const v1::ControllerCheckpoint& b) {
  return google::protobuf::util::MessageDifferencer::Equals(a, b);
}

std::unique_ptr<FileStateStore> OpenOrDie(const std::string& path) {
  absl::StatusOr<std::unique_ptr<FileStateStore>> store =
      FileStateStore::Open(path);
  EXPECT_TRUE(store.ok()) << store.status();
  return store.ok() ? *std::move(store) : nullptr;
}

std::set<std::string> Files(const std::string& dir) {
  std::set<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    names.insert(entry.path().filename().string());
  }
  return names;
}

TEST(FileStateStore, LoadsBackWhatItSavedDrainsCooldownsAndBackoffs) {
  const std::string path = MakeTempDir() + "/state.json";
  auto store = OpenOrDie(path);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->Describe(), "state file " + path);
  ASSERT_TRUE(store->Save(Checkpoint(1)).ok());
  absl::StatusOr<std::optional<v1::ControllerCheckpoint>> loaded =
      store->Load();
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ASSERT_TRUE(loaded->has_value());
  EXPECT_TRUE(Same(**loaded, Checkpoint(1))) << (*loaded)->DebugString();

  // The next save replaces it, and a store opened later reads the same.
  ASSERT_TRUE(store->Save(Checkpoint(2)).ok());
  store.reset();
  store = OpenOrDie(path);
  ASSERT_NE(store, nullptr);
  loaded = store->Load();
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ASSERT_TRUE(loaded->has_value());
  EXPECT_TRUE(Same(**loaded, Checkpoint(2))) << (*loaded)->DebugString();
  // Proto JSON with the .proto's field names, for people to read too.
  EXPECT_THAT(ReadAll(path), AllOf(HasSubstr("\"engine_state\""),
                                   HasSubstr("\"instance_id\": \"i-2-0\"")));
}

TEST(FileStateStore, NothingSavedYetIsNoCheckpoint) {
  const std::string path = MakeTempDir() + "/state.json";
  auto store = OpenOrDie(path);
  ASSERT_NE(store, nullptr);
  absl::StatusOr<std::optional<v1::ControllerCheckpoint>> loaded =
      store->Load();
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_FALSE(loaded->has_value());
}

TEST(FileStateStore, TheFileIsReadableByItsOwnerAlone) {
  const std::string path = MakeTempDir() + "/state.json";
  WriteAll(path, "{}");
  ASSERT_EQ(chmod(path.c_str(), 0644), 0);
  auto store = OpenOrDie(path);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Save(Checkpoint(1)).ok());
  struct stat st;
  ASSERT_EQ(stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600);
}

TEST(FileStateStore, CorruptJsonIsAnErrorNamingTheFile) {
  const std::string path = MakeTempDir() + "/state.json";
  auto store = OpenOrDie(path);
  ASSERT_NE(store, nullptr);
  for (const std::string text :
       {"{\"engine_state\": {\"drains\": [", "", "not json",
        "{\"policy_name\": \"a\", \"policy_name\": \"b\"}",
        "{\"no_such_field\": 1}"}) {
    WriteAll(path, text);
    absl::StatusOr<std::optional<v1::ControllerCheckpoint>> loaded =
        store->Load();
    ASSERT_FALSE(loaded.ok()) << text;
    EXPECT_EQ(loaded.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(loaded.status().message(), HasSubstr("state file " + path))
        << text;
  }
}

TEST(FileStateStore, AFileOverTheSizeLimitIsRefusedUnread) {
  const std::string path = MakeTempDir() + "/state.json";
  auto store = OpenOrDie(path);
  ASSERT_NE(store, nullptr);
  WriteAll(path, "");
  ASSERT_EQ(truncate(path.c_str(), FileStateStore::kMaxFileBytes + 1), 0);
  absl::StatusOr<std::optional<v1::ControllerCheckpoint>> loaded =
      store->Load();
  ASSERT_FALSE(loaded.ok());
  EXPECT_THAT(loaded.status().message(),
              AllOf(HasSubstr(path), HasSubstr("more than the limit of")));
}

TEST(FileStateStore, ABadFieldIsAnErrorNamingTheFileAndTheField) {
  const std::string path = MakeTempDir() + "/state.json";
  auto store = OpenOrDie(path);
  ASSERT_NE(store, nullptr);
  const struct {
    std::string json, field;
  } cases[] = {
      {R"({"engine_state": {"drains": [{"instance_id": "i-1",
           "started": "2024-01-01T00:00:00Z"}, {"instance_id": "",
           "started": "2024-01-01T00:00:00Z"}]}})",
       "engine_state.drains[1].instance_id: required"},
      {R"({"engine_state": {"drains": [{"instance_id": "i-1"}]}})",
       "engine_state.drains[0].started: required"},
      {R"({"engine_state": {"backoffs": [{"market":
           {"instance_type": "c4.large"}, "lifecycle": "LIFECYCLE_SPOT",
           "failures": 1}]}})",
       "engine_state.backoffs[0].cause"},
      {R"({"engine_state": {"supply_mode": 7}})", "engine_state.supply_mode"},
  };
  for (const auto& c : cases) {
    WriteAll(path, c.json);
    absl::StatusOr<std::optional<v1::ControllerCheckpoint>> loaded =
        store->Load();
    ASSERT_FALSE(loaded.ok()) << c.json;
    EXPECT_EQ(loaded.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(loaded.status().message(),
                HasSubstr("state file " + path + ": " + c.field));
  }
}

TEST(FileStateStore, ACheckpointARestartWouldRefuseIsNotSaved) {
  const std::string path = MakeTempDir() + "/state.json";
  auto store = OpenOrDie(path);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Save(Checkpoint(1)).ok());
  v1::ControllerCheckpoint bad = Checkpoint(2);
  bad.mutable_engine_state()->mutable_drains(0)->clear_instance_id();
  const absl::Status saved = store->Save(bad);
  EXPECT_EQ(saved.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(saved.message(),
              HasSubstr("engine_state.drains[0].instance_id: required"));
  absl::StatusOr<std::optional<v1::ControllerCheckpoint>> loaded =
      store->Load();
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ASSERT_TRUE(loaded->has_value());
  EXPECT_TRUE(Same(**loaded, Checkpoint(1)));
}

TEST(FileStateStore, AMissingDirectoryIsAnErrorNamingTheOptionAndPath) {
  const std::string path = MakeTempDir() + "/no-such-dir/state.json";
  absl::StatusOr<std::unique_ptr<FileStateStore>> store =
      FileStateStore::Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_THAT(store.status().message(),
              AllOf(HasSubstr("managed.state_file"), HasSubstr(path)));
}

TEST(FileStateStore, OneStorePerFileAtATime) {
  const std::string dir = MakeTempDir();
  const std::string path = dir + "/state.json";
  auto first = OpenOrDie(path);
  ASSERT_NE(first, nullptr);
  absl::StatusOr<std::unique_ptr<FileStateStore>> second =
      FileStateStore::Open(path);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(second.status().message(),
              AllOf(HasSubstr(path + " is locked by another process"),
                    HasSubstr(absl::StrCat("(pid ", getpid(), ")"))));
  // Another file in the same directory is another store.
  EXPECT_NE(OpenOrDie(dir + "/other.json"), nullptr);
  first.reset();
  EXPECT_NE(OpenOrDie(path), nullptr);
}

TEST(FileStateStore, LeftoversOfACrashedSaveAreIgnoredAndRemoved) {
  const std::string dir = MakeTempDir();
  const std::string path = dir + "/state.json";
  {
    auto store = OpenOrDie(path);
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(store->Save(Checkpoint(1)).ok());
  }
  // A save cut short: a newer checkpoint, half written.
  const std::string newer = ReadAll(path);
  WriteAll(path + ".tmp-12345", newer.substr(0, newer.size() / 2));
  WriteAll(dir + "/other.json.tmp-12345", "not ours");
  ScopedEventCapture capture;
  auto store = OpenOrDie(path);
  ASSERT_NE(store, nullptr);
  absl::StatusOr<std::optional<v1::ControllerCheckpoint>> loaded =
      store->Load();
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ASSERT_TRUE(loaded->has_value());
  EXPECT_TRUE(Same(**loaded, Checkpoint(1)));
  EXPECT_EQ(Files(dir), (std::set<std::string>{"state.json", "state.json.lock",
                                               "other.json.tmp-12345"}));
  EXPECT_THAT(
      capture.lines(),
      ::testing::ElementsAre(absl::StrCat(
          "event=state_file_leftover_removed path=", path, ".tmp-12345")));
}

// A daemon killed at any point of a save leaves the last checkpoint or the
// one it was saving, whole. The child saves in a loop and reports each
// save on a pipe; it is killed after a random number of them, in the middle
// of whatever it is doing then.
TEST(FileStateStore, AKillDuringASaveLeavesOneWholeCheckpoint) {
  const std::string dir = MakeTempDir();
  const std::string path = dir + "/state.json";
  absl::BitGen random;
  ScopedEventCapture quiet;  // the leftovers removed, in parent and child
  for (int round = 0; round < 50; ++round) {
    int report[2];
    ASSERT_EQ(pipe(report), 0);
    const int first = round * 1000;
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(report[0]);
      absl::StatusOr<std::unique_ptr<FileStateStore>> store =
          FileStateStore::Open(path);
      if (!store.ok()) _exit(2);
      for (int n = first;; ++n) {
        if (!(*store)->Save(Checkpoint(n)).ok()) _exit(3);
        if (write(report[1], "s", 1) != 1) _exit(4);
      }
    }
    close(report[1]);
    const int saves = absl::Uniform(random, 1, 4);
    int seen = 0;
    char byte;
    while (seen < saves && read(report[0], &byte, 1) == 1) ++seen;
    kill(pid, SIGKILL);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    close(report[0]);
    ASSERT_EQ(seen, saves) << "the child failed, status " << status;
    ASSERT_TRUE(WIFSIGNALED(status));

    auto store = OpenOrDie(path);  // the child's lock went with it
    ASSERT_NE(store, nullptr);
    absl::StatusOr<std::optional<v1::ControllerCheckpoint>> loaded =
        store->Load();
    ASSERT_TRUE(loaded.ok()) << "round " << round << ": " << loaded.status();
    ASSERT_TRUE(loaded->has_value());
    int n = -1;
    ASSERT_TRUE(absl::SimpleAtoi((*loaded)->policy_revision(), &n));
    // The last save reported, or a later one.
    EXPECT_GE(n, first + saves - 1);
    EXPECT_TRUE(Same(**loaded, Checkpoint(n))) << "round " << round;
    EXPECT_EQ(Files(dir),
              (std::set<std::string>{"state.json", "state.json.lock"}));
  }
}

}  // namespace
}  // namespace spotburst::sidecar
