// The fast state reader against protobuf's: random states in every
// spelling the proto JSON mapping allows (and many it refuses), and random
// mutations of valid lines. Whatever the fast reader accepts, protobuf must
// accept and read to the same bytes; ParseStateJson must give the same
// state, or the same error, as the protobuf path alone.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <iterator>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "gtest/gtest.h"
#include "spotburst/internal/file_util.h"
#include "spotburst/internal/json_lines.h"
#include "spotburst/internal/state_proto.h"
#include "spotburst/wire_format.h"

namespace spotburst {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

// Today's reading, without the fast reader: what ParseStateJson must equal.
absl::StatusOr<StateWithTime> ParseWithProtobuf(std::string_view json) {
  v1::EvaluationState proto;
  if (absl::Status s = internal::ReadStateJsonWithProtobuf(json, &proto);
      !s.ok()) {
    return s;
  }
  if (absl::Status s = internal::ValidateEvaluationState(proto); !s.ok()) {
    return s;
  }
  return internal::FromProto(proto);
}

std::string Bytes(const Message& m) {
  std::string out;
  m.SerializeToString(&out);  // deterministic without maps
  return out;
}

struct Outcome {
  bool fast = false;      // the fast reader took the text
  bool protobuf = false;  // protobuf accepted it
};

// Checks one text; returns what each reader did.
Outcome Check(std::string_view json) {
  SCOPED_TRACE(json);
  Outcome outcome;
  v1::EvaluationState fast, slow;
  outcome.fast = internal::ReadStateJsonFast(json, &fast);
  const absl::Status slow_status =
      internal::ReadStateJsonWithProtobuf(json, &slow);
  outcome.protobuf = slow_status.ok();
  if (outcome.fast) {
    EXPECT_TRUE(slow_status.ok()) << slow_status;
    EXPECT_EQ(Bytes(fast), Bytes(slow));
  }
  // The public function, end to end: same state or same error.
  const absl::StatusOr<StateWithTime> got = ParseStateJson(json);
  const absl::StatusOr<StateWithTime> want = ParseWithProtobuf(json);
  EXPECT_EQ(got.status(), want.status());
  if (got.ok() && want.ok()) {
    EXPECT_EQ(StateToJson(got->input, got->now),
              StateToJson(want->input, want->now));
  }
  return outcome;
}

// Writes random states as JSON text, choosing among the spellings of each
// value: plain ones the fast reader takes, and others it leaves to
// protobuf (which may accept or refuse them).
class StateWriter {
 public:
  explicit StateWriter(uint64_t seed, double odd) : rng_(seed), odd_(odd) {}

  std::string State() {
    out_.clear();
    WriteMessage(*v1::EvaluationState::descriptor(), 0);
    return out_;
  }

 private:
  bool Chance(double p) {
    return std::uniform_real_distribution<double>(0, 1)(rng_) < p;
  }
  int Int(int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng_);
  }
  template <size_t N>
  const char* Pick(const char* const (&options)[N]) {
    return options[Int(0, N - 1)];
  }
  bool Odd() { return Chance(odd_); }

  void Space() {
    if (Chance(0.1)) out_ += Pick({" ", "\n", "\t", "\r\n  "});
  }

  static std::string Camel(std::string_view name) {
    std::string out;
    bool upper = false;
    for (char c : name) {
      if (c == '_') {
        upper = true;
        continue;
      }
      out += upper ? static_cast<char>(c - 'a' + 'A') : c;
      upper = false;
    }
    return out;
  }

  void WriteMessage(const google::protobuf::Descriptor& d, int depth) {
    out_ += '{';
    bool first = true;
    auto key = [&](std::string_view name) {
      if (!first) out_ += ',';
      first = false;
      Space();
      out_ += '"';
      out_ += name;
      out_ += '"';
      Space();
      out_ += ':';
      Space();
    };
    for (int i = 0; i < d.field_count(); ++i) {
      const FieldDescriptor* f = d.field(i);
      if (!Chance(0.7)) continue;
      const bool camel = Odd() && Chance(0.3);
      key(camel ? Camel(f->name()) : f->name());
      if (Odd() && Chance(0.05)) {
        out_ += "null";
      } else {
        WriteField(*f, depth);
      }
      if (Odd() && Chance(0.03)) {  // the same field again
        key(Chance(0.5) ? f->name() : Camel(f->name()));
        WriteField(*f, depth);
      }
    }
    if (Odd() && Chance(0.05)) {
      key(Pick({"unknown_field", "Now", "", "cpus"}));
      out_ += "1";
    }
    Space();
    if (Odd() && Chance(0.02)) out_ += ',';
    out_ += '}';
  }

  void WriteField(const FieldDescriptor& f, int depth) {
    if (f.is_repeated()) {
      out_ += '[';
      const int n = depth > 3 ? 0 : Int(0, 3);
      for (int i = 0; i < n; ++i) {
        if (i > 0) out_ += ',';
        Space();
        if (f.type() == FieldDescriptor::TYPE_STRING) {
          WriteString();
        } else {
          WriteMessage(*f.message_type(), depth + 1);
        }
      }
      out_ += ']';
      return;
    }
    switch (f.type()) {
      case FieldDescriptor::TYPE_DOUBLE:
        return WriteDouble();
      case FieldDescriptor::TYPE_INT32:
        return WriteInt32();
      case FieldDescriptor::TYPE_INT64:
        return WriteInt64();
      case FieldDescriptor::TYPE_BOOL:
        out_ += Odd() ? Pick({"\"true\"", "1", "0", "True"})
                      : Pick({"true", "false"});
        return;
      case FieldDescriptor::TYPE_STRING:
        return WriteString();
      case FieldDescriptor::TYPE_ENUM:
        return WriteEnum(*f.enum_type());
      case FieldDescriptor::TYPE_MESSAGE:
        if (f.message_type()->full_name() == "google.protobuf.Timestamp") {
          return WriteTimestamp();
        }
        return WriteMessage(*f.message_type(), depth + 1);
      default:
        ADD_FAILURE() << "no writer for " << f.full_name();
    }
  }

  void WriteDouble() {
    if (Odd()) {
      out_ += Pick({"-0",
                    "-0.0",
                    "0.0",
                    "1e400",
                    "-1e400",
                    "1e-400",
                    "5e-324",
                    "2.2250738585072011e-308",
                    "9007199254740993",
                    "123456789012345678901234567890",
                    "18446744073709551616",
                    "-9223372036854775809",
                    "1E2",
                    "1e+2",
                    "0.5e-3",
                    "\"1.5\"",
                    "\"NaN\"",
                    "\"Infinity\"",
                    "\"-Infinity\"",
                    "\"1e400\"",
                    "NaN",
                    "01",
                    "1.",
                    ".5",
                    "+1",
                    "0x10",
                    "1234567890123456",
                    "-123456789012345",
                    "[]",
                    "{}"});
      return;
    }
    switch (Int(0, 3)) {
      case 0:
        absl::StrAppend(&out_, Int(0, 100000));
        return;
      case 1:
        absl::StrAppend(&out_, absl::StrFormat("%.17g", Real()));
        return;
      case 2:
        absl::StrAppend(&out_, absl::StrFormat("%.*g", Int(1, 16), Real()));
        return;
      default:
        absl::StrAppend(&out_, absl::StrFormat("%.*e", Int(0, 20), Real()));
    }
  }
  double Real() {
    return std::exp(std::uniform_real_distribution<double>(-30, 30)(rng_));
  }

  void WriteInt32() {
    if (Odd()) {
      out_ +=
          Pick({"2147483647", "2147483648", "-2147483648", "-2147483649", "1.0",
                "1e2", "\"5\"", "1.5", "-0", "99999999999", "\"\"", "true"});
      return;
    }
    absl::StrAppend(&out_, Int(-1000, 1000000));
  }

  void WriteInt64() {
    if (Odd()) {
      out_ += Pick({"9223372036854775807", "\"9223372036854775807\"",
                    "9223372036854775808", "\"-9223372036854775808\"",
                    "\"007\"", "\"-0\"", "\" 5\"", "\"5 \"", "\"1e3\"", "1e3",
                    "1.0", "\"+5\"", "\"0x10\"", "-0", "123456789012345678",
                    "\"123456789012345678\""});
      return;
    }
    const int64_t v = std::uniform_int_distribution<int64_t>(
        -1000000000000LL, 1000000000000LL)(rng_);
    if (Chance(0.5)) {
      absl::StrAppend(&out_, "\"", v, "\"");
    } else {
      absl::StrAppend(&out_, v);
    }
  }

  void WriteString() {
    if (Odd()) {
      out_ += Pick({"\"a\\\"b\"", "\"\\u00e9\"", "\"\\ud800\"",
                    "\"\\ud83d\\ude00\"", "\"caf\xc3\xa9\"", "\"\xff\"",
                    "\"\xc3\"", "\"tab\there\"", "\"\\n\"", "\"\x7f\"",
                    "\"\\/\"", "1", "null", "\"\\x41\""});
      return;
    }
    static constexpr char kChars[] =
        "abcdefghijklmnopqrstuvwxyzABCDEFXYZ0123456789-_./ <>&'=+:";
    out_ += '"';
    const int n = Int(0, 20);
    for (int i = 0; i < n; ++i) out_ += kChars[Int(0, sizeof(kChars) - 2)];
    out_ += '"';
  }

  void WriteEnum(const google::protobuf::EnumDescriptor& e) {
    if (Odd()) {
      switch (Int(0, 3)) {
        case 0:
          absl::StrAppend(&out_, Int(-1, e.value_count()));
          return;
        case 1:
          absl::StrAppend(&out_, "\"",
                          absl::AsciiStrToLower(e.value(0)->name()), "\"");
          return;
        case 2:
          out_ += "\"NOT_A_VALUE\"";
          return;
        default:
          absl::StrAppend(&out_, "\"", Int(0, e.value_count()), "\"");
          return;
      }
    }
    absl::StrAppend(&out_, "\"", e.value(Int(0, e.value_count() - 1))->name(),
                    "\"");
  }

  void WriteTimestamp() {
    if (Odd()) {
      out_ += Pick(
          {"\"2016-02-30T00:00:00Z\"", "\"2015-02-29T00:00:00Z\"",
           "\"2016-02-29T23:59:59Z\"", "\"0000-12-31T00:00:00Z\"",
           "\"0001-01-01T00:00:00Z\"", "\"9999-12-31T23:59:59Z\"",
           "\"2016-03-01T24:00:00Z\"", "\"2016-03-01T12:00:60Z\"",
           "\"2016-03-01T12:00:00+01:00\"", "\"2016-03-01t12:00:00z\"",
           "\"2016-03-01T12:00:00.Z\"", "\"2016-03-01T12:00:00.1234567890Z\"",
           "\"2016-03-01 12:00:00Z\"", "\"2016-3-01T12:00:00Z\"",
           "\"1900-01-01T00:00:00Z\"", "1456833600", "{}", "{\"seconds\":1}"});
      return;
    }
    absl::StrAppend(&out_, absl::StrFormat("\"%04d-%02d-%02dT%02d:%02d:%02d",
                                           Int(1, 9999), Int(1, 12), Int(1, 28),
                                           Int(0, 23), Int(0, 59), Int(0, 59)));
    const int digits = Chance(0.5) ? 0 : Int(1, 9);
    if (digits > 0) {
      out_ += '.';
      for (int i = 0; i < digits; ++i)
        out_ += static_cast<char>('0' + Int(0, 9));
    }
    out_ += "Z\"";
  }

  std::mt19937_64 rng_;
  double odd_;
  std::string out_;
};

TEST(ReadStateJsonFast, PlainRandomStatesReadAsProtobufReadsThem) {
  StateWriter writer(/*seed=*/1, /*odd=*/0);
  int fast = 0;
  for (int i = 0; i < 300; ++i) {
    const Outcome outcome = Check(writer.State());
    fast += outcome.fast;
    EXPECT_TRUE(outcome.protobuf);
  }
  // Plain text is what the fast reader is for: it takes all of it.
  EXPECT_EQ(fast, 300);
}

TEST(ReadStateJsonFast, OddSpellingsAreAcceptedOnlyWhereProtobufAccepts) {
  StateWriter writer(/*seed=*/2, /*odd=*/0.05);
  int fast = 0, refused = 0, protobuf_only = 0;
  for (int i = 0; i < 1500; ++i) {
    const Outcome outcome = Check(writer.State());
    fast += outcome.fast;
    refused += !outcome.protobuf;
    protobuf_only += outcome.protobuf && !outcome.fast;
  }
  // Each kind of outcome happens, so the comparison covers them all.
  EXPECT_GT(fast, 100);
  EXPECT_GT(refused, 100);
  EXPECT_GT(protobuf_only, 20);
}

// Valid lines, changed at random places.
TEST(ReadStateJsonFast, MutatedLinesAreReadOrRefusedAsByProtobuf) {
  std::vector<std::string> lines;
  for (const char* name : {"capacity-refused", "experiment2-listing",
                           "mesos-drain", "scale-up", "spike-2015"}) {
    absl::StatusOr<std::string> text = internal::ReadFileToString(
        absl::StrCat(SPOTBURST_SOURCE_DIR, "/examples/states/", name, ".json"),
        "state", 1 << 20);
    ASSERT_TRUE(text.ok()) << text.status();
    lines.push_back(*text);
  }
  StateWriter writer(/*seed=*/3, /*odd=*/0);
  for (int i = 0; i < 20; ++i) lines.push_back(writer.State());

  static constexpr const char* kInserts[] = {
      ",",     "}", "]",  "\"",         ":",        "null",  "\"x\":1,",
      "1e400", "-", "\\", "\x01",       "\xc3\xa9", "/*c*/", "\"now\":1,",
      ",]",    "{", "[",  "2147483648", "\"a\":",   " "};
  std::mt19937_64 rng(4);
  int fast = 0, refused = 0;
  for (int i = 0; i < 2000; ++i) {
    std::string line = lines[rng() % lines.size()];
    const size_t at = rng() % (line.size() + 1);
    switch (rng() % 5) {
      case 0:  // delete a character
        if (at < line.size()) line.erase(at, 1);
        break;
      case 1:  // duplicate a character
        if (at < line.size()) line.insert(at, 1, line[at]);
        break;
      case 2:  // swap two neighbours
        if (at + 1 < line.size()) std::swap(line[at], line[at + 1]);
        break;
      case 3:  // insert a token
        line.insert(at, kInserts[rng() % std::size(kInserts)]);
        break;
      default: {  // repeat a "key": value pair after itself
        const size_t key = line.find("\":", at);
        const size_t start =
            key == std::string::npos ? key : line.rfind('"', key - 1);
        const size_t end =
            key == std::string::npos ? key : line.find_first_of(",}", key);
        if (start != std::string::npos && end != std::string::npos) {
          line.insert(end, "," + line.substr(start, end - start));
        }
      }
    }
    const Outcome outcome = Check(line);
    fast += outcome.fast;
    refused += !outcome.protobuf;
  }
  EXPECT_GT(fast, 200);
  EXPECT_GT(refused, 200);
}

TEST(ReadStateJsonFast, NumbersAtTheEdgesReadAsProtobufReadsThem) {
  for (const char* value :
       {"0", "-0", "-0.0", "0.1", "1e-7", "1E+3", "4.9e-324", "1e-310", "1e308",
        "1.7976931348623157e308", "1e309", "123456789012345",
        "1234567890123456", "12345678901234567890", "0.30000000000000004",
        "3.141592653589793238462643383279"}) {
    Check(absl::StrCat(R"({"now":"2016-03-01T12:00:00Z","cluster":{"used":)",
                       R"({"cpus":)", value, "}}}"));
    Check(absl::StrCat(R"({"now":"2016-03-01T12:00:00Z","markets":[{"stats":)",
                       R"({"points":)", value, "}}]}"));
  }
}

}  // namespace
}  // namespace spotburst
