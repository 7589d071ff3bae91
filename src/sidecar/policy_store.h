// PolicyStore: turns the policy a request names or carries into an Engine,
// with errors a client can act on.
//
// Named policies are loaded, validated and bound to engines once, at
// startup, and shared by every request (Engine::Evaluate is const and
// thread-safe). Inline policies (a Policy message or a policy file's text)
// are validated on first sight and kept in a small LRU cache keyed by their
// exact bytes, so a client that sends the same policy with every call pays
// for validation once. Errors are never cached.
//
// Every error is InvalidArgument (NotFound for an unknown policy name) and
// starts with the request field that holds the bad value:
//   "policy.scaling.burst_point: 1.5 is out of range (0, 1]"
//   "policy.bidding.strategy: unknown bidding strategy \"x\" (registered: ...)"
//   "policy_text:12: scaling.burst_point: ..."
// Thread-safe.
//
//   SPOTBURST_ASSIGN_OR_RETURN(auto store, PolicyStore::Create({{"prod",
//   path}})); SPOTBURST_ASSIGN_OR_RETURN(auto resolved,
//   store->FromName("prod")); resolved->engine.Evaluate(input, now);
#ifndef SPOTBURST_SIDECAR_POLICY_STORE_H_
#define SPOTBURST_SIDECAR_POLICY_STORE_H_

#include <cstddef>
#include <list>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "spotburst/engine.h"
#include "spotburst/strategy_registry.h"
#include "spotburst/v1/policy.pb.h"

namespace spotburst::sidecar {

// A policy ready to evaluate with, and what identifies it.
struct ResolvedPolicy {
  // The name it was loaded under; empty for an inline policy.
  std::string name;
  // PolicyRevision of `effective`.
  std::string revision;
  // The policy as the engine uses it, every default filled in.
  std::shared_ptr<const v1::Policy> effective;
  Engine engine;
};

// A stable hash of a policy (16 hex digits): FNV-1a over its deterministic
// serialization. Equal policies, however they were written, have equal
// revisions; pass the effective policy (every default filled in).
std::string PolicyRevision(const v1::Policy& effective);

struct PolicyStoreOptions {
  // Inline policies kept validated, at most. 0 turns the cache off.
  size_t cache_entries = 64;
  // Inline policies larger than this (bytes) are validated every time.
  size_t max_cached_policy_bytes = 16 << 10;
  // Where strategy names are looked up; must outlive the store.
  const StrategyRegistry* registry = &StrategyRegistry::Builtin();
};

class PolicyStore {
 public:
  // Loads each named policy file (name -> path). InvalidArgument or
  // NotFound naming the policy and file when one fails to load.
  static absl::StatusOr<std::unique_ptr<PolicyStore>> Create(
      const std::map<std::string, std::string>& files,
      PolicyStoreOptions options = {});

  PolicyStore(const PolicyStore&) = delete;
  PolicyStore& operator=(const PolicyStore&) = delete;

  // NotFound listing the loaded names when `name` is not one of them.
  absl::StatusOr<std::shared_ptr<const ResolvedPolicy>> FromName(
      absl::string_view name) const;
  // A Policy message; errors start with "policy.".
  absl::StatusOr<std::shared_ptr<const ResolvedPolicy>> FromProto(
      const v1::Policy& policy);
  // A policy file's text (YAML or JSON); errors start with "policy_text".
  absl::StatusOr<std::shared_ptr<const ResolvedPolicy>> FromText(
      const std::string& text);

  // The loaded names, sorted.
  std::vector<std::string> names() const;
  const StrategyRegistry& registry() const { return *options_.registry; }

 private:
  using Cached = std::pair<std::string, std::shared_ptr<const ResolvedPolicy>>;

  explicit PolicyStore(PolicyStoreOptions options)
      : options_(std::move(options)) {}

  std::shared_ptr<const ResolvedPolicy> Lookup(const std::string& key);
  void Insert(std::string key, std::shared_ptr<const ResolvedPolicy> value);

  const PolicyStoreOptions options_;
  std::map<std::string, std::shared_ptr<const ResolvedPolicy>, std::less<>>
      named_;  // immutable after Create
  absl::Mutex mu_;
  std::list<Cached> lru_ ABSL_GUARDED_BY(mu_);  // most recent first
  absl::flat_hash_map<std::string, std::list<Cached>::iterator> index_
      ABSL_GUARDED_BY(mu_);
};

}  // namespace spotburst::sidecar

#endif  // SPOTBURST_SIDECAR_POLICY_STORE_H_
