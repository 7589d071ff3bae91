// Marathon's launch queue (GET /v2/queue): what waits to be launched, per
// application or pod, with what each instance asks for and why Marathon has
// not launched it yet.
//
//   absl::StatusOr<std::vector<MarathonQueueItem>> queue =
//       ParseMarathonQueue(body);
//
// Only what the adapter needs is kept; unknown fields are ignored.
#ifndef SPOTBURST_ADAPTERS_MESOS_SRC_MARATHON_QUEUE_H_
#define SPOTBURST_ADAPTERS_MESOS_SRC_MARATHON_QUEUE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "spotburst/resources.h"

namespace spotburst::mesos {

// A placement constraint: ["cloud_type", "CLUSTER", "private"] in an app,
// {"fieldName": ..., "operator": ..., "value": ...} in a pod.
struct MarathonConstraint {
  std::string field;
  std::string op;  // as written, e.g. "CLUSTER"
  std::optional<std::string> value;

  friend bool operator==(const MarathonConstraint&,
                         const MarathonConstraint&) = default;
};

// One step of Marathon's offer funnel, e.g. {"InsufficientCpus", 5, 6}.
struct OfferRejects {
  std::string reason;
  int64_t declined = 0;
  int64_t processed = 0;

  friend bool operator==(const OfferRejects&, const OfferRejects&) = default;
};

// processedOffersSummary: the offers seen in this launch attempt.
struct ProcessedOffersSummary {
  int64_t processed_offers = 0;
  int64_t unused_offers = 0;
  // Over the last offer of each agent.
  std::vector<OfferRejects> reject_summary_last_offers;

  friend bool operator==(const ProcessedOffersSummary&,
                         const ProcessedOffersSummary&) = default;
};

struct MarathonQueueItem {
  std::string id;  // "/etl/worker"
  bool is_pod = false;
  // Instances still to launch.
  int count = 0;
  // What one instance asks for: an app's cpus/mem/disk/gpus; a pod's
  // containers summed, plus its executor's resources.
  Resources per_instance;
  // The role it launches under ("" when not given).
  std::string role;
  // The launch backoff: `overdue` true means it waits for offers; false
  // with time left means it was backed off after failed launches. Absent
  // in the payload: no backoff.
  double delay_time_left_s = 0;
  bool delay_overdue = true;
  std::vector<MarathonConstraint> constraints;
  // Absent when the payload has no acceptedResourceRoles.
  std::optional<std::vector<std::string>> accepted_resource_roles;
  std::optional<ProcessedOffersSummary> offers;

  friend bool operator==(const MarathonQueueItem&,
                         const MarathonQueueItem&) = default;
};

// The items of a /v2/queue body ({"queue": [...]}), in order.
// InvalidArgument for anything malformed (not JSON, a wrong type, a negative
// count or resource, a number out of range), naming "/v2/queue", the item's
// index and id and the field, and quoting at most a short piece of input.
absl::StatusOr<std::vector<MarathonQueueItem>> ParseMarathonQueue(
    std::string_view body);

}  // namespace spotburst::mesos

#endif  // SPOTBURST_ADAPTERS_MESOS_SRC_MARATHON_QUEUE_H_
