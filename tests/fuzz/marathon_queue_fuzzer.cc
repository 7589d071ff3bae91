// Fuzzes Marathon's /v2/queue as the Mesos adapter reads it. A queue that
// parses must split into finite, non-negative demand, every held-back
// entry a workload from the queue with a short detail; a queue that does
// not parse must say so briefly.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_check.h"
#include "marathon_queue.h"
#include "unmet_demand.h"

namespace {

bool FiniteAndNonNegative(const spotburst::Resources& r) {
  for (double v : {r.cpus, r.mem_mib, r.disk_mib, r.gpus}) {
    if (!std::isfinite(v) || v < 0) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto queue = spotburst::mesos::ParseMarathonQueue(text);
  if (!queue.ok()) {
    SPOTBURST_FUZZ_CHECK(queue.status().code() ==
                         absl::StatusCode::kInvalidArgument);
    SPOTBURST_FUZZ_CHECK(queue.status().message().size() < 600);
    return 0;
  }
  const spotburst::mesos::BurstAgentProfile agent{
      .attributes = {{"cloud_type", "burst"}, {"rack", "12"}},
      .unique_attributes = {"instance_id"},
      .region = "us-east-1",
      .zone = "us-east-1a"};
  const spotburst::mesos::UnmetDemand demand =
      spotburst::mesos::SplitUnmetDemand(*queue, agent);
  SPOTBURST_FUZZ_CHECK(FiniteAndNonNegative(demand.queued));
  SPOTBURST_FUZZ_CHECK(demand.held_back.size() <= queue->size());
  for (const spotburst::HeldBackDemand& held : demand.held_back) {
    SPOTBURST_FUZZ_CHECK(held.instances > 0);
    SPOTBURST_FUZZ_CHECK(FiniteAndNonNegative(held.resources));
    SPOTBURST_FUZZ_CHECK(!held.detail.empty() && held.detail.size() < 400);
  }
  return 0;
}
