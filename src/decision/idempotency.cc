// FNV-1a 64 over length-prefixed parts.
#include "decision/idempotency.h"

#include "absl/strings/str_format.h"

namespace spotburst::internal {
namespace {
constexpr uint64_t kFnvPrime = 1099511628211ull;
}  // namespace

TokenBuilder& TokenBuilder::Add(std::string_view part) {
  Add(static_cast<int64_t>(part.size()));  // keeps "ab"+"c" apart from "a"+"bc"
  for (unsigned char c : part) {
    hash_ ^= c;
    hash_ *= kFnvPrime;
  }
  return *this;
}

TokenBuilder& TokenBuilder::Add(int64_t number) {
  for (int i = 0; i < 8; ++i) {
    hash_ ^= static_cast<uint64_t>(number >> (8 * i)) & 0xff;
    hash_ *= kFnvPrime;
  }
  return *this;
}

std::string TokenBuilder::Token() const {
  return absl::StrFormat("sb-%016x", hash_);
}

}  // namespace spotburst::internal
