// Status propagation macros (Debian's abseil 20220623 ships none).
//
//   SPOTBURST_RETURN_IF_ERROR(DoThing());
//   SPOTBURST_ASSIGN_OR_RETURN(Policy policy, LoadPolicyFile(path));
//
// Both evaluate their argument once and return the failed absl::Status from
// the enclosing function, which must return absl::Status or absl::StatusOr.
#ifndef SPOTBURST_STATUS_MACROS_H_
#define SPOTBURST_STATUS_MACROS_H_

#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define SPOTBURST_RETURN_IF_ERROR(expr)                    \
  do {                                                     \
    const ::absl::Status spotburst_status_ = (expr);       \
    if (!spotburst_status_.ok()) return spotburst_status_; \
  } while (false)

#define SPOTBURST_STATUS_CONCAT_INNER_(a, b) a##b
#define SPOTBURST_STATUS_CONCAT_(a, b) SPOTBURST_STATUS_CONCAT_INNER_(a, b)

#define SPOTBURST_ASSIGN_OR_RETURN(lhs, rexpr) \
  SPOTBURST_ASSIGN_OR_RETURN_IMPL_(            \
      SPOTBURST_STATUS_CONCAT_(spotburst_statusor_, __LINE__), lhs, rexpr)

#define SPOTBURST_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                                     \
  if (!statusor.ok()) return std::move(statusor).status();     \
  lhs = *std::move(statusor)

#endif  // SPOTBURST_STATUS_MACROS_H_
