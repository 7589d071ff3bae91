// What the master JSON parsers (master_json.h) share: a padded copy of the
// body for simdjson, reading numbers, strings and flags with the problem
// described for people, and Mesos' text form of attribute values.
//
// Readers return a simdjson error only when the document cannot be read on
// (its structure is broken); a value of the wrong kind is a `problem`
// ("resources.cpus: -1 is negative") and the caller goes on, so that it can
// still name the agent whose id comes later in the object.
#ifndef SPOTBURST_ADAPTERS_MESOS_SRC_MASTER_JSON_READING_H_
#define SPOTBURST_ADAPTERS_MESOS_SRC_MASTER_JSON_READING_H_

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "master_json.h"
#include "spotburst/resources.h"

namespace spotburst::mesos::json {

namespace od = simdjson::ondemand;

// At most this many bytes of a value from the body go into a message.
inline constexpr size_t kQuoteBytes = 64;

// The first problem found; later ones are dropped.
class Problem {
 public:
  void Set(std::string text) {
    if (text_.empty()) text_ = std::move(text);
  }
  bool found() const { return !text_.empty(); }
  const std::string& text() const { return text_; }

 private:
  std::string text_;
};

// `text` quoted as a JSON string, cut to kQuoteBytes.
std::string Quote(std::string_view text);

// "<endpoint>: <where>: not valid JSON (<simdjson's reason>)".
absl::Status SyntaxError(std::string_view endpoint, std::string_view where,
                         simdjson::error_code error);

// "<endpoint>: <where>: <problem>" (no "<where>: " when it is empty).
absl::Status Invalid(std::string_view endpoint, std::string_view where,
                     std::string_view problem);

// The body as simdjson needs it (padded), and the root object of it.
// Returns a Status naming `endpoint` when the body is not a JSON object.
struct Document {
  simdjson::padded_string padded;
  od::parser parser;
  od::document doc;
};
absl::Status OpenObject(std::string_view endpoint, std::string_view body,
                        Document& document, od::object& root);
// After the root object was read whole: nothing but whitespace may follow.
absl::Status CheckEnd(std::string_view endpoint, Document& document);

// "a string", "an object", ...: what a value is, for messages.
std::string_view KindName(od::json_type type);

// Where a value sits, put into words only when there is a problem to
// report (the hot path reads tens of thousands of values and reports
// none): "<base>[<index>].<leaf>.<leaf2>", each part when set, e.g.
// "total_resources[2].scalar.value". The views must outlive the Field.
struct Field {
  Field(std::string_view base) : base(base) {}    // NOLINT: a plain name
  Field(const char* base) : base(base) {}         // NOLINT
  Field(const std::string& base) : base(base) {}  // NOLINT
  Field(std::string_view base, int64_t index, std::string_view leaf = {})
      : base(base), index(index), leaf(leaf) {}

  // This field's `name` member, e.g. "resources" -> "resources.cpus".
  Field Then(std::string_view name) const;
  std::string Text() const;

  std::string_view base;
  int64_t index = -1;       // none when < 0
  std::string_view leaf;    // after a "."
  std::string_view leaf2;   // after another "."
  bool quote_leaf = false;  // `leaf` is from the body: quoted, cut short
};

// A finite number >= 0 at `field`.
simdjson::error_code ReadQuantity(od::value value, const Field& field,
                                  double& out, Problem& problem);
// A string at `field`, copied.
simdjson::error_code ReadString(od::value value, const Field& field,
                                std::string& out, Problem& problem);
// true or false at `field`.
simdjson::error_code ReadBool(od::value value, const Field& field, bool& out,
                              Problem& problem);

// A /master/slaves resources object ({"cpus": 16, "mem": 61952, ...}) at
// `field`: cpus, mem and disk required, gpus optional, the rest skipped.
simdjson::error_code ReadResourcesObject(od::value value, const Field& field,
                                         Resources& out, Problem& problem);

// A scalar as Mesos prints it: rounded to 3 decimals, then up to 15
// significant digits ("12", "2.5", "0.333").
std::string MesosScalarText(double value);

// "drain_info.state" -> the phase; "UNKNOWN" is no drain.
simdjson::error_code ReadDrainInfo(od::value value, const Field& field,
                                   DrainPhase& out, Problem& problem);

}  // namespace spotburst::mesos::json

#endif  // SPOTBURST_ADAPTERS_MESOS_SRC_MASTER_JSON_READING_H_
