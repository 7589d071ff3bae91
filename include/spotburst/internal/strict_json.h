// Internal to spotburst (target spotburst::internal): shared by its programs
// and adapters, not installed, no compatibility promise. Implemented in
// src/formats/strict_json.cc.
//
// Strict JSON checks and JSON string quoting, for the wire format and the
// line protocol of `spotburst evaluate --state=-`.
//
// Protobuf's JSON parser (3.21) lets a key appear twice in an object (the
// last one wins, or repeated fields add up), so a state could mean two
// things. CheckStrictJson runs first and refuses such text: RFC 8259 JSON
// only (no trailing commas, comments or trailing garbage) and no key twice
// in one object, with the key's path in the error. Errors quote at most a
// short excerpt of the input.
#ifndef SPOTBURST_INTERNAL_STRICT_JSON_H_
#define SPOTBURST_INTERNAL_STRICT_JSON_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace spotburst::internal {

// InvalidArgument "<what>: ..." for text that is not one strict JSON value,
// e.g. "state JSON: fleet.instances[1].id: duplicate key".
absl::Status CheckStrictJson(std::string_view json, std::string_view what);

// `text` as a JSON string literal, quotes included. Bytes that are not
// UTF-8 become U+FFFD, so the result is always valid JSON.
std::string JsonQuote(std::string_view text);

// At most `max_bytes` of `text`, with "... (N more bytes)" when cut: for
// quoting client input in errors.
std::string Excerpt(std::string_view text, size_t max_bytes);

}  // namespace spotburst::internal

#endif  // SPOTBURST_INTERNAL_STRICT_JSON_H_
