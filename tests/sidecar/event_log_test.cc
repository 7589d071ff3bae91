// The daemon's event lines, key=value and JSON, and their rate limiter.
#include "sidecar/event_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <regex>
#include <string>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "sidecar_testing.h"

namespace spotburst::sidecar {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// The format is process-wide: each test that changes it puts it back.
class ScopedLogFormat {
 public:
  explicit ScopedLogFormat(LogFormat format) : saved_(GetLogFormat()) {
    SetLogFormat(format);
  }
  ~ScopedLogFormat() { SetLogFormat(saved_); }

 private:
  const LogFormat saved_;
};

// `line` as a JSON object, or an error.
absl::StatusOr<google::protobuf::Struct> ParseObject(const std::string& line) {
  google::protobuf::Struct object;
  const auto status =
      google::protobuf::util::JsonStringToMessage(line, &object);
  if (!status.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(status.message()), " in ", line));
  }
  return object;
}

std::string Member(const google::protobuf::Struct& object,
                   const std::string& key) {
  auto it = object.fields().find(key);
  return it == object.fields().end() ? "<missing>" : it->second.string_value();
}

TEST(EventLog, QuotesValuesThatWouldBreakTheLine) {
  EXPECT_EQ(FormatEventForTest("listening", {{"address", "127.0.0.1:1"},
                                             {"note", "two words"},
                                             {"empty", ""}}),
            "event=listening address=127.0.0.1:1 note=\"two words\" "
            "empty=\"\"");
  EXPECT_EQ(FormatEventForTest("x", {{"message", "a=\"b\"\nc\x01"}}),
            "event=x message=\"a=\\\"b\\\"\\nc\\x01\"");
}

TEST(LogRateLimiter, LetsOneThroughPerIntervalAndCountsTheRest) {
  LogRateLimiter limiter(absl::Seconds(1));
  const absl::Time t0 = absl::FromUnixSeconds(1000);
  int64_t suppressed = -1;
  EXPECT_TRUE(limiter.Allow(t0, suppressed));
  EXPECT_EQ(suppressed, 0);
  EXPECT_FALSE(limiter.Allow(t0 + absl::Milliseconds(10), suppressed));
  EXPECT_FALSE(limiter.Allow(t0 + absl::Milliseconds(900), suppressed));
  EXPECT_TRUE(limiter.Allow(t0 + absl::Seconds(1), suppressed));
  EXPECT_EQ(suppressed, 2);
}

TEST(EventLog, ErrnoTextGivesTheMessageAndTheNumber) {
  EXPECT_EQ(ErrnoText(EFBIG), "File too large (errno 27)");
  EXPECT_EQ(ErrnoText(ENOSPC), "No space left on device (errno 28)");
}

TEST(EventLog, ACaptureTakesTheLinesInsteadOfStderr) {
  std::vector<std::string> lines;
  {
    ScopedEventCapture capture;
    LogEvent("first", {{"n", "1"}});
    LogEvent("second", {{"path", "a b"}});
    lines = capture.lines();
  }
  EXPECT_THAT(lines, ::testing::ElementsAre("event=first n=1",
                                            "event=second path=\"a b\""));
}

TEST(EventLog, JsonKeepsTheFieldsInTheOrderGiven) {
  EXPECT_EQ(FormatEventForTest("listening",
                               {{"zone", "b"},
                                {"address", "127.0.0.1:1"},
                                {"note", "two words"},
                                {"empty", ""}},
                               LogFormat::kJson),
            R"({"event":"listening","zone":"b","address":"127.0.0.1:1",)"
            R"("note":"two words","empty":""})");
}

TEST(EventLog, JsonEscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(
      FormatEventForTest(
          "x", {{"message", "a=\"b\"\\\nc\x01\x7f\t"}, {"key \"q\"", "v"}},
          LogFormat::kJson),
      R"({"event":"x","message":"a=\"b\"\\\nc\u0001\u007f\t",)"
      R"("key \"q\"":"v"})");
}

TEST(EventLog, JsonReplacesBadUtf8AndKeepsGoodUtf8) {
  // \xff is no UTF-8; U+009B (\xc2\x9b) is a terminal's CSI; é stays.
  EXPECT_EQ(FormatEventForTest("x", {{"name", "caf\xc3\xa9 \xff\xc2\x9b["}},
                               LogFormat::kJson),
            "{\"event\":\"x\",\"name\":\"caf\xc3\xa9 \xef\xbf\xbd"
            "\\u009b[\"}");
}

TEST(EventLog, EveryJsonLineParsesBackToItsValuesWhateverTheBytes) {
  absl::BitGen random;
  for (int i = 0; i < 500; ++i) {
    std::string value(absl::Uniform(random, 0, 40), '\0');
    for (char& c : value) c = static_cast<char>(absl::Uniform(random, 0, 256));
    const std::string line = FormatEventForTest(
        "random", {{"value", value}, {"n", absl::StrCat(i)}}, LogFormat::kJson);
    absl::StatusOr<google::protobuf::Struct> object = ParseObject(line);
    ASSERT_TRUE(object.ok()) << object.status();
    EXPECT_EQ(Member(*object, "event"), "random");
    EXPECT_EQ(Member(*object, "n"), absl::StrCat(i));
    // ASCII comes back as it was; other bytes may have been replaced.
    const bool ascii = std::all_of(value.begin(), value.end(), [](char c) {
      return static_cast<unsigned char>(c) < 0x80;
    });
    if (ascii) EXPECT_EQ(Member(*object, "value"), value);
  }
}

TEST(EventLog, JsonLinesOnStderrCarryTheTimeFirst) {
  const std::string path = ::spotburst::testing::MakeTempDir() + "/stderr";
  {
    ScopedLogFormat json(LogFormat::kJson);
    std::fflush(stderr);
    const int saved = dup(2);
    const int file = open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    ASSERT_GE(file, 0);
    dup2(file, 2);
    LogEvent("listening", {{"address", "127.0.0.1:1"}});
    LogEvent("stopped", {});
    std::fflush(stderr);
    dup2(saved, 2);
    close(saved);
    close(file);
  }
  const std::string text = ::spotburst::testing::ReadAll(path);
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  ASSERT_EQ(lines.size(), 3u) << text;
  EXPECT_EQ(lines[2], "");
  const std::regex time(
      R"(\{"time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z","event":.*\})");
  for (int i = 0; i < 2; ++i) {
    EXPECT_TRUE(std::regex_match(lines[i], time)) << lines[i];
    EXPECT_TRUE(ParseObject(lines[i]).ok()) << lines[i];
  }
  EXPECT_THAT(lines[0],
              HasSubstr(R"("event":"listening","address":"127.0.0.1:1"})"));
  EXPECT_THAT(lines[1], HasSubstr(R"("event":"stopped"})"));
}

TEST(EventLog, ACaptureTakesEachLineInTheFormatSetThen) {
  std::vector<std::string> lines;
  {
    ScopedEventCapture capture;
    LogEvent("first", {{"path", "a b"}});
    {
      ScopedLogFormat json(LogFormat::kJson);
      LogEvent("second", {{"path", "a b"}});
    }
    LogEvent("third", {});
    lines = capture.lines();
  }
  EXPECT_THAT(lines,
              ElementsAre("event=first path=\"a b\"",
                          R"({"event":"second","path":"a b"})", "event=third"));
}

TEST(EventLog, LogFormatNamesAreTextAndJson) {
  EXPECT_EQ(ParseLogFormat("text").value(), LogFormat::kKeyValue);
  EXPECT_EQ(ParseLogFormat("json").value(), LogFormat::kJson);
  EXPECT_EQ(ParseLogFormat("xml").status().message(),
            "must be text or json, not \"xml\"");
  // A long value is cut, not echoed whole.
  const absl::Status long_name =
      ParseLogFormat(std::string(10000, 'j')).status();
  EXPECT_EQ(long_name.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_LT(long_name.message().size(), 200u);
}

}  // namespace
}  // namespace spotburst::sidecar
