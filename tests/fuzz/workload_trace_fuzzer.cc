// Fuzzes workload trace CSV (the simulator's demand). A trace that parses
// has at least one row, in strictly increasing time, with finite,
// non-negative usage.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.h"
#include "workload_trace.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto samples = spotburst::sim::internal::ParseWorkloadCsv(text, "fuzz.csv");
  if (!samples.ok()) return 0;
  SPOTBURST_FUZZ_CHECK(!samples->empty());
  for (size_t i = 0; i < samples->size(); ++i) {
    const auto& s = (*samples)[i];
    SPOTBURST_FUZZ_CHECK(std::isfinite(s.cpus_used) && s.cpus_used >= 0);
    SPOTBURST_FUZZ_CHECK(std::isfinite(s.mem_gib_used) && s.mem_gib_used >= 0);
    if (i > 0) SPOTBURST_FUZZ_CHECK((*samples)[i - 1].time < s.time);
  }
  return 0;
}
