// Fuzzes simulator scenario files (YAML). Paths in a scenario are resolved
// against a directory that does not exist, so only the text is exercised.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.h"
#include "spotburst/sim/scenario.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto scenario =
      spotburst::sim::ParseScenario(text, "fuzz.yaml", "/nonexistent-fuzz-dir");
  if (scenario.ok()) {
    SPOTBURST_FUZZ_CHECK(scenario->duration >= absl::ZeroDuration());
    // A loaded scenario sells at least one market.
    SPOTBURST_FUZZ_CHECK(!scenario->markets.empty());
  }
  return 0;
}
