// The smallest valid policy as YAML, and a parse of it with keys added:
// for tests of one policy key at a time.
#ifndef SPOTBURST_TESTS_TESTING_MINIMAL_POLICY_H_
#define SPOTBURST_TESTS_TESTING_MINIMAL_POLICY_H_

#include <string>

#include "absl/status/statusor.h"
#include "spotburst/policy.h"

namespace spotburst::testing {

inline constexpr char kMinimalPolicy[] = R"(instance:
  type: c4.large
  shape: {cpus: 2, mem_mib: 3840}
  on_demand_usd_per_hour: 0.1
)";

// kMinimalPolicy followed by `extra` (more keys, or more of `instance:`
// when indented), parsed as "policy.yaml".
inline absl::StatusOr<Policy> ParseMinimalPolicyWith(const std::string& extra) {
  return ParsePolicy(std::string(kMinimalPolicy) + extra, "policy.yaml");
}

}  // namespace spotburst::testing

#endif  // SPOTBURST_TESTS_TESTING_MINIMAL_POLICY_H_
