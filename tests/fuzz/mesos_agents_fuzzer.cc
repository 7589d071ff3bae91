// Fuzzes the Mesos master's JSON as the adapter reads it every tick: the
// same bytes as a /master/slaves body, a GET_AGENTS answer and a metrics
// snapshot. Whatever parses holds only finite, non-negative amounts and
// agents with an id; whatever fails says so in a short message.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"
#include "fuzz_check.h"
#include "master_json.h"

namespace {

// Errors quote at most a short piece of the body, however long it is.
constexpr size_t kMaxMessageBytes = 1024;

bool Sane(const spotburst::Resources& r) {
  for (double v : {r.cpus, r.mem_mib, r.disk_mib, r.gpus}) {
    if (!std::isfinite(v) || v < 0) return false;
  }
  return true;
}

void CheckError(const absl::Status& status) {
  SPOTBURST_FUZZ_CHECK(absl::IsInvalidArgument(status));
  SPOTBURST_FUZZ_CHECK(!status.message().empty());
  SPOTBURST_FUZZ_CHECK(status.message().size() <= kMaxMessageBytes);
}

void CheckAgents(const absl::StatusOr<spotburst::mesos::AgentList>& list) {
  if (!list.ok()) {
    CheckError(list.status());
    return;
  }
  for (const spotburst::mesos::Agent& agent : list->agents) {
    SPOTBURST_FUZZ_CHECK(!agent.id.empty());
    SPOTBURST_FUZZ_CHECK(Sane(agent.total));
    SPOTBURST_FUZZ_CHECK(Sane(agent.used));
    SPOTBURST_FUZZ_CHECK(Sane(agent.offered));
  }
  for (const spotburst::mesos::RecoveredAgent& agent : list->recovered) {
    SPOTBURST_FUZZ_CHECK(!agent.id.empty());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  CheckAgents(spotburst::mesos::ParseAgents(body));
  CheckAgents(spotburst::mesos::ParseGetAgents(body));
  const absl::StatusOr<spotburst::mesos::MetricsSnapshot> snapshot =
      spotburst::mesos::ParseMetricsSnapshot(body);
  if (!snapshot.ok()) {
    CheckError(snapshot.status());
  } else {
    SPOTBURST_FUZZ_CHECK(Sane(snapshot->total));
    SPOTBURST_FUZZ_CHECK(Sane(snapshot->used));
  }
  return 0;
}
