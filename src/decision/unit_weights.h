// The units each instance type counts for (instance.alternatives): one unit
// is one instance.shape, and an instance counts its type's weight. Without
// alternatives of weight above 1 every instance counts 1 and nothing is
// looked up, so a single-type fleet is counted as fast as before.
#ifndef SPOTBURST_SRC_DECISION_UNIT_WEIGHTS_H_
#define SPOTBURST_SRC_DECISION_UNIT_WEIGHTS_H_

#include <string_view>
#include <utility>
#include <vector>

#include "spotburst/policy.h"

namespace spotburst::internal {

class UnitWeights {
 public:
  UnitWeights() = default;
  // `spec` must outlive this: the types are views into it.
  explicit UnitWeights(const InstanceSpec& spec) {
    for (const InstanceAlternative& alternative : spec.alternatives) {
      const int weight = UnitWeight(spec, alternative);
      if (weight != 1) heavy_.push_back({alternative.type, weight});
    }
  }

  // Every type counts 1.
  bool all_one() const { return heavy_.empty(); }
  // The units an instance of `type` counts for; 1 for a type the policy
  // does not list (an instance it did not launch counts as one).
  int Of(std::string_view type) const {
    for (const auto& [heavy, weight] : heavy_) {
      if (heavy == type) return weight;
    }
    return 1;
  }

 private:
  // The types weighing other than 1: a policy lists few.
  std::vector<std::pair<std::string_view, int>> heavy_;
};

}  // namespace spotburst::internal

#endif  // SPOTBURST_SRC_DECISION_UNIT_WEIGHTS_H_
