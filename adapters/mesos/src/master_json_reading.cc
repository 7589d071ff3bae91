// Shared reading for the master JSON parsers.
#include "master_json_reading.h"

#include <simdjson.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "spotburst/internal/strict_json.h"

namespace spotburst::mesos::json {
namespace {

// Debian's Abseil has its own string_view.
absl::string_view Sv(std::string_view s) { return {s.data(), s.size()}; }

std::string Prefixed(const Field& field, std::string_view text) {
  return absl::StrCat(field.Text(), ": ", Sv(text));
}

// Whether the error leaves the document readable: a value of another type
// (or a number out of range) is the value's problem, not the document's.
bool IsValueError(simdjson::error_code error) {
  return error == simdjson::INCORRECT_TYPE || error == simdjson::NUMBER_ERROR ||
         error == simdjson::NUMBER_OUT_OF_RANGE;
}

}  // namespace

std::string Quote(std::string_view text) {
  return internal::JsonQuote(internal::Excerpt(text, kQuoteBytes));
}

absl::Status SyntaxError(std::string_view endpoint, std::string_view where,
                         simdjson::error_code error) {
  return Invalid(
      endpoint, where,
      absl::StrCat("not valid JSON (", simdjson::error_message(error), ")"));
}

absl::Status Invalid(std::string_view endpoint, std::string_view where,
                     std::string_view problem) {
  if (where.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(Sv(endpoint), ": ", Sv(problem)));
  }
  return absl::InvalidArgumentError(
      absl::StrCat(Sv(endpoint), ": ", Sv(where), ": ", Sv(problem)));
}

absl::Status OpenObject(std::string_view endpoint, std::string_view body,
                        Document& document, od::object& root) {
  // simdjson reads up to SIMDJSON_PADDING bytes past the end; the copy
  // gives it room (a few milliseconds for tens of megabytes).
  document.padded = simdjson::padded_string(body.data(), body.size());
  if (const simdjson::error_code error =
          document.parser.iterate(document.padded).get(document.doc);
      error != simdjson::SUCCESS) {
    return SyntaxError(endpoint, "", error);
  }
  od::json_type type;
  if (const simdjson::error_code error = document.doc.type().get(type);
      error != simdjson::SUCCESS) {
    return SyntaxError(endpoint, "", error);
  }
  if (type != od::json_type::object) {
    return Invalid(endpoint, "",
                   absl::StrCat("the body is ", Sv(KindName(type)),
                                ", not a JSON object"));
  }
  if (const simdjson::error_code error = document.doc.get_object().get(root);
      error != simdjson::SUCCESS) {
    return SyntaxError(endpoint, "", error);
  }
  return absl::OkStatus();
}

absl::Status CheckEnd(std::string_view endpoint, Document& document) {
  const char* at = nullptr;
  const simdjson::error_code error = document.doc.current_location().get(at);
  if (error == simdjson::OUT_OF_BOUNDS) return absl::OkStatus();  // the end
  if (error != simdjson::SUCCESS) return SyntaxError(endpoint, "", error);
  return Invalid(endpoint, "",
                 absl::StrCat("not valid JSON (more after the object, at byte ",
                              at - document.padded.data(), ")"));
}

Field Field::Then(std::string_view name) const {
  Field next = *this;
  if (next.leaf.empty()) {
    next.leaf = name;
  } else {
    next.leaf2 = name;  // two levels are all the parsers need
  }
  return next;
}

std::string Field::Text() const {
  std::string text(base);
  if (index >= 0) absl::StrAppend(&text, "[", index, "]");
  if (!leaf.empty()) {
    absl::StrAppend(&text, text.empty() ? "" : ".",
                    quote_leaf ? Quote(leaf) : std::string(leaf));
  }
  if (!leaf2.empty()) absl::StrAppend(&text, ".", Sv(leaf2));
  return text;
}

std::string_view KindName(od::json_type type) {
  switch (type) {
    case od::json_type::array:
      return "an array";
    case od::json_type::object:
      return "an object";
    case od::json_type::number:
      return "a number";
    case od::json_type::string:
      return "a string";
    case od::json_type::boolean:
      return "a boolean";
    case od::json_type::null:
      return "null";
  }
  return "a value";
}

namespace {

// The value's type, or a structural error.
simdjson::error_code TypeOf(od::value& value, od::json_type& type) {
  return value.type().get(type);
}

simdjson::error_code WrongKind(od::json_type type, const Field& field,
                               std::string_view wanted, Problem& problem) {
  problem.Set(Prefixed(
      field, absl::StrCat("is ", Sv(KindName(type)), ", not ", Sv(wanted))));
  return simdjson::SUCCESS;
}

}  // namespace

simdjson::error_code ReadQuantity(od::value value, const Field& field,
                                  double& out, Problem& problem) {
  od::json_type type;
  if (simdjson::error_code error = TypeOf(value, type)) return error;
  if (type != od::json_type::number) {
    return WrongKind(type, field, "a number", problem);
  }
  double number = 0;
  if (simdjson::error_code error = value.get_double().get(number)) {
    if (!IsValueError(error)) return error;
    problem.Set(Prefixed(field, "not a finite number"));
    return simdjson::SUCCESS;
  }
  if (!std::isfinite(number)) {
    problem.Set(Prefixed(field, "not a finite number"));
  } else if (number < 0) {
    problem.Set(
        Prefixed(field, absl::StrCat(MesosScalarText(number), " is negative")));
  } else {
    out = number;
  }
  return simdjson::SUCCESS;
}

simdjson::error_code ReadString(od::value value, const Field& field,
                                std::string& out, Problem& problem) {
  od::json_type type;
  if (simdjson::error_code error = TypeOf(value, type)) return error;
  if (type != od::json_type::string) {
    return WrongKind(type, field, "a string", problem);
  }
  std::string_view text;
  if (simdjson::error_code error = value.get_string().get(text)) return error;
  out.assign(text.data(), text.size());
  return simdjson::SUCCESS;
}

simdjson::error_code ReadBool(od::value value, const Field& field, bool& out,
                              Problem& problem) {
  od::json_type type;
  if (simdjson::error_code error = TypeOf(value, type)) return error;
  if (type != od::json_type::boolean) {
    return WrongKind(type, field, "true or false", problem);
  }
  return value.get_bool().get(out);
}

simdjson::error_code ReadResourcesObject(od::value value, const Field& field,
                                         Resources& out, Problem& problem) {
  od::json_type type;
  if (simdjson::error_code error = TypeOf(value, type)) return error;
  if (type != od::json_type::object) {
    return WrongKind(type, field, "an object", problem);
  }
  od::object object;
  if (simdjson::error_code error = value.get_object().get(object)) {
    return error;
  }
  bool cpus = false, mem = false, disk = false;
  Resources resources;
  for (auto member : object) {
    od::field f;
    if (simdjson::error_code error = std::move(member).get(f)) return error;
    const simdjson::ondemand::raw_json_string key = f.key();
    double* target = nullptr;
    std::string_view name;
    if (key == "cpus") {
      target = &resources.cpus, name = "cpus", cpus = true;
    } else if (key == "mem") {
      target = &resources.mem_mib, name = "mem", mem = true;
    } else if (key == "disk") {
      target = &resources.disk_mib, name = "disk", disk = true;
    } else if (key == "gpus") {
      target = &resources.gpus, name = "gpus";
    } else {
      continue;  // ports, *_revocable, custom resources
    }
    if (simdjson::error_code error =
            ReadQuantity(f.value(), field.Then(name), *target, problem)) {
      return error;
    }
  }
  for (const auto& [present, name] :
       {std::pair{cpus, "cpus"}, {mem, "mem"}, {disk, "disk"}}) {
    if (!present) {
      problem.Set(Prefixed(field.Then(name), "is missing"));
    }
  }
  out = resources;
  return simdjson::SUCCESS;
}

std::string MesosScalarText(double value) {
  // Mesos keeps 3 decimals (fixed point in thousandths) and prints with 15
  // significant digits; beyond 2^53 / 1000 the rounding changes nothing.
  double rounded = value;
  if (std::fabs(value) < 9e12) {
    const int64_t fixed = std::llround(value * 1000);
    rounded = static_cast<double>(fixed / 1000) +
              static_cast<double>(fixed % 1000) / 1000.0;
  }
  std::string text = absl::StrFormat("%.15g", rounded);
  if (text == "-0") text = "0";
  return text;
}

simdjson::error_code ReadDrainInfo(od::value value, const Field& field,
                                   DrainPhase& out, Problem& problem) {
  od::json_type type;
  if (simdjson::error_code error = TypeOf(value, type)) return error;
  if (type != od::json_type::object) {
    return WrongKind(type, field, "an object", problem);
  }
  od::object object;
  if (simdjson::error_code error = value.get_object().get(object)) {
    return error;
  }
  const Field state_field = field.Then("state");
  bool found = false;
  for (auto member : object) {
    od::field f;
    if (simdjson::error_code error = std::move(member).get(f)) return error;
    if (f.key() != "state") continue;
    found = true;
    std::string state;
    Problem state_problem;
    if (simdjson::error_code error =
            ReadString(f.value(), state_field, state, state_problem)) {
      return error;
    }
    if (state_problem.found()) {
      problem.Set(state_problem.text());
    } else if (state == "DRAINING") {
      out = DrainPhase::kDraining;
    } else if (state == "DRAINED") {
      out = DrainPhase::kDrained;
    } else if (state == "UNKNOWN") {
      out = DrainPhase::kNone;
    } else {
      problem.Set(
          Prefixed(state_field,
                   absl::StrCat(Quote(state), " is not DRAINING or DRAINED")));
    }
  }
  if (!found) problem.Set(Prefixed(state_field, "is missing"));
  return simdjson::SUCCESS;
}

}  // namespace spotburst::mesos::json
