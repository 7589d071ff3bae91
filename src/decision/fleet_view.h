// FleetView: the fleet sorted into what the engine counts and acts on.
//
// Counted instances and open requests make the prototype's n. On-demand
// instances with a live spot replacement (an open request naming them, or
// an instance launched by such a request) are "retiring": not counted, and
// ended at their next good billing point. Instances under an interruption
// notice are neither counted nor ever ended: the provider ends them.
#ifndef SPOTBURST_SRC_DECISION_FLEET_VIEW_H_
#define SPOTBURST_SRC_DECISION_FLEET_VIEW_H_

#include <vector>

#include "absl/container/flat_hash_set.h"
#include "spotburst/fleet.h"

namespace spotburst::internal {

struct FleetView {
  std::vector<const Instance*> counted_instances;
  std::vector<const Instance*> interrupted;
  std::vector<const Instance*> retiring_on_demand;
  std::vector<const SpotRequest*> open_requests;  // not replacements
  std::vector<const SpotRequest*> open_replacements;
  // On-demand instances a replacement is already under way for.
  absl::flat_hash_set<std::string_view> replaced_ids;
  int on_demand_counted = 0;
  // Worst case per hour: instances at their max price, open requests at
  // their bid.
  double worst_case_usd_per_hour = 0;
};

FleetView ViewFleet(const Fleet& fleet);

}  // namespace spotburst::internal

#endif  // SPOTBURST_SRC_DECISION_FLEET_VIEW_H_
