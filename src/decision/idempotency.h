// Idempotency tokens derived from the decision that made a request.
//
// The token hashes what identifies the decision (policy, market, the
// evaluation tick, the count before and the action), so a controller that
// retries or restarts and makes the same decision sends the same token, and
// the cloud (EC2's ClientToken) refuses to create a second request. The
// hash is FNV-1a 64: stable across processes and builds, unlike
// absl::Hash, and tokens need no cryptographic strength.
#ifndef SPOTBURST_SRC_DECISION_IDEMPOTENCY_H_
#define SPOTBURST_SRC_DECISION_IDEMPOTENCY_H_

#include <cstdint>
#include <string>
#include <string_view>

namespace spotburst::internal {

class TokenBuilder {
 public:
  TokenBuilder& Add(std::string_view part);
  TokenBuilder& Add(int64_t number);
  // "sb-" followed by 16 hex digits (EC2 allows up to 64 ASCII characters).
  std::string Token() const;

 private:
  uint64_t hash_ = 14695981039346656037ull;
};

}  // namespace spotburst::internal

#endif  // SPOTBURST_SRC_DECISION_IDEMPOTENCY_H_
