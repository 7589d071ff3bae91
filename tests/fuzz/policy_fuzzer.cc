// Fuzzes policy text (YAML or JSON) as `spotburst validate`, the CLI and the
// sidecar's `policy_text` read it. A policy that parses must pass the
// cross-key checks and bind to an engine unless a strategy is unknown.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "absl/strings/match.h"
#include "fuzz_check.h"
#include "spotburst/engine.h"
#include "spotburst/policy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto policy = spotburst::ParsePolicy(text, "fuzz.yaml");
  if (!policy.ok()) {
    // Errors name where: the source, at least.
    SPOTBURST_FUZZ_CHECK(!policy.status().message().empty());
    return 0;
  }
  SPOTBURST_FUZZ_CHECK(spotburst::ValidatePolicy(*policy).ok());
  // Strategy names are checked against a registry when an engine is made
  // (embedders register their own), so only that may fail, and says so.
  auto engine = spotburst::Engine::Create(*policy);
  SPOTBURST_FUZZ_CHECK(
      engine.ok() ||
      (absl::IsNotFound(engine.status()) &&
       absl::StrContains(engine.status().message(), "strategy")));
  return 0;
}
