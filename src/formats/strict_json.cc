// Strict JSON: nlohmann/json's SAX parser (RFC 8259, no DOM built) with a
// handler that tracks the key path and refuses repeated keys.
#include "spotburst/internal/strict_json.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "nlohmann/json.hpp"

namespace spotburst::internal {
namespace {

using Json = nlohmann::json;

// Protobuf's JSON parser stops at 100 levels too; a limit here keeps the
// path stack small for input like "[[[[...".
constexpr size_t kMaxDepth = 100;
// Keys and input quoted in errors are cut to this many bytes.
constexpr size_t kQuoteBytes = 40;

absl::string_view Sv(std::string_view s) { return {s.data(), s.size()}; }

class StrictHandler {
 public:
  bool null() { return Value(); }
  bool boolean(bool) { return Value(); }
  bool number_integer(Json::number_integer_t) { return Value(); }
  bool number_unsigned(Json::number_unsigned_t) { return Value(); }
  bool number_float(Json::number_float_t, const std::string&) {
    return Value();
  }
  bool string(std::string&) { return Value(); }
  bool binary(Json::binary_t&) { return Value(); }

  bool start_object(size_t) { return Open(/*array=*/false); }
  bool start_array(size_t) { return Open(/*array=*/true); }
  bool end_object() { return Close(); }
  bool end_array() { return Close(); }

  bool key(std::string& key) {
    Frame& top = frames_.back();
    if (!top.keys.insert(key).second) {
      const std::string where = Path(frames_.size() - 1);
      error_ = absl::StrCat(where, where.empty() ? "" : ".",
                            Excerpt(key, kQuoteBytes), ": duplicate key");
      return false;
    }
    top.key = key;
    return true;
  }

  bool parse_error(size_t byte, const std::string&,
                   const nlohmann::detail::exception& e) {
    // The message names the position, then what is wrong; the lexer may
    // add the whole offending token after "; last read:", which can be
    // most of the input, so that part is dropped.
    std::string_view message = e.what();
    if (const size_t at = message.find("parse error");
        at != std::string_view::npos) {
      message.remove_prefix(at);
    }
    message = message.substr(0, message.find("; last read:"));
    error_ = std::string(message);
    byte_ = byte;
    return false;
  }

  const std::string& error() const { return error_; }
  // 1-based byte of a syntax error; 0 for other errors.
  size_t byte() const { return byte_; }

 private:
  struct Frame {
    bool array = false;
    int64_t index = -1;  // arrays: the element being read
    std::string key;     // objects: the key being read
    absl::flat_hash_set<std::string> keys;
  };

  bool Value() {
    if (!frames_.empty() && frames_.back().array) ++frames_.back().index;
    return true;
  }

  bool Open(bool array) {
    Value();
    if (frames_.size() >= kMaxDepth) {
      error_ = absl::StrCat(Path(frames_.size()), ": nested deeper than ",
                            kMaxDepth, " levels");
      return false;
    }
    frames_.push_back({.array = array});
    return true;
  }

  bool Close() {
    frames_.pop_back();
    return true;
  }

  // The path to the value the first `depth` frames lead to.
  std::string Path(size_t depth) const {
    std::string out;
    for (size_t i = 0; i < depth && i < frames_.size(); ++i) {
      const Frame& f = frames_[i];
      if (f.array) {
        absl::StrAppend(&out, "[", f.index, "]");
      } else {
        absl::StrAppend(&out, out.empty() ? "" : ".",
                        Excerpt(f.key, kQuoteBytes));
      }
    }
    return out;
  }

  std::vector<Frame> frames_;
  std::string error_;
  size_t byte_ = 0;
};

}  // namespace

absl::Status CheckStrictJson(std::string_view json, std::string_view what) {
  StrictHandler handler;
  bool ok = false;
  try {
    ok = Json::sax_parse(json.begin(), json.end(), &handler,
                         Json::input_format_t::json, /*strict=*/true,
                         /*ignore_comments=*/false);
  } catch (const std::exception&) {
    // The SAX parser reports through parse_error; this is a safety net.
    ok = false;
  }
  if (ok) return absl::OkStatus();
  std::string message =
      handler.error().empty() ? std::string("invalid JSON") : handler.error();
  if (handler.byte() > 0) {
    // Show where: a few bytes before the error position and the byte there.
    const size_t end = std::min(json.size(), handler.byte());
    const size_t begin = end > kQuoteBytes / 2 ? end - kQuoteBytes / 2 : 0;
    absl::StrAppend(&message, " near ",
                    JsonQuote(json.substr(begin, end - begin)));
  }
  return absl::InvalidArgumentError(absl::StrCat(Sv(what), ": ", message));
}

std::string JsonQuote(std::string_view text) {
  return Json(std::string(text))
      .dump(-1, ' ', /*ensure_ascii=*/false, Json::error_handler_t::replace);
}

std::string Excerpt(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  size_t cut = max_bytes;
  // Never split a UTF-8 sequence: back off to the start of a character.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  return absl::StrFormat("%s... (%d more bytes)", Sv(text.substr(0, cut)),
                         text.size() - cut);
}

}  // namespace spotburst::internal
