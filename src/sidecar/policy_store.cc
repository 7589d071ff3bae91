// PolicyStore: named policies bound once, inline ones validated and cached.
#include "sidecar/policy_store.h"

#include <cstdint>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/unknown_field_set.h"
#include "sidecar/client_input.h"
#include "spotburst/internal/policy_proto.h"
#include "spotburst/policy.h"
#include "spotburst/status_macros.h"

namespace spotburst::sidecar {
namespace {

using ::google::protobuf::FieldDescriptor;
using ::google::protobuf::Message;
using ::google::protobuf::Reflection;

std::string DeterministicBytes(const Message& message) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream stream(&bytes);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    message.SerializeToCodedStream(&coded);
  }
  return bytes;
}

// `status` with its message behind `prefix`; a leading "policy: " (how
// ValidatePolicy names its source) folds into the prefix.
absl::Status WithPrefix(const absl::Status& status, absl::string_view prefix,
                        absl::StatusCode code) {
  absl::string_view message = status.message();
  if (absl::StartsWith(message, "policy: ")) message.remove_prefix(8);
  return absl::Status(code, absl::StrCat(prefix, message));
}

// A binary Policy from a newer client may carry fields this server does not
// know; ignoring them could silently drop a limit (a cost cap, say).
absl::Status CheckNoUnknownFields(const Message& message,
                                  const std::string& path) {
  const Reflection& reflection = *message.GetReflection();
  const google::protobuf::UnknownFieldSet& unknown =
      reflection.GetUnknownFields(message);
  if (!unknown.empty()) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "%s: unknown field number %d (the client's schema is newer than this "
        "server's; refusing rather than ignoring it)",
        path, unknown.field(0).number()));
  }
  std::vector<const FieldDescriptor*> fields;
  reflection.ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    if (field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) continue;
    const std::string field_path = absl::StrCat(path, ".", field->name());
    if (field->is_repeated()) {
      for (int i = 0; i < reflection.FieldSize(message, field); ++i) {
        SPOTBURST_RETURN_IF_ERROR(CheckNoUnknownFields(
            reflection.GetRepeatedMessage(message, field, i), field_path));
      }
    } else {
      SPOTBURST_RETURN_IF_ERROR(CheckNoUnknownFields(
          reflection.GetMessage(message, field), field_path));
    }
  }
  return absl::OkStatus();
}

// Looks up both strategies (an unknown name is the request's fault, so
// InvalidArgument rather than the registry's NotFound), then binds.
absl::StatusOr<std::shared_ptr<const ResolvedPolicy>> Bind(
    Policy policy, const StrategyRegistry& registry, std::string name,
    absl::string_view prefix) {
  constexpr auto kInvalid = absl::StatusCode::kInvalidArgument;
  if (auto found = registry.FindBidding(policy.bidding.strategy); !found.ok()) {
    return WithPrefix(found.status(), prefix, kInvalid);
  }
  if (auto found = registry.FindScaling(policy.scaling.strategy); !found.ok()) {
    return WithPrefix(found.status(), prefix, kInvalid);
  }
  absl::StatusOr<Engine> engine = Engine::Create(std::move(policy), registry);
  if (!engine.ok()) return WithPrefix(engine.status(), prefix, kInvalid);
  auto effective = std::make_shared<const v1::Policy>(
      internal::PolicyToProto(engine->policy()));
  std::string revision = PolicyRevision(*effective);
  return std::make_shared<const ResolvedPolicy>(
      ResolvedPolicy{.name = std::move(name),
                     .revision = std::move(revision),
                     .effective = std::move(effective),
                     .engine = *std::move(engine)});
}

}  // namespace

std::string PolicyRevision(const v1::Policy& effective) {
  uint64_t hash = 0xcbf29ce484222325ULL;  // FNV-1a, 64 bits
  for (unsigned char byte : DeterministicBytes(effective)) {
    hash ^= byte;
    hash *= 0x100000001b3ULL;
  }
  return absl::StrFormat("%016x", hash);
}

absl::StatusOr<std::unique_ptr<PolicyStore>> PolicyStore::Create(
    const std::map<std::string, std::string>& files,
    PolicyStoreOptions options) {
  std::unique_ptr<PolicyStore> store(new PolicyStore(std::move(options)));
  for (const auto& [name, path] : files) {
    const std::string prefix = absl::StrCat("policies.", name, ": ");
    // Requests name policies with the same rules (policy_name).
    if (absl::Status valid = CheckName("policies: a policy name", name);
        !valid.ok()) {
      return valid;
    }
    absl::StatusOr<Policy> policy = LoadPolicyFile(path);
    if (!policy.ok()) {
      return absl::Status(policy.status().code(),
                          absl::StrCat(prefix, policy.status().message()));
    }
    SPOTBURST_ASSIGN_OR_RETURN(std::shared_ptr<const ResolvedPolicy> resolved,
                               Bind(*std::move(policy), store->registry(), name,
                                    absl::StrCat(prefix, path, ": ")));
    store->named_.emplace(name, std::move(resolved));
  }
  return store;
}

absl::StatusOr<std::shared_ptr<const ResolvedPolicy>> PolicyStore::FromName(
    absl::string_view name) const {
  auto it = named_.find(name);
  if (it == named_.end()) {
    return absl::NotFoundError(absl::StrFormat(
        "policy_name: no policy named %s is loaded (loaded: %s)",
        QuoteInput(name),
        named_.empty() ? "none" : absl::StrJoin(names(), ", ")));
  }
  return it->second;
}

absl::StatusOr<std::shared_ptr<const ResolvedPolicy>> PolicyStore::FromProto(
    const v1::Policy& proto) {
  std::string key = "p" + DeterministicBytes(proto);
  if (auto cached = Lookup(key)) return cached;

  SPOTBURST_RETURN_IF_ERROR(CheckNoUnknownFields(proto, "policy"));
  absl::StatusOr<Policy> policy = internal::PolicyFromProto(proto);
  if (!policy.ok()) {
    return WithPrefix(policy.status(), "policy.",
                      absl::StatusCode::kInvalidArgument);
  }
  if (absl::Status valid = ValidatePolicy(*policy); !valid.ok()) {
    return WithPrefix(valid, "policy.", absl::StatusCode::kInvalidArgument);
  }
  SPOTBURST_ASSIGN_OR_RETURN(
      std::shared_ptr<const ResolvedPolicy> resolved,
      Bind(*std::move(policy), registry(), "", "policy."));
  Insert(std::move(key), resolved);
  return resolved;
}

absl::StatusOr<std::shared_ptr<const ResolvedPolicy>> PolicyStore::FromText(
    const std::string& text) {
  std::string key = "t" + text;
  if (auto cached = Lookup(key)) return cached;

  absl::StatusOr<Policy> policy = ParsePolicy(text, "policy_text");
  if (!policy.ok()) {
    return absl::InvalidArgumentError(policy.status().message());
  }
  SPOTBURST_ASSIGN_OR_RETURN(
      std::shared_ptr<const ResolvedPolicy> resolved,
      Bind(*std::move(policy), registry(), "", "policy_text: "));
  Insert(std::move(key), resolved);
  return resolved;
}

std::vector<std::string> PolicyStore::names() const {
  std::vector<std::string> out;
  for (const auto& [name, resolved] : named_) out.push_back(name);
  return out;
}

std::shared_ptr<const ResolvedPolicy> PolicyStore::Lookup(
    const std::string& key) {
  if (options_.cache_entries == 0) return nullptr;
  absl::MutexLock lock(&mu_);
  auto it = index_.find(key);
  if (it == index_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second);
  return it->second->second;
}

void PolicyStore::Insert(std::string key,
                         std::shared_ptr<const ResolvedPolicy> value) {
  if (options_.cache_entries == 0 ||
      key.size() > options_.max_cached_policy_bytes + 1) {
    return;
  }
  absl::MutexLock lock(&mu_);
  if (index_.contains(key)) return;  // another thread got there first
  lru_.emplace_front(key, std::move(value));
  index_.emplace(std::move(key), lru_.begin());
  while (lru_.size() > options_.cache_entries) {
    index_.erase(lru_.back().first);
    lru_.pop_back();
  }
}

}  // namespace spotburst::sidecar
